"""The numbers behind a scorecard period: one KPI query for all agents, with the counts behind each rate.

A rate whose catalog formula is `numerator / denominator` over count measures (fcr_rate,
transfer_rate, csat_top2_rate, service_level, abandon_rate...) is binomial: the query also asks for its
numerator and denominator as two extra metrics (derived from the same formula, so the counts are the
ones the rate was computed from), which feed the Wilson interval and the shrinkage.
"""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from typing import Any

from callboard.metrics.catalog import Catalog, ResolvedMetric
from callboard.metrics.definitions import Metric
from callboard.metrics.service import KpiService
from callboard.scorecards.periods import ScorePeriod

VOLUME_METRIC = "handled"


@dataclass(frozen=True)
class RateParts:
    """The two count metrics (requests against the extended catalog) behind a binomial rate."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class MetricInfo:
    requested: str
    resolved: str
    title: str
    unit: str
    better: str
    rate: RateParts | None


def _split_ratio(metric: Metric, catalog: Catalog) -> tuple[str, str] | None:
    """(numerator, denominator) texts when the metric is a ratio of count measures, else None."""
    if metric.unit != "ratio":
        return None
    names = catalog.measure_names(metric)
    if not names or any(catalog.measures[n].agg != "count" for n in names):
        return None
    tree = ast.parse(metric.formula.strip(), mode="eval").body
    if not isinstance(tree, ast.BinOp) or not isinstance(tree.op, ast.Div):
        return None
    return ast.unparse(tree.left), ast.unparse(tree.right)


def _part_id(metric_id: str, part: str) -> str:
    return f"scorecard_{part}__{metric_id.replace('.', '__')}"


def _request(metric_id: str, resolved: ResolvedMetric) -> str:
    if not resolved.params:
        return metric_id
    return f"{metric_id}({', '.join(f'{k}={v!r}' for k, v in resolved.params)})"


class ScorecardFigures:
    """Runs the per-period queries. The KPI service is re-built over a catalog extended with the count
    metrics `scorecard_num__<metric>` and `scorecard_den__<metric>` for every binomial rate."""

    def __init__(self, kpi: KpiService) -> None:
        self.kpi = kpi
        catalog = kpi.catalog
        extra: dict[str, Metric] = {}
        self._parts: dict[str, tuple[str, str]] = {}
        for metric in catalog.metrics.values():
            split = _split_ratio(metric, catalog)
            if split is None:
                continue
            ids = (_part_id(metric.id, "num"), _part_id(metric.id, "den"))
            for part_id, formula, title in zip(ids, split, ("numerator", "denominator"), strict=True):
                extra[part_id] = Metric(id=part_id, kpi=part_id, title=f"{metric.title} ({title})", type="derived",
                                        unit="count", formula=formula, params=metric.params)
            self._parts[metric.id] = ids
        extended = Catalog(dict(catalog.measures), {**catalog.metrics, **extra}, dict(catalog.aliases))
        self.counts = KpiService(store=kpi.store, catalog=extended, settings=kpi.settings, clock=kpi.clock)

    def describe(self, requested: str) -> MetricInfo:
        """Resolve a metric name (raises NotFound with the valid names for an unknown one)."""
        resolved = self.kpi.resolve([requested])[0]
        metric = resolved.metric
        parts = self._parts.get(metric.id)
        rate = RateParts(_request(parts[0], resolved), _request(parts[1], resolved)) if parts else None
        return MetricInfo(requested, resolved.resolved_name, metric.title, metric.unit, metric.better, rate)

    @staticmethod
    def _names(metrics: list[MetricInfo]) -> list[str]:
        names = [VOLUME_METRIC]
        for m in metrics:
            names.append(m.requested)
            if m.rate:
                names += [m.rate.numerator, m.rate.denominator]
        return list(dict.fromkeys(names))

    def agent_rows(self, metrics: list[MetricInfo], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        """One query, every agent x team in the period (trusted: the service filters what it returns).
        Rows carry each metric by its requested name, the rate parts, and `handled`."""
        result = self.counts.query(metrics=self._names(metrics), by=["agent", "team"], from_date=start, to_date=end)
        return [row for row in result.rows if row.get("agent") is not None]

    def rows_by_period(self, metrics: list[MetricInfo], periods: tuple[ScorePeriod, ...]
                       ) -> dict[ScorePeriod, list[dict[str, Any]]]:
        """Agent x team rows for several consecutive periods: ONE query grouped by week or month when the
        periods are weeks or months (the catalog's week starts on Monday, as ISO weeks do), else one per period."""
        if not periods:
            return {}
        kind = periods[0].kind
        if kind not in ("week", "month") or len(periods) == 1:
            return {p: self.agent_rows(metrics, p.start, p.end) for p in periods}
        result = self.counts.query(metrics=self._names(metrics), by=["agent", "team", kind],
                                   from_date=min(p.start for p in periods), to_date=max(p.end for p in periods))
        by_start: dict[str, list[dict[str, Any]]] = {}
        for row in result.rows:
            if row.get("agent") is not None and row.get(kind) is not None:
                by_start.setdefault(str(row[kind])[:10], []).append(row)
        return {p: by_start.get(p.start.isoformat(), []) for p in periods}
