"""Candidate contacts for sampling, read from the analytics store with Ibis.

One row per handled contact in [start, end): the agent is the contact's last handling agent (the credit rule
the evaluations use), channel and queue from that segment, handle time = talk + hold + wrap-up over the
contact's segments, transferred if any segment transferred out, CSAT the contact's last 1-5 CSAT response,
and `repeat` when the same customer made another inbound contact within the FCR window after this one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis

from callboard.quality.sampling import Candidate
from callboard.store.base import AnalyticsStore


def _rows(expr: Any) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()  # type: ignore[no-any-return]


def load_candidates(store: AnalyticsStore, *, start: dt.datetime, end: dt.datetime,
                    agent_ids: frozenset[str] | None = None, channels: frozenset[str] | None = None,
                    repeat_window_days: int = 7) -> list[Candidate]:
    seg = store.table("agent_segments")
    seg = seg.filter((seg.connected_at >= start) & (seg.connected_at < end))
    if agent_ids is not None:
        seg = seg.filter(seg.agent_id.isin(list(agent_ids)))
    if channels is not None:
        seg = seg.filter(seg.channel.isin(list(channels)))
    handle = (seg.talk_ms.fill_null(0) + seg.hold_ms.fill_null(0) + seg.acw_ms.fill_null(0))
    per_contact = seg.mutate(handle_ms=handle).group_by(["source", "contact_id"]).aggregate(
        agent_id=seg.agent_id.argmax(seg.segment_seq), queue_id=seg.queue_id.argmax(seg.segment_seq),
        channel=seg.channel.first(), customer_id=seg.customer_id.first(), started_at=seg.connected_at.min(),
        handle_ms=handle.sum(), transferred=seg.transferred_out.any())

    surveys = store.table("survey_responses")
    csat = surveys.filter((surveys.question == "csat") & (surveys.scale_min == 1) & (surveys.scale_max == 5)
                          & surveys.score.notnull())
    csat = csat.group_by(["source", "contact_id"]).aggregate(csat=csat.score.argmax(csat.responded_at))

    contacts = store.table("contacts")
    horizon = end + dt.timedelta(days=repeat_window_days)
    inbound = contacts.filter((contacts.direction == "inbound") & contacts.customer_id.notnull()
                              & (contacts.arrived_at >= start) & (contacts.arrived_at < horizon)
                              & contacts.callback_of.isnull())
    window = ibis.window(group_by=inbound.customer_id, order_by=[inbound.arrived_at, inbound.contact_id])
    nexts = inbound.mutate(next_at=inbound.arrived_at.lead().over(window))
    nexts = nexts.select("source", "contact_id", repeat=(nexts.next_at.notnull()
                         & (nexts.next_at <= nexts.arrived_at + ibis.interval(days=repeat_window_days))))

    joined = per_contact.left_join(csat, ["source", "contact_id"]).select(
        per_contact, csat.csat)
    joined = joined.left_join(nexts, ["source", "contact_id"]).select(joined, nexts.repeat)
    out = []
    for row in _rows(joined):
        handle_ms = row["handle_ms"]
        out.append(Candidate(str(row["source"]), str(row["contact_id"]), str(row["agent_id"]), row["started_at"],
                             str(row["channel"]), row["queue_id"],
                             None if row["csat"] is None else float(row["csat"]),
                             None if handle_ms is None else float(handle_ms) / 1000.0,
                             bool(row["transferred"]), bool(row["repeat"])))
    return out


def contact_infos(store: AnalyticsStore, contact_ids: list[str]) -> dict[str, Candidate]:
    """The contacts' handling facts (last handling agent, channel, queue, first connect) by contact id, for
    calibration sessions; contacts with no agent segment are missing from the result."""
    if not contact_ids:
        return {}
    seg = store.table("agent_segments")
    seg = seg.filter(seg.contact_id.isin(list(contact_ids)))
    rows = _rows(seg.group_by(["source", "contact_id"]).aggregate(
        agent_id=seg.agent_id.argmax(seg.segment_seq), queue_id=seg.queue_id.argmax(seg.segment_seq),
        channel=seg.channel.first(), started_at=seg.connected_at.min()))
    return {str(r["contact_id"]): Candidate(str(r["source"]), str(r["contact_id"]), str(r["agent_id"]),
                                            r["started_at"], str(r["channel"]), r["queue_id"]) for r in rows}
