"""Contacts, queue entries and agent segments: the ACD's output turned into canonical Arrow tables.

Also decides what happened after each contact: whether the issue was really resolved (an unresolved
customer comes back, see `repeats`), what the agent flagged and which disposition they chose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from callboard.demo.acd import ABANDONED, ANSWERED, CALLBACK_REQUESTED, FLOWED_OUT, AcdResult
from callboard.demo.arrow_util import constant, ints, pick, timestamps
from callboard.demo.handling import TOPICS, ContactDraws
from callboard.demo.org import SOURCE, Org
from callboard.demo.repeats import chain_roots, link_repeats
from callboard.records.schemas import CHANNELS, DIRECTIONS

DAY_MS = 86_400_000
OUTCOMES = ("answered", "abandoned", "flowed_out", "callback_requested")
EXIT_REASONS = (None, "ABANDON", "EXITWITHTIMEOUT", "CALLBACK")
DISPOSITIONS = (
    "resolved", "follow-up required", "escalated", "transferred", "retained", "cancelled", "sale made",
    "no sale", "bot resolved", "timed out", "callback requested", "callback completed",
)
_D = {d: i for i, d in enumerate(DISPOSITIONS)}
UNRESOLVED_BASE = 0.28  # chance a handled contact's issue is not really fixed, before topic and agent factors


@dataclass(frozen=True)
class ContactFacts:
    """Per-contact facts later modules need (arrays over kept contacts, aligned with the contacts table)."""

    contact_id: pa.Array
    queue: np.ndarray  # first queue
    inbound: np.ndarray
    bot: np.ndarray
    handled: np.ndarray  # at least one agent segment
    last_agent: np.ndarray  # -1 if none
    last_queue: np.ndarray
    transferred: np.ndarray
    unresolved: np.ndarray  # the truth behind FCR: this customer will be back
    first_wait_ms: np.ndarray  # wait of the first queue entry (0 if none)
    ended_ms: np.ndarray  # last activity, incl. ACW (ms since start)


@dataclass(frozen=True)
class ContactTables:
    contacts: pa.Table
    queue_entries: pa.Table
    agent_segments: pa.Table
    facts: ContactFacts


def _contact_ids(org: Org, arrived_ms: np.ndarray, n_base: int, origin: np.ndarray) -> list[str]:
    day = arrived_ms[:n_base] // DAY_MS
    first_of_day = np.searchsorted(day, day)  # arrivals are sorted by time
    seq = np.arange(n_base) - first_of_day
    dates = [(org.start + dt.timedelta(days=int(d))).strftime("%Y%m%d") for d in range(org.days)]
    base = [f"D{dates[d]}-{s:05d}" for d, s in zip(day.tolist(), seq.tolist())]
    return base + [f"{base[o]}-CB" for o in origin.tolist()]


def _last_per_contact(contact: np.ndarray, seq: np.ndarray, n: int) -> np.ndarray:
    """Row index of the highest `seq` per contact, -1 where the contact has no row."""
    order = np.lexsort((seq, contact))
    grouped = contact[order]
    ends = np.flatnonzero(np.append(grouped[1:] != grouped[:-1], True))  # last row of each contact's run
    last = np.full(n, -1, dtype=np.int64)
    last[grouped[ends]] = order[ends]
    return last


def build_contact_tables(
    rng: np.random.Generator, org: Org, t_ms: np.ndarray, queue: np.ndarray, draws: ContactDraws, acd: AcdResult
) -> ContactTables:
    n_base, n = len(t_ms), acd.n_contacts
    origin = acd.callback_origin
    src = np.concatenate([np.arange(n_base), origin])  # whose draws each contact uses
    q0 = queue[src].astype(np.int64)
    is_cb = np.arange(n) >= n_base
    outbound_q = np.array([q.direction == "outbound" for q in org.queues])
    inbound = ~outbound_q[q0] & ~is_cb
    bot = np.concatenate([draws.bot, np.zeros(len(origin), bool)])
    first_seg = _last_per_contact(acd.s_contact, -acd.s_seq, n)
    last_seg = _last_per_contact(acd.s_contact, acd.s_seq, n)
    first_entry = _last_per_contact(acd.e_contact, -acd.e_seq, n)
    last_entry = _last_per_contact(acd.e_contact, acd.e_seq, n)
    handled = last_seg >= 0
    keep = bot | handled | (last_entry >= 0)
    arrived = np.concatenate([t_ms, np.zeros(len(origin), np.int64)])
    arrived[is_cb & handled] = acd.s_start[first_seg[is_cb & handled]]

    # When each contact ended for the customer, and when the last agent finished with it.
    conv_end = acd.s_conn + acd.s_talk + acd.s_hold
    ended = arrived.copy()
    np.maximum.at(ended, acd.s_contact, conv_end)
    not_answered = acd.e_outcome != ANSWERED
    np.maximum.at(ended, acd.e_contact[not_answered], acd.e_deq[not_answered])
    bot_ms = (150_000 * np.exp(rng.normal(0.0, 0.5, n))).astype(np.int64)
    ended = np.where(bot, arrived + bot_ms, ended)
    updated = ended.copy()
    np.maximum.at(updated, acd.s_contact, conv_end + acd.s_acw)

    transferred = np.zeros(n, bool)
    transferred[acd.s_contact[acd.s_transferred]] = True
    agents = org.agents
    last_agent = np.where(handled, acd.s_agent[np.maximum(last_seg, 0)], -1)
    last_queue = np.where(handled, acd.s_queue[np.maximum(last_seg, 0)], q0)
    repeat_factor = np.array([a.repeat_factor for a in agents])[np.maximum(last_agent, 0)]
    p_unresolved = UNRESOLVED_BASE * draws.repeat_mult[src] * repeat_factor
    unresolved = handled & inbound & (rng.random(n) < p_unresolved)
    outcome_last = np.where(last_entry >= 0, acd.e_outcome[np.maximum(last_entry, 0)], -1)
    gave_up = keep & ~handled & inbound & np.isin(outcome_last, [ABANDONED, FLOWED_OUT])

    parent = link_repeats(
        rng, arrived_ms=arrived, unresolved=unresolved & keep, gave_up=gave_up, can_be_repeat=keep & inbound
    )
    parent[is_cb] = origin  # a callback is the same customer as the request it fulfils
    customer_base = rng.integers(0, 10_000_000, n)
    customer = pa.array([f"C{c:07d}" for c in customer_base[chain_roots(parent)].tolist()], pa.string())

    disposition, resolved = _dispositions(rng, org, q0, last_queue, bot, handled, inbound, is_cb, transferred,
                                          unresolved, outcome_last)
    id_list = _contact_ids(org, arrived, n_base, origin)
    ids = pa.array(id_list, pa.string())
    channel = np.array([CHANNELS.index(q.channel) for q in org.queues])[q0]
    direction = np.where(inbound, 0, 1)
    topic = draws.topic[src]
    callback_of = pa.array([None] * n_base + [id_list[o] for o in origin.tolist()], pa.string())
    flagged = (handled & (inbound | is_cb)) | bot  # contacts the agent (or the bot) flags resolved or not
    k = np.flatnonzero(keep)
    contacts = pa.table(
        {
            "source": constant(SOURCE, len(k)),
            "contact_id": ids.take(k),
            "channel": pick(CHANNELS, channel[k]),
            "direction": pick(DIRECTIONS, direction[k]),
            "customer_id": customer.take(k),
            "bot_only": pa.array(bot[k]),
            "topic": pick(TOPICS, topic[k]),
            "arrived_at": timestamps(arrived[k], org.start),
            "ended_at": timestamps(ended[k], org.start),
            "disposition": pick(DISPOSITIONS, disposition[k]),
            "resolved": pa.array(resolved[k], pa.bool_(), mask=~flagged[k]),
            "callback_of": callback_of.take(k),
            "is_open": pa.array(np.zeros(len(k), bool)),
            "updated_at": timestamps(updated[k], org.start),
        }
    )
    dims = {"ids": ids, "channel": channel, "direction": direction, "customer": customer, "bot": bot, "topic": topic}
    fe = np.maximum(first_entry, 0)
    first_wait = np.where(first_entry >= 0, acd.e_deq[fe] - acd.e_enq[fe], 0)
    facts = ContactFacts(
        contact_id=ids.take(k), queue=q0[k], inbound=inbound[k], bot=bot[k], handled=handled[k],
        last_agent=last_agent[k], last_queue=last_queue[k], transferred=transferred[k], unresolved=unresolved[k],
        first_wait_ms=first_wait[k], ended_ms=updated[k],
    )
    return ContactTables(contacts, _entries(org, acd, dims), _segments(org, acd, dims), facts)


def _dispositions(
    rng: np.random.Generator, org: Org, q0: np.ndarray, last_queue: np.ndarray, bot: np.ndarray,
    handled: np.ndarray, inbound: np.ndarray, is_cb: np.ndarray, transferred: np.ndarray,
    unresolved: np.ndarray, outcome_last: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(q0)
    u = rng.random(n)
    qid = np.array([q.queue_id for q in org.queues], dtype=object)[last_queue]
    # The agent's own flag: right most of the time, optimistic about some issues that come back.
    resolved = np.where(unresolved, u < 0.4, u < 0.95)
    d = np.where(resolved, _D["resolved"], np.where(rng.random(n) < 0.15, _D["escalated"], _D["follow-up required"]))
    d = np.where(qid == "q_retention", np.where(resolved, _D["retained"], _D["cancelled"]), d)
    d = np.where(qid == "q_sales", np.where(rng.random(n) < 0.38, _D["sale made"], _D["no sale"]), d)
    d = np.where(transferred & (d == _D["follow-up required"]), _D["transferred"], d)
    outbound = handled & ~inbound
    d = np.where(outbound & ~is_cb, np.where(rng.random(n) < 0.2, _D["sale made"], _D["no sale"]), d)
    d = np.where(is_cb, _D["callback completed"], d)
    d = np.where(handled, d, -1)
    d = np.where(~handled & (outcome_last == FLOWED_OUT), _D["timed out"], d)
    d = np.where(~handled & (outcome_last == CALLBACK_REQUESTED), _D["callback requested"], d)
    d = np.where(bot, _D["bot resolved"], d)
    return d, np.where(bot, True, resolved)


def _entries(org: Org, acd: AcdResult, dims: dict[str, Any]) -> pa.Table:
    c = acd.e_contact
    agent_ids = [a.agent_id for a in org.agents]
    return pa.table(
        {
            "source": constant(SOURCE, len(c)),
            "contact_id": dims["ids"].take(c),
            "entry_seq": ints(acd.e_seq, pa.int32()),
            "queue_id": pick([q.queue_id for q in org.queues], acd.e_queue),
            "channel": pick(CHANNELS, dims["channel"][c]),
            "direction": pick(DIRECTIONS, dims["direction"][c]),
            "customer_id": dims["customer"].take(c),
            "bot_only": pa.array(dims["bot"][c]),
            "topic": pick(TOPICS, dims["topic"][c]),
            "enqueued_at": timestamps(acd.e_enq, org.start),
            "dequeued_at": timestamps(acd.e_deq, org.start),
            "wait_ms": ints(acd.e_deq - acd.e_enq),
            "outcome": pick(OUTCOMES, acd.e_outcome),
            "raw_exit_reason": pick(EXIT_REASONS[1:], acd.e_outcome.astype(np.int64) - 1),
            "agent_id": pick(agent_ids, acd.e_agent),
        }
    )


def _segments(org: Org, acd: AcdResult, dims: dict[str, Any]) -> pa.Table:
    c = acd.s_contact
    email = np.array([q.channel == "email" for q in org.queues])[acd.s_queue]
    return pa.table(
        {
            "source": constant(SOURCE, len(c)),
            "contact_id": dims["ids"].take(c),
            "segment_seq": ints(acd.s_seq, pa.int32()),
            "agent_id": pick([a.agent_id for a in org.agents], acd.s_agent),
            "queue_id": pick([q.queue_id for q in org.queues], acd.s_queue),
            "channel": pick(CHANNELS, dims["channel"][c]),
            "direction": pick(DIRECTIONS, dims["direction"][c]),
            "customer_id": dims["customer"].take(c),
            "bot_only": pa.array(dims["bot"][c]),
            "topic": pick(TOPICS, dims["topic"][c]),
            "connected_at": timestamps(acd.s_conn, org.start),
            "acw_ended_at": timestamps(acd.s_conn + acd.s_talk + acd.s_hold + acd.s_acw, org.start),
            "talk_ms": ints(acd.s_talk),
            "hold_ms": ints(acd.s_hold),
            "hold_count": ints(acd.s_holds, pa.int32()),
            "acw_ms": ints(acd.s_acw),
            "dial_ms": ints(acd.s_dial, valid=acd.s_dial >= 0),
            "contacting_ms": ints(acd.s_ring, valid=(acd.s_ring >= 0) & ~email),
            "voicemail_ms": pa.nulls(len(c), pa.int64()),
            "transferred_out": pa.array(acd.s_transferred),
        }
    )
