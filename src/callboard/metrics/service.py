"""KpiService: the one service the CLI, the JSON API and the pages call for KPI numbers."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from callboard.core.errors import InvalidInput
from callboard.core.settings import Settings
from callboard.core.timeutil import period as make_period
from callboard.core.timeutil import zone
from callboard.core.viewer import Viewer
from callboard.metrics.access import scoped_where
from callboard.metrics.catalog import Catalog, ResolvedMetric, split_metric_list
from callboard.metrics.dimensions import canonical, canonical_dimensions, filter_values
from callboard.metrics.facts import FactContext
from callboard.metrics.names import queue_ids, queue_ids_named, queue_names
from callboard.metrics.org_rules import OrgRules, format_number
from callboard.metrics import sql_template
from callboard.metrics.query import KpiRequest, compile_request, per_row_rules
from callboard.metrics.sql_template import SqlTemplate, Template, Values
from callboard.store.base import AnalyticsStore

T = TypeVar("T")
# Query results kept per data version (see KpiService.cached): entries, and the largest result kept.
RESULT_CACHE_ENTRIES = 1024
RESULT_CACHE_MAX_ROWS = 100_000
# Facts read only from tables the store writes through load / replace_table / map_identities, which move its
# data_version. A request reading any other fact (e.g. one over a table a service writes itself) is not cached.
VERSIONED_FACTS = frozenset({"queue_entries", "queue_entries_talk", "agent_segments", "contact_outcomes", "surveys",
                             "interval_stats", "agent_state_time"})


@dataclass(frozen=True)
class MetricColumn:
    requested: str
    resolved: str
    title: str
    unit: str
    better: str
    formula: str


@dataclass(frozen=True)
class KpiResult:
    """Rows keyed by dimension and metric names exactly as requested."""

    dimensions: tuple[str, ...]
    metrics: tuple[MetricColumn, ...]
    rows: tuple[dict[str, Any], ...]
    time_zone: str
    from_date: dt.date | None
    to_date: dt.date | None
    # Days from this one on are provisional (reference §2.10): a later repeat contact or survey response
    # can still change them. None when no requested metric waits on such a window.
    provisional_from: dt.date | None = None


@dataclass(frozen=True)
class MetricExplanation:
    id: str
    kpi: str
    variant: str
    title: str
    type: str
    unit: str
    better: str
    formula: str
    params: dict[str, float]
    measures: dict[str, str]
    reference: str
    description: str
    sql: str


def _settings_values(settings: Settings) -> dict[str, float]:
    return {
        "service_level_threshold_s": settings.service_level_threshold_s,
        "short_abandon_s": settings.short_abandon_s,
        "fcr_window_days": float(settings.fcr_window_days),
        "survey_window_days": float(settings.survey_window_days),
    }


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        return None if value != value else value  # NaN -> null
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return _json_value(value.item())
    return value


def expression_records(store: AnalyticsStore, expr: Any) -> list[dict[str, Any]]:
    """The rows of an Ibis expression as dicts, on any store."""
    to_pyarrow = getattr(store, "to_pyarrow", None)
    if to_pyarrow is not None:
        return to_pyarrow(expr).to_pylist()  # type: ignore[no-any-return]
    return store.execute(expr).to_dict("records")  # type: ignore[attr-defined, no-any-return]


class KpiService:
    def __init__(self, *, store: AnalyticsStore, catalog: Catalog, settings: Settings,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
                 result_cache_entries: int = RESULT_CACHE_ENTRIES,
                 org_rules: Callable[[], OrgRules] | None = None) -> None:
        """`org_rules`: the organisation's current default variants and per-queue/channel thresholds
        (the runtime passes the org settings service's); None applies only `settings`."""
        self.store = store
        self.org_rules = org_rules
        self.catalog = catalog
        self.settings = settings
        self.clock = clock
        self._sql_cache: dict[tuple[Any, ...], tuple[str, list[str]]] = {}
        self._templates: dict[tuple[object, ...], SqlTemplate | None] = {}
        self._query_templates: dict[tuple[object, ...], Template | None] = {}
        self.template_queries = True  # False: compile every query directly (tests compare the two)
        self.result_cache_entries = result_cache_entries  # 0: no result cache
        self._results: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._results_version: object = None
        self._results_lock = threading.Lock()
        self.cache_hits = 0
        self.cache_misses = 0

    def data_version(self) -> object | None:
        """The store's data version (DuckDBStore.data_version); None when the engine cannot tell."""
        return getattr(self.store, "data_version", None)

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T], *,
               keep: Callable[[T], bool] = lambda _: True) -> T:
        """`compute()`, or its earlier answer for the same key computed on the same data version. The version
        is read on every call and any change empties the cache, so an answer is never older than the data.
        `key` must hold everything the answer depends on besides the data (request, scope, parameters)."""
        version = self.data_version() if self.result_cache_entries > 0 else None
        if version is None:
            return compute()
        with self._results_lock:
            if version != self._results_version:
                self._results.clear()
                self._results_version = version
            if key in self._results:
                self._results.move_to_end(key)
                self.cache_hits += 1
                return self._results[key]  # type: ignore[no-any-return]
        value = compute()
        with self._results_lock:
            self.cache_misses += 1
            if self._results_version == version and keep(value):
                self._results[key] = value
                while len(self._results) > self.result_cache_entries:
                    self._results.popitem(last=False)
        return value

    def rules(self) -> OrgRules | None:
        return self.org_rules() if self.org_rules is not None else None

    def resolve(self, names: list[str] | str, rules: OrgRules | None = None) -> list[ResolvedMetric]:
        """Bind requested names to catalog metrics: the organisation's default variant for a KPI name,
        parameters from the request, else from the organisation's defaults, else from `settings`."""
        items = split_metric_list(names) if isinstance(names, str) else [n for n in names if n.strip()]
        if not items:
            raise InvalidInput("no metrics requested", hint="e.g. --metrics offered,service_level,aht_s")
        rules = rules if rules is not None else self.rules()
        values = _settings_values(self.settings)
        overrides: dict[str, str] = {}
        if rules is not None:
            overrides = rules.overrides()
            values.update({r.setting: r.default for r in rules.settings})
        return [self.catalog.resolve(n, values, overrides) for n in items]

    def build_request(self, *, metrics: list[str] | str, by: list[str] | str = (), from_date: str | dt.date | None = None,
                      to_date: str | dt.date | None = None, where: dict[str, list[str]] | None = None) -> KpiRequest:
        by_list = [b.strip() for b in (by.split(",") if isinstance(by, str) else by) if b.strip()]
        canonical_dimensions(by_list)
        rules = self.rules()
        resolved = self.resolve(metrics, rules)
        period = make_period(from_date, to_date, self.settings.time_zone)
        where_items = tuple((k, tuple(filter_values(canonical(k), v))) for k, v in (where or {}).items())
        return KpiRequest(tuple(resolved), tuple(by_list), period, where_items, self.settings.time_zone, rules)

    def _queue_ids(self, where: dict[str, list[str]]) -> dict[str, list[str]]:
        """A queue filter also finds the queues whose display name it gives (`queue=Billing` -> q_billing), and
        the queue ids that differ from it only in letter case (`queue=billing` -> Billing)."""
        if not where.get("queue"):
            return where
        try:
            names = self.cached(("queue_names",), lambda: queue_names(self.store))
        except Exception:  # noqa: BLE001 - an engine without the queues table (Spark over older Parquet): ids only
            names = {}
        try:
            ids = self.cached(("queue_ids",), lambda: frozenset(queue_ids(self.store)))
        except Exception:  # noqa: BLE001 - same: a store missing one of the tables matches ids as given
            ids = frozenset()
        return {**where, "queue": queue_ids_named(names, where["queue"], ids)}

    def _context(self) -> FactContext:
        return FactContext(store=self.store, survey_window_days=self.settings.survey_window_days)

    def query(self, *, metrics: list[str] | str, by: list[str] | str = (), from_date: str | dt.date | None = None,
              to_date: str | dt.date | None = None, where: dict[str, list[str]] | None = None,
              viewer: Viewer | None = None) -> KpiResult:
        """`viewer`: the signed-in user; rows are limited to their scope (metrics/access.py). None is the
        trusted local owner (CLI on the data directory's machine, benchmarks)."""
        by_list = [b.strip() for b in (by.split(",") if isinstance(by, str) else by) if b.strip()]
        where = self._queue_ids(scoped_where(viewer, by_list, where))
        request = self.build_request(metrics=metrics, by=by_list, from_date=from_date, to_date=to_date, where=where)
        table, dims = self._run(request)
        records = table.to_pylist() if hasattr(table, "to_pylist") else table.to_dict("records")  # type: ignore[union-attr]
        rows = []
        for record in records:
            row = {name: _json_value(record[dim]) for name, dim in zip(request.by, dims, strict=True)}
            for index, metric in enumerate(request.metrics):
                row[metric.requested] = _json_value(record[f"_v{index}"])
            rows.append(row)
        columns = tuple(
            MetricColumn(m.requested, self.resolved_name(m, request.org_rules), m.metric.title, m.metric.unit,
                         m.metric.better, m.metric.formula)
            for m in request.metrics
        )
        period = request.period
        return KpiResult(tuple(request.by), columns, tuple(rows), self.settings.time_zone,
                         period.from_date if period else None, period.to_date if period else None,
                         self.provisional_from(request.metrics))

    @staticmethod
    def resolved_name(metric: ResolvedMetric, rules: OrgRules | None) -> str:
        """The metric id with its parameters; a parameter that varies by queue or channel shows every value,
        e.g. `service_level.callboard(threshold_s=20; chat 45, short_abandon_s=5)`."""
        per_row = per_row_rules(metric, rules)
        if not per_row:
            return metric.resolved_name
        args = ", ".join(f"{k}={per_row[k].describe() if k in per_row else format_number(v)}" for k, v in metric.params)
        return f"{metric.metric.id}({args})"

    def provisional_from(self, metrics: tuple[ResolvedMetric, ...] | list[ResolvedMetric]) -> dt.date | None:
        """The first day that is not final yet: today (organisation time zone) minus the longest repeat or
        survey window the requested metrics wait on (reference §2.10, §8, §9)."""
        window = 0.0
        for metric in metrics:
            facts = {self.catalog.measures[m].fact for m in self.catalog.measure_names(metric.metric)}
            if "contact_outcomes" in facts:
                window = max(window, dict(metric.params).get("window_days", 0.0))
            if "surveys" in facts:
                window = max(window, float(self.settings.survey_window_days))
        if not window:
            return None
        today = self.clock().astimezone(zone(self.settings.time_zone)).date()
        return today - dt.timedelta(days=math.ceil(window))

    def _run(self, request: KpiRequest) -> tuple[Any, list[str]]:
        """Execute a request. On engines that take SQL directly the compiled SQL is cached per request:
        building the Ibis expression costs more than running it on a laptop-sized store."""
        run_sql = getattr(self.store, "sql_to_pyarrow", None)
        if run_sql is None:
            expr, dims = compile_request(request, catalog=self.catalog, ctx=self._context())
            return self.store.to_pyarrow(expr), dims  # type: ignore[attr-defined]
        # from_settings is part of the key: `service_level` (thresholds per queue/channel) and
        # `service_level(threshold_s=20)` (20 s for every row) share a resolved name but not their numbers.
        key = (tuple((m.resolved_name, m.from_settings) for m in request.metrics), request.by, request.period, request.where,
               request.time_zone, request.org_rules)
        if key not in self._sql_cache:
            if len(self._sql_cache) >= 512:
                self._sql_cache.pop(next(iter(self._sql_cache)))
            self._sql_cache[key] = self._compile_sql(request)
        sql, dims = self._sql_cache[key]
        if not self.facts_of(request.metrics) <= VERSIONED_FACTS:
            return run_sql(sql), dims
        table = self.cached(("kpi", *key), lambda: run_sql(sql),
                            keep=lambda t: getattr(t, "num_rows", RESULT_CACHE_MAX_ROWS + 1) <= RESULT_CACHE_MAX_ROWS)
        return table, dims

    def _compile_sql(self, request: KpiRequest) -> tuple[str, list[str]]:
        """SQL for the request: its shape's template filled with its values (metrics/sql_template.py), else
        compiled directly."""
        shape = sql_template.shape(request)
        if shape not in self._templates:
            if len(self._templates) >= 512:
                self._templates.pop(next(iter(self._templates)))
            sentinel = sql_template.sentinel_request(request)
            expr, dims = compile_request(sentinel, catalog=self.catalog, ctx=self._context())
            self._templates[shape] = SqlTemplate.build(self.store.to_sql(expr), dims, sentinel)
        template = self._templates[shape]
        sql = template.fill(request) if template is not None else None
        if sql is not None and template is not None:
            return sql, list(template.dims)
        expr, dims = compile_request(request, catalog=self.catalog, ctx=self._context())
        return self.store.to_sql(expr), dims

    def compiled_sql(self, key: tuple[object, ...], values: Values, build: Callable[[Values], Any]) -> str:
        """SQL of `build(values)`, an Ibis expression: compiled once per `key` and shape of `values` with sentinel
        values, then filled with these (metrics/sql_template.py), else compiled directly. `key` names everything
        else the expression depends on."""
        if not self.template_queries:
            return self.store.to_sql(build(values))
        shape = (key, values.shape())
        if shape not in self._query_templates:
            if len(self._query_templates) >= 512:
                self._query_templates.pop(next(iter(self._query_templates)))
            sentinel = values.sentinel()
            self._query_templates[shape] = Template.build(self.store.to_sql(build(sentinel)), sentinel)
        template = self._query_templates[shape]
        sql = template.fill(values) if template is not None else None
        return sql if sql is not None else self.store.to_sql(build(values))

    def records(self, key: tuple[object, ...], values: Values, build: Callable[[Values], Any]) -> list[dict[str, Any]]:
        """The rows of `build(values)` as dicts; on engines that take SQL, through `compiled_sql`."""
        run_sql = getattr(self.store, "sql_to_pyarrow", None)
        if run_sql is not None:
            return run_sql(self.compiled_sql(key, values, build)).to_pylist()  # type: ignore[no-any-return]
        return expression_records(self.store, build(values))

    def facts_of(self, metrics: tuple[ResolvedMetric, ...] | list[ResolvedMetric]) -> set[str]:
        return {self.catalog.measures[m].fact for metric in metrics for m in self.catalog.measure_names(metric.metric)}

    def explain(self, name: str) -> MetricExplanation:
        resolved = self.resolve([name])[0]
        metric = resolved.metric
        request = KpiRequest((resolved,), (), None, (), self.settings.time_zone)
        expr, _ = compile_request(request, catalog=self.catalog, ctx=self._context())
        measures = {}
        for m in self.catalog.measure_names(metric):
            measure = self.catalog.measures[m]
            parts = [f"{measure.agg}({measure.expr or '*'})", f"over {measure.fact}"]
            if measure.filter:
                parts.append(f"where {measure.filter}")
            measures[m] = " ".join(parts)
        return MetricExplanation(
            id=metric.id, kpi=metric.kpi, variant=metric.variant, title=metric.title, type=metric.type,
            unit=metric.unit, better=metric.better, formula=metric.formula, params=dict(resolved.params),
            measures=measures, reference=metric.reference, description=metric.description,
            sql=self.store.to_sql(expr),
        )
