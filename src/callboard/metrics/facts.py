"""Fact tables the catalog's measures read, built as Ibis expressions over the canonical store.

Every fact exposes `_t` (the timestamp that buckets it, reference §2.4) and the dimension columns
`contact_id, agent_id, queue_id, channel, topic, direction` (NULL where a fact has no such notion).
Bot-only contacts are excluded from queue and agent facts (reference §2.7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from callboard.core.errors import unknown_name
from callboard.core.timeutil import Period
from callboard.metrics.state_facts import agent_state_time
from callboard.store.base import AnalyticsStore

DIMENSION_COLUMNS = ("contact_id", "agent_id", "queue_id", "channel", "topic", "direction", "evaluator",
                     "question_id", "section_id")


@dataclass(frozen=True)
class FactContext:
    store: AnalyticsStore
    survey_window_days: int
    # Set per request by the query layer for facts that split time at bucket boundaries (state time):
    time_grains: tuple[str, ...] = ()  # time dimensions the request groups or filters by
    period: Period | None = None
    time_zone: str = "UTC"
    repeat_horizon_days: float = 0.0  # the longest FCR window requested: how far past the period to look
    columns: frozenset[str] | None = None  # fact columns the requested measures read (None: all)
    dim_columns: frozenset[str] | None = None  # dimension columns the request groups or filters by (None: all)


def _with_dims(t: ir.Table, **given: ir.Value) -> ir.Table:
    extra = {}
    for dim in DIMENSION_COLUMNS:
        if dim in given:
            extra[dim] = given[dim]
        elif dim not in t.columns:
            extra[dim] = ibis.null("string")
    return t.mutate(**extra) if extra else t


def queue_entries(ctx: FactContext) -> ir.Table:
    """Queue entries (contact x queue), bucketed by enqueued_at."""
    q = ctx.store.table("queue_entries")
    q = q.filter(~q.bot_only)
    return _with_dims(q.mutate(_t=q.enqueued_at))


def agent_segments(ctx: FactContext) -> ir.Table:
    """Agent segments (contact x agent), bucketed by acw_ended_at (handle time, reference §2.4)."""
    s = ctx.store.table("agent_segments")
    s = s.filter(~s.bot_only)
    return _with_dims(
        s.mutate(
            _t=ibis.coalesce(s.acw_ended_at, s.connected_at),
            handle_ms=s.talk_ms + s.hold_ms + s.acw_ms,
            handle_full_ms=s.talk_ms + s.hold_ms + s.acw_ms
            + ibis.coalesce(s.dial_ms, 0) + ibis.coalesce(s.contacting_ms, 0),
        )
    )


def queue_entries_talk(ctx: FactContext) -> ir.Table:
    """Queue entries with the talk time of the segments that answered them (same contact and queue)."""
    q = queue_entries(ctx)
    s = ctx.store.table("agent_segments")
    talk = s.group_by([s.source, s.contact_id, s.queue_id]).aggregate(answered_talk_ms=s.talk_ms.sum())
    return q.left_join(talk, [q.source == talk.source, q.contact_id == talk.contact_id, q.queue_id == talk.queue_id]).select(
        q, talk.answered_talk_ms
    )


def _since_period_start(t: ir.Table, column: str, ctx: FactContext) -> ir.Table:
    """Rows that can matter for contacts arriving in the period: nothing happens before arrival."""
    if ctx.period is not None and ctx.period.start_utc is not None:
        return t.filter(t[column] >= ctx.period.start_utc)
    return t


def _last_segment(ctx: FactContext) -> ir.Table:
    """Per contact: the last handling agent and queue (credit rule last_agent, reference §2.5)."""
    s = _since_period_start(ctx.store.table("agent_segments"), "connected_at", ctx)
    order = s.connected_at.epoch_seconds() * 1000 + s.segment_seq
    return s.group_by([s.source, s.contact_id]).aggregate(
        last_agent_id=s.agent_id.argmax(order),
        last_queue_id=s.queue_id.argmax(order),
        handled_segments=s.count(),
        any_transfer=s.transferred_out.any(),
    )


def _contact_credit(ctx: FactContext) -> ir.Table:
    """Contacts with their last handling agent: one narrow expression shared by FCR and surveys, so the
    segments are aggregated and joined once (Ibis emits it as one CTE)."""
    c = _since_period_start(ctx.store.table("contacts"), "arrived_at", ctx)
    if ctx.period is not None and ctx.period.end_utc is not None:
        # repeats of the period's last contacts arrive up to the window after the period ends
        horizon = ctx.period.end_utc + dt.timedelta(days=ctx.repeat_horizon_days, seconds=1)
        c = c.filter(c.arrived_at <= horizon)
    last = _last_segment(ctx)
    return _narrow(c.left_join(last, [c.source == last.source, c.contact_id == last.contact_id]).select(
        c.source, c.contact_id, c.customer_id, c.channel, c.direction, c.topic, c.bot_only, c.callback_of,
        c.resolved, c.arrived_at, last.last_agent_id, last.last_queue_id, last.handled_segments, last.any_transfer,
    ), ctx)


_CREDIT_CORE = frozenset({"source", "contact_id", "customer_id", "arrived_at", "direction", "callback_of", "bot_only",
                          "last_agent_id", "handled_segments", "any_transfer"})


def _narrow(j: ir.Table, ctx: FactContext) -> ir.Table:
    """Keep only the columns the request reads: every column left here rides through the FCR window's sort."""
    if ctx.columns is None or ctx.dim_columns is None:
        return j
    keep = _CREDIT_CORE | ctx.columns | ctx.dim_columns
    if "next_voice_repeat_gap_s" in ctx.columns:
        keep |= {"channel"}
    if "queue_id" in ctx.dim_columns:
        keep |= {"last_queue_id"}
    return j.select(*[c for c in j.columns if c in keep])


def contact_outcomes(ctx: FactContext) -> ir.Table:
    """One row per contact with FCR inputs, bucketed by arrived_at, credited to the last agent.

    `next_repeat_gap_s` is the gap to the next inbound, non-callback contact of the same customer
    (any channel) in (arrived_at, contact_id) order; `next_voice_repeat_gap_s` the same for voice.
    """
    j = _contact_credit(ctx)
    is_candidate = (j.direction == "inbound") & j.callback_of.isnull() & j.customer_id.notnull()
    secs = j.arrived_at.epoch_seconds()
    following = ibis.window(group_by=j.customer_id, order_by=[j.arrived_at, j.contact_id], rows=(1, None))
    gaps = {}
    # DuckDB computes every window column even when nothing reads it: add only the gaps requested
    if ctx.columns is None or "next_repeat_gap_s" in ctx.columns:
        gaps["next_repeat_gap_s"] = ibis.ifelse(is_candidate, secs, ibis.null("int64")).min().over(following) - secs
    if ctx.columns is None or "next_voice_repeat_gap_s" in ctx.columns:
        gaps["next_voice_repeat_gap_s"] = ibis.ifelse(
            is_candidate & (j.channel == "voice"), secs, ibis.null("int64")).min().over(following) - secs
    handled = ibis.coalesce(j.handled_segments, 0) > 0
    return j.mutate(
        _t=j.arrived_at,
        agent_id=j.last_agent_id,
        queue_id=j.last_queue_id if "last_queue_id" in j.columns else ibis.null("string"),
        human_handled=handled,
        fcr_eligible=handled & ~j.bot_only & j.customer_id.notnull(),
        transferred=ibis.coalesce(j.any_transfer, False),
        **gaps,
    )


def surveys(ctx: FactContext) -> ir.Table:
    """Survey responses: the last response per contact and question within the survey window,
    placed in the contact's interval and credited to the contact's last handling agent.

    The window is applied before picking the last response (reference §9: responses are accepted for
    `survey_window` days and the last *accepted* one counts), so a late answer never hides an earlier
    accepted one."""
    r = ctx.store.table("survey_responses")
    contact = _contact_credit(ctx)
    j = r.join(contact, r.contact_id == contact.contact_id).select(
        r.question, r.score, r.scale_min, r.scale_max, r.responded_at, r.response_id,
        *[contact[c] for c in ("contact_id", "arrived_at", "channel", "topic", "direction", "bot_only",
                               "last_agent_id", "last_queue_id") if c in contact.columns],
    )
    window_s = ctx.survey_window_days * 86400
    j = j.filter((j.responded_at.epoch_seconds() - j.arrived_at.epoch_seconds()) <= window_s)
    j = j.mutate(
        _rn=ibis.row_number().over(
            ibis.window(group_by=[j.contact_id, j.question], order_by=[j.responded_at.desc(), j.response_id.desc()])
        )
    )
    j = j.filter(j._rn == 0).drop("_rn", "response_id")
    queue = j.last_queue_id if "last_queue_id" in j.columns else ibis.null("string")
    return _with_dims(j.mutate(_t=j.arrived_at, agent_id=j.last_agent_id, queue_id=queue))


def interval_stats(ctx: FactContext) -> ir.Table:
    """Per-interval aggregates from sources that export no contact rows; never mixed with contacts."""
    i = ctx.store.table("interval_stats")
    return _with_dims(i.mutate(_t=i.interval_start))


def _counted_qa_scores(ctx: FactContext) -> ir.Table:
    """Evaluations that count: never drafts or calibration evaluations (they do not count in agent averages).
    `qa_scores` holds one row per evaluation at its latest revision (QualityService rewrites it)."""
    t = ctx.store.table("qa_scores")
    return t.filter(~t.is_calibration & (t.state != "draft"))


def _with_contact_labels(t: ir.Table, ctx: FactContext) -> ir.Table:
    c = ctx.store.table("contacts").select("source", "contact_id", "topic", "direction")
    return t.left_join(c, ["source", "contact_id"]).select(*t.columns, "topic", "direction")


def qa_scores(ctx: FactContext) -> ir.Table:
    """QA evaluations at their latest revision, bucketed by the contact's time (reference §13)."""
    j = _with_contact_labels(_counted_qa_scores(ctx), ctx)
    return _with_dims(j.mutate(_t=j.contact_at))


def _qa_items(ctx: FactContext, kind: str) -> ir.Table:
    """Rows of `qa_item_results` of one kind for the evaluations `qa_scores` counts, with the evaluation's
    agent, queue, channel, evaluator and contact time (so the same rules hold: latest revision only, no drafts,
    no calibration, bucketed by the contact's time)."""
    i = ctx.store.table("qa_item_results")
    i = i.filter(i.item_kind == kind)
    s = _counted_qa_scores(ctx).select("evaluation_id", "source", "contact_id", "agent_id", "queue_id", "channel",
                                       "evaluator", "contact_at")
    j = i.join(s, "evaluation_id").select(
        s.source, s.contact_id, s.agent_id, s.queue_id, s.channel, s.evaluator, s.contact_at,
        i.item_id, i.section_id, i.failed,
    )
    return _with_contact_labels(j, ctx).mutate(_t=ibis._.contact_at)


def qa_question_results(ctx: FactContext) -> ir.Table:
    """One row per applicable question of a counted evaluation (N/A and hidden questions have no row), with its
    `question_id` and `section_id`."""
    j = _qa_items(ctx, "question")
    return _with_dims(j.mutate(question_id=j.item_id))


def qa_section_results(ctx: FactContext) -> ir.Table:
    """One row per scored, non-bonus section of a counted evaluation (`section_id`; `question_id` is NULL)."""
    return _with_dims(_qa_items(ctx, "section"))


FACTS: dict[str, Callable[[FactContext], ir.Table]] = {
    "qa_scores": qa_scores,
    "qa_question_results": qa_question_results,
    "qa_section_results": qa_section_results,
    "queue_entries": queue_entries,
    "queue_entries_talk": queue_entries_talk,
    "agent_segments": agent_segments,
    "contact_outcomes": contact_outcomes,
    "surveys": surveys,
    "interval_stats": interval_stats,
    "agent_state_time": agent_state_time,
}


def build_fact(name: str, ctx: FactContext) -> ir.Table:
    if name not in FACTS:
        raise unknown_name("fact", name, list(FACTS))
    return FACTS[name](ctx)
