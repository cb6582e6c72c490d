"""The other figures of the contacts on one drill-down page (at most a page of ids, so a few small queries).

Per contact: arrival, channel and topic (contacts table); the last queue entry's queue, outcome and wait;
talk, hold, wrap-up and handle summed over its agent segments and whether any was transferred, and the
last handling agent; first-contact resolution by `fcr_rate`'s own measures (eligible / resolved over the
`contact_outcomes` fact); the source's resolved flag; the last accepted CSAT answer (`surveys` fact).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import ibis

from callboard.core.timeutil import Period
from callboard.metrics.drill_spec import measure_predicate
from callboard.metrics.facts import FactContext, build_fact
from callboard.metrics.service import expression_records
from callboard.metrics.sql_template import Values


@dataclass(frozen=True)
class ContactExtras:
    arrived_at: dt.datetime | None = None  # naive UTC
    channel: str | None = None
    topic: str | None = None
    queue_id: str | None = None
    agent_id: str | None = None
    outcome: str | None = None
    wait_ms: int | None = None
    talk_ms: int | None = None
    hold_ms: int | None = None
    acw_ms: int | None = None
    handle_ms: int | None = None
    transferred: bool | None = None
    fcr: bool | None = None
    resolved_flag: bool | None = None
    csat: float | None = None
    entries: dict[str, dict[str, Any]] | None = None  # queue id -> that queue's last entry (outcome, wait)

    def entry(self, queue_id: str | None) -> dict[str, Any]:
        """The contact's entry in `queue_id` (a segment's queue), else its last entry."""
        found = (self.entries or {}).get(queue_id or "")
        return found or {"outcome": self.outcome, "wait_ms": self.wait_ms}


_TEMPLATE_IDS = 2000  # up to this many ids are written into the SQL (a template value); more: a subquery


def _fetch(kpi: Any, name: str, ids: list[str] | Any, build: Callable[[Any, Values], Any],
           span: Values = Values()) -> list[dict[str, Any]]:
    """Rows of `build(ids, span)`: with a page's ids as a list, compiled once per query and filled
    (KpiService.records); with an Ibis table of ids (a big export's subquery), compiled directly."""
    if isinstance(ids, list):
        key = ("drill-extras", name, kpi.settings.time_zone, kpi.settings.survey_window_days)
        return kpi.records(key, replace(span, lists=(tuple(ids),)), lambda v: build(list(v.lists[0]), v))  # type: ignore[no-any-return]
    return expression_records(kpi.store, build(ids.contact_id, span))


def contact_extras(kpi: Any, contact_ids: list[str], times: list[dt.datetime],
                   ids_expr: Callable[[], Any]) -> dict[str, ContactExtras]:
    """`ids_expr()`: an Ibis table with the page's `contact_id`s (a subquery for big exports, so 100,000
    ids are not spelled out in SQL; a page's few ids are)."""
    known = sorted(set(contact_ids))
    if not known:
        return {}
    info: dict[str, dict[str, Any]] = {i: {} for i in known}
    ids: list[str] | Any = known if len(known) <= _TEMPLATE_IDS else ids_expr()  # the subquery built once
    store = kpi.store

    def contacts(chosen: Any, _: Values) -> Any:
        c = store.table("contacts")
        return c.filter(c.contact_id.isin(chosen)).select("contact_id", "arrived_at", "channel", "topic", "resolved")

    for r in _fetch(kpi, "contacts", ids, contacts):
        info.setdefault(r["contact_id"], {}).update(arrived_at=r["arrived_at"], channel=r["channel"], topic=r["topic"],
                                     resolved_flag=r["resolved"])

    def entries(chosen: Any, _: Values) -> Any:
        q = store.table("queue_entries")
        q = q.filter(q.contact_id.isin(chosen))
        return q.group_by(["contact_id", "queue_id"]).aggregate(outcome=q.outcome.argmax(q.entry_seq),
                                                               wait_ms=q.wait_ms.argmax(q.entry_seq),
                                                               seq=q.entry_seq.max())

    for r in sorted(_fetch(kpi, "entries", ids, entries), key=lambda r: r["seq"]):  # the contact's last entry wins ...
        entry = {"queue_id": r["queue_id"], "outcome": r["outcome"], "wait_ms": r["wait_ms"]}
        info.setdefault(r["contact_id"], {}).update(entry)
        info[r["contact_id"]].setdefault("entries", {})[r["queue_id"]] = entry  # ... unless a row names its queue

    def segments(chosen: Any, _: Values) -> Any:
        s = store.table("agent_segments")
        s = s.filter(s.contact_id.isin(chosen))
        order = s.connected_at.epoch_seconds() * 1000 + s.segment_seq
        return s.group_by("contact_id").aggregate(
            talk_ms=s.talk_ms.sum(), hold_ms=s.hold_ms.sum(), acw_ms=s.acw_ms.sum(),
            handle_ms=(s.talk_ms + s.hold_ms + s.acw_ms).sum(), transferred=s.transferred_out.any(),
            agent_id=s.agent_id.argmax(order), unknown=(s.talk_ms + s.hold_ms + s.acw_ms).isnull().sum())

    for r in _fetch(kpi, "segments", ids, segments):
        handle = None if r["unknown"] else r["handle_ms"]
        info.setdefault(r["contact_id"], {}).update(talk_ms=r["talk_ms"], hold_ms=r["hold_ms"], acw_ms=r["acw_ms"],
                                     handle_ms=handle, transferred=r["transferred"], agent_id=r["agent_id"])

    if times:
        _outcomes(kpi, ids, info, min(times), max(times))
    return {i: ContactExtras(**{k: v for k, v in d.items() if k in ContactExtras.__dataclass_fields__})
            for i, d in info.items()}


def _outcomes(kpi: Any, ids: list[str] | Any, info: dict[str, dict[str, Any]], first: dt.datetime,
              last: dt.datetime) -> None:
    """FCR (fcr_rate's measures) and CSAT (the surveys fact) for contacts arriving around the page's rows."""
    store = kpi.store
    settings = kpi.settings
    fcr_metric = kpi.resolve(["fcr_rate"])[0]
    window = dict(fcr_metric.params).get("window_days", 7.0)
    catalog = kpi.catalog
    params = dict(fcr_metric.params)
    # the rows' own timestamps are handle or arrival times: a contact arrived at most a few days earlier
    span = Values(first - dt.timedelta(days=3), last + dt.timedelta(seconds=1), window)

    def context(v: Values) -> FactContext:
        return FactContext(store=store, survey_window_days=settings.survey_window_days,
                           period=Period(v.start, v.end, None, None), time_zone=settings.time_zone,
                           repeat_horizon_days=v.horizon_days)

    def fcr(chosen: Any, v: Values) -> Any:
        o = build_fact("contact_outcomes", context(v))
        o = o.filter(o.contact_id.isin(chosen))
        eligible = measure_predicate(o, catalog.measures["fcr_eligible"], params)
        resolved = measure_predicate(o, catalog.measures["fcr_resolved"], params)
        return o.select("contact_id", fcr=ibis.ifelse(eligible, resolved, ibis.null("boolean")))

    for r in _fetch(kpi, f"fcr {fcr_metric.resolved_name}", ids, fcr, span):
        info.setdefault(r["contact_id"], {})["fcr"] = r["fcr"]

    def csat(chosen: Any, v: Values) -> Any:
        sv = build_fact("surveys", context(v))
        csat_count = measure_predicate(sv, catalog.measures["csat5_responses"], {})
        return sv.filter(sv.contact_id.isin(chosen) & csat_count).select("contact_id", "score")

    for r in _fetch(kpi, "csat", ids, csat, span):
        info.setdefault(r["contact_id"], {})["csat"] = r["score"]
