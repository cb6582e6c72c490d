"""Contact rows behind a number: the drill-down every tile and table cell links to.

`ContactRows.contacts(viewer=, from_date=, to_date=, where=, metric=, part=, limit=, offset=)` reads the
same fact the metric reads (metrics/facts.py) with the same period, `where` filters and viewer scope as
`KpiService.query`, keeps the rows the metric's measures count (metrics/drill_spec.py), and returns one
page of them, newest first, with the contact's other figures beside each row (metrics/drill_enrich.py).
Without a metric the rows are the queue entries (`offered`). The number of rows (`total`) equals the
number the metric counts for the same filters: `abandoned` rows = the `abandoned` KPI, `handled` rows =
`handled`, `abandon_rate` rows = its numerator (abandoned minus short abandons).

Permission: `view_contacts`, and the viewer's scope exactly as for KPIs (an agent sees their own rows, a
supervisor their teams' agents'); planners see aggregates only, so contact rows are refused (403).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import ibis
import ibis.expr.types as ir

from callboard.core.errors import InvalidInput
from callboard.core.timeutil import UTC, Period, zone
from callboard.core.timeutil import period as make_period
from callboard.core.viewer import Viewer
from callboard.metrics.access import scoped_where
from callboard.metrics.dimensions import TIME, add_dimensions, canonical, filter_column
from callboard.metrics.drill_enrich import ContactExtras, contact_extras
from callboard.metrics.drill_spec import DrillSpec, drill_spec, spec_predicate
from callboard.metrics.facts import FactContext, build_fact
from callboard.metrics.service import VERSIONED_FACTS, KpiService
from callboard.metrics.sql_template import Values

DEFAULT_METRIC = "offered"
_PAGE_COLUMNS = ("contact_id", "_t", "queue_id", "agent_id", "channel", "topic", "outcome", "wait_ms", "talk_ms",
                 "hold_ms", "acw_ms", "handle_ms", "transferred_out")
MAX_LIMIT = 1000
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class ContactRow:
    """One counted row: a queue entry, an agent segment, a contact or a survey answer, per the metric's fact.
    Durations in seconds (None when the source did not give them); `arrived` in the organisation's zone."""

    contact_id: str
    arrived: dt.datetime | None
    channel: str | None
    queue: str | None
    agent: str | None
    outcome: str | None
    wait_s: float | None
    talk_s: float | None
    hold_s: float | None
    acw_s: float | None
    handle_s: float | None
    transferred: bool | None
    fcr: bool | None  # resolved at first contact (fcr_rate's rule); None when not eligible
    resolved_flag: bool | None  # the source's own resolved flag
    csat: float | None
    topic: str | None


CSV_COLUMNS: tuple[str, ...] = tuple(ContactRow.__dataclass_fields__)


@dataclass(frozen=True)
class ContactPage:
    rows: tuple[ContactRow, ...]
    total: int
    limit: int
    offset: int
    metric: str  # as requested
    resolved: str  # catalog definition and parameters
    part: str
    fact: str
    caption: str
    time_zone: str
    from_date: dt.date | None
    to_date: dt.date | None
    where: tuple[tuple[str, tuple[str, ...]], ...]


def _seconds(ms: Any) -> float | None:
    return None if ms is None else round(float(ms) / 1000.0, 1)


class ContactRows:
    """Reads contact rows through Ibis with KpiService's rules (period, where, scope)."""

    def __init__(self, kpi: KpiService) -> None:
        self.kpi = kpi

    def spec(self, metric: str | None, part: str = "counted") -> DrillSpec:
        resolved = self.kpi.resolve([metric or DEFAULT_METRIC])[0]
        return drill_spec(resolved, self.kpi.catalog, part)

    def _rows_expr(self, spec: DrillSpec, values: Values, dims: tuple[str, ...]) -> ir.Table:
        """The metric's counted rows in the period (`values` start and end) with `dims` filtered to `values` lists."""
        settings = self.kpi.settings
        period = Period(values.start, values.end, None, None)
        needed = list(dict.fromkeys(canonical(d) for d in dims))
        ctx = FactContext(store=self.kpi.store, survey_window_days=settings.survey_window_days,
                          time_grains=tuple(d for d in needed if d in TIME), period=period,
                          time_zone=settings.time_zone, repeat_horizon_days=values.horizon_days)
        t = build_fact(spec.fact, ctx)
        if period.start_utc is not None:
            t = t.filter(t._t >= period.start_utc)
        if period.end_utc is not None:
            t = t.filter(t._t < period.end_utc)
        t = add_dimensions(t, needed, store=self.kpi.store, tz=settings.time_zone)
        for dim, chosen in zip(dims, values.lists, strict=True):
            t = t.filter(filter_column(t, canonical(dim)).cast("string").isin(list(chosen)))
        return t.filter(spec_predicate(t, spec, self.kpi.catalog))

    def contacts(self, *, viewer: Viewer | None, from_date: dt.date | str | None = None,
                 to_date: dt.date | str | None = None, where: dict[str, list[str]] | None = None,
                 metric: str | None = None, part: str = "counted", limit: int = 100, offset: int = 0) -> ContactPage:
        if viewer is not None:
            viewer.require("view_contacts")
        if not 1 <= limit <= EXPORT_LIMIT or offset < 0:
            raise InvalidInput(f"limit {limit} / offset {offset} out of range",
                               hint=f"limit 1..{MAX_LIMIT} (exports up to {EXPORT_LIMIT}), offset >= 0")
        scoped = scoped_where(viewer, ["contact"], where)
        spec = self.spec(metric, part)
        settings = self.kpi.settings
        period = make_period(from_date, to_date, settings.time_zone)
        # the page depends on the data, the rule (resolved metric, part), period, scoped filters and paging only
        key = ("contacts", spec.metric.resolved_name, part, period, settings.time_zone, settings.survey_window_days,
               tuple(sorted((k, tuple(v)) for k, v in scoped.items())),
               tuple((k, tuple(v)) for k, v in (where or {}).items()), metric or DEFAULT_METRIC, limit, offset)
        if spec.fact not in VERSIONED_FACTS:
            return self._page(spec, from_date, to_date, scoped, where, metric, part, limit, offset)
        return self.kpi.cached(key, lambda: self._page(spec, from_date, to_date, scoped, where, metric, part,
                                                       limit, offset),
                               keep=lambda page: len(page.rows) <= MAX_LIMIT)  # not the big exports

    def _page(self, spec: DrillSpec, from_date: dt.date | str | None, to_date: dt.date | str | None,
              scoped: dict[str, list[str]], where: dict[str, list[str]] | None, metric: str | None, part: str,
              limit: int, offset: int) -> ContactPage:
        settings = self.kpi.settings
        period = make_period(from_date, to_date, settings.time_zone)
        dims = tuple(scoped)
        values = Values(period.start_utc, period.end_utc, dict(spec.metric.params).get("window_days", 0.0),
                        tuple(tuple(v) for v in scoped.values()))
        # the queries are compiled once per shape (metrics/sql_template.py): another agent, team or period fills
        # the same SQL
        rule = (spec.metric.resolved_name, spec.metric.params, spec.part, spec.fact, spec.keep, spec.drop,
                spec.minus_keep, spec.minus_drop)
        key = ("drill", rule, dims, settings.time_zone, settings.survey_window_days)
        counted = self.kpi.records((*key, "count"), values,
                                   lambda v: self._rows_expr(spec, v, dims).count().name("total"))
        total = int(counted[0]["total"])

        def page(v: Values) -> ir.Table:
            t = self._rows_expr(spec, v, dims)
            cols = [c for c in _PAGE_COLUMNS if c in t.columns]
            return t.select(*cols).order_by([ibis.desc("_t"), "contact_id"]).limit(v.numbers[0], offset=v.numbers[1])

        paged = replace(values, numbers=(limit, offset))
        records = self.kpi.records((*key, "page"), paged, page)
        extras = contact_extras(self.kpi, [str(r["contact_id"]) for r in records],
                                [r["_t"] for r in records if r.get("_t") is not None],
                                lambda: page(paged).select("contact_id"))
        rows = tuple(self._row(r, extras.get(str(r["contact_id"])), spec.fact) for r in records)
        return ContactPage(rows, total, limit, offset, metric or DEFAULT_METRIC, spec.metric.resolved_name, part,
                           spec.fact, spec.caption, settings.time_zone, period.from_date, period.to_date,
                           tuple((k, tuple(v)) for k, v in (where or {}).items()))

    def _row(self, r: dict[str, Any], extra: ContactExtras | None, fact: str) -> ContactRow:
        e = extra or ContactExtras()
        own_segment = fact == "agent_segments"
        own_entry = fact in ("queue_entries", "queue_entries_talk")
        arrived = e.arrived_at or r.get("_t")
        local = None
        if arrived is not None:
            local = arrived.replace(tzinfo=UTC).astimezone(zone(self.kpi.settings.time_zone)).replace(tzinfo=None, microsecond=0)
        return ContactRow(
            contact_id=str(r["contact_id"]), arrived=local, channel=r.get("channel") or e.channel,
            queue=r.get("queue_id") or e.queue_id, agent=r.get("agent_id") or e.agent_id,
            outcome=r.get("outcome") if own_entry else e.entry(r.get("queue_id")).get("outcome"),
            wait_s=_seconds(r.get("wait_ms") if own_entry else e.entry(r.get("queue_id")).get("wait_ms")),
            talk_s=_seconds(r.get("talk_ms") if own_segment else e.talk_ms),
            hold_s=_seconds(r.get("hold_ms") if own_segment else e.hold_ms),
            acw_s=_seconds(r.get("acw_ms") if own_segment else e.acw_ms),
            handle_s=_seconds(r.get("handle_ms") if own_segment else e.handle_ms),
            transferred=bool(r["transferred_out"]) if own_segment and r.get("transferred_out") is not None
            else e.transferred,
            fcr=e.fcr, resolved_flag=e.resolved_flag, csat=e.csat, topic=r.get("topic") or e.topic,
        )
