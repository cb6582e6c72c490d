"""The other figures of the contacts on one drill-down page (at most a page of ids, so a few small queries).

Per contact: arrival, channel and topic (contacts table); the last queue entry's queue, outcome and wait;
talk, hold, wrap-up and handle summed over its agent segments and whether any was transferred, and the
last handling agent; first-contact resolution by `fcr_rate`'s own measures (eligible / resolved over the
`contact_outcomes` fact); the source's resolved flag; the last accepted CSAT answer (`surveys` fact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis

from callboard.core.timeutil import Period
from callboard.metrics.drill_spec import measure_predicate
from callboard.metrics.facts import FactContext, build_fact


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


def _records(store: Any, expr: Any) -> list[dict[str, Any]]:
    table = store.to_pyarrow(expr) if hasattr(store, "to_pyarrow") else store.execute(expr)
    return table.to_pylist() if hasattr(table, "to_pylist") else table.to_dict("records")  # type: ignore[no-any-return]


def contact_extras(kpi: Any, contact_ids: list[str], times: list[dt.datetime],
                   ids_expr: Any) -> dict[str, ContactExtras]:
    """`ids_expr`: an Ibis table with the page's `contact_id`s (a subquery for big exports, so 100,000
    ids are not spelled out in SQL; a page's few ids are)."""
    known = sorted(set(contact_ids))
    if not known:
        return {}
    info: dict[str, dict[str, Any]] = {i: {} for i in known}
    ids: Any = known if len(known) <= 2000 else ids_expr.contact_id
    store = kpi.store
    settings = kpi.settings

    c = store.table("contacts")
    c = c.filter(c.contact_id.isin(ids))
    for r in _records(store, c.select("contact_id", "arrived_at", "channel", "topic", "resolved")):
        info.setdefault(r["contact_id"], {}).update(arrived_at=r["arrived_at"], channel=r["channel"], topic=r["topic"],
                                     resolved_flag=r["resolved"])

    q = store.table("queue_entries")
    q = q.filter(q.contact_id.isin(ids))
    last = q.group_by(["contact_id", "queue_id"]).aggregate(outcome=q.outcome.argmax(q.entry_seq),
                                                           wait_ms=q.wait_ms.argmax(q.entry_seq),
                                                           seq=q.entry_seq.max())
    for r in sorted(_records(store, last), key=lambda r: r["seq"]):  # the contact's last entry wins ...
        entry = {"queue_id": r["queue_id"], "outcome": r["outcome"], "wait_ms": r["wait_ms"]}
        info.setdefault(r["contact_id"], {}).update(entry)
        info[r["contact_id"]].setdefault("entries", {})[r["queue_id"]] = entry  # ... unless a row names its queue

    s = store.table("agent_segments")
    s = s.filter(s.contact_id.isin(ids))
    order = s.connected_at.epoch_seconds() * 1000 + s.segment_seq
    seg = s.group_by("contact_id").aggregate(
        talk_ms=s.talk_ms.sum(), hold_ms=s.hold_ms.sum(), acw_ms=s.acw_ms.sum(),
        handle_ms=(s.talk_ms + s.hold_ms + s.acw_ms).sum(), transferred=s.transferred_out.any(),
        agent_id=s.agent_id.argmax(order), unknown=(s.talk_ms + s.hold_ms + s.acw_ms).isnull().sum())
    for r in _records(store, seg):
        handle = None if r["unknown"] else r["handle_ms"]
        info.setdefault(r["contact_id"], {}).update(talk_ms=r["talk_ms"], hold_ms=r["hold_ms"], acw_ms=r["acw_ms"],
                                     handle_ms=handle, transferred=r["transferred"], agent_id=r["agent_id"])

    if times:
        _outcomes(kpi, ids, info, min(times), max(times))
    return {i: ContactExtras(**{k: v for k, v in d.items() if k in ContactExtras.__dataclass_fields__})
            for i, d in info.items()}


def _outcomes(kpi: Any, ids: Any, info: dict[str, dict[str, Any]], first: dt.datetime,
              last: dt.datetime) -> None:
    """FCR (fcr_rate's measures) and CSAT (the surveys fact) for contacts arriving around the page's rows."""
    store = kpi.store
    settings = kpi.settings
    fcr_metric = kpi.resolve(["fcr_rate"])[0]
    window = dict(fcr_metric.params).get("window_days", 7.0)
    # the rows' own timestamps are handle or arrival times: a contact arrived at most a few days earlier
    span = Period(first - dt.timedelta(days=3), last + dt.timedelta(seconds=1), None, None)
    ctx = FactContext(store=store, survey_window_days=settings.survey_window_days, period=span,
                      time_zone=settings.time_zone, repeat_horizon_days=window)
    o = build_fact("contact_outcomes", ctx)
    o = o.filter(o.contact_id.isin(ids))
    catalog = kpi.catalog
    params = dict(fcr_metric.params)
    eligible = measure_predicate(o, catalog.measures["fcr_eligible"], params)
    resolved = measure_predicate(o, catalog.measures["fcr_resolved"], params)
    o = o.select("contact_id", fcr=ibis.ifelse(eligible, resolved, ibis.null("boolean")))
    for r in _records(store, o):
        info.setdefault(r["contact_id"], {})["fcr"] = r["fcr"]
    sv = build_fact("surveys", ctx)
    csat_count = measure_predicate(sv, catalog.measures["csat5_responses"], {})
    sv = sv.filter(sv.contact_id.isin(ids) & csat_count).select("contact_id", "score")
    for r in _records(store, sv):
        info.setdefault(r["contact_id"], {})["csat"] = r["score"]
