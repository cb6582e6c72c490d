"""Deterministic synthetic contact-center data as canonical Arrow tables (vectorised numpy, no row loops).

`generate(n_contacts, seed)` returns the input tables of a `LoadBatch` (canonical schemas without
`batch_id`): contacts, queue_entries, agent_segments, survey_responses. The shape is a mid-size centre:

- 200 agents (120 voice, 50 chat, 30 email), each working 5 days out of 7; 10 queues; 3 channels;
  90 days from Monday 2026-01-05 (UTC); voice and chat arrive in business hours, email around the clock.
- Customers repeat (about 3 contacts each over 90 days, a frequent-caller core), so FCR's 7-day repeat
  window matters; 3% of contacts carry no customer id.
- 4% bot-only contacts (no queue entry, no segment), 3% outbound contacts (a segment, no queue entry),
  2% callbacks (`callback_of` set: never an FCR repeat).
- Queue outcomes: answered, abandoned, flowed_out (then a second entry in another queue) and
  callback_requested; waits are whole seconds for half the voice contacts, so the inclusive 20 s and
  5 s thresholds are hit exactly.
- Transfers: 10% of first segments are transferred out to a new queue entry and a second agent, 15% of
  those once more. A few segments lack hold or ACW (a source that logs neither).
- Surveys for 20% of handled inbound contacts: CSAT 1-5 (a few on 1-3, a different scale), NPS 0-10,
  CES 1-7, a few null scores, re-answered surveys (the last response counts), responses after the
  7-day survey window, and responses exactly on the window's edge.
- Edge cases on purpose: repeats exactly 7 days (and 7 days + 1 ms) after a contact, two contacts of one
  customer at the same millisecond (ties ordered by contact_id), survey re-answers at the same instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from callboard.records.batch import input_schema

SOURCE = "bench"
START = dt.datetime(2026, 1, 5)  # a Monday, UTC
DAYS = 90
MS_DAY = 86_400_000
N_AGENTS = 200
AGENT_POOLS = {"voice": (0, 120), "chat": (120, 170), "email": (170, 200)}
QUEUE_POOLS = {"voice": (0, 6), "chat": (6, 8), "email": (8, 10)}
CHANNELS = np.array(["voice", "chat", "email"])
CH_VOICE, CH_CHAT, CH_EMAIL = 0, 1, 2
OUTCOMES = np.array(["answered", "abandoned", "flowed_out", "callback_requested"])
O_ANS, O_ABN, O_FLOW, O_CB = 0, 1, 2, 3
TOPICS = np.array(["billing", "technical", "sales", "account", "other"])
CHUNK_ROWS = 122_880


@dataclass(frozen=True)
class SynthData:
    tables: dict[str, pa.Table]

    @property
    def rows(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(digits, width, padding="0"), "")


def _names(names: np.ndarray | list[str], index: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(list(names), pa.string()).take(pa.array(index, pa.int64(), mask=null))


def _ts(ms: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    base_us = int((START - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000
    return pa.array(base_us + ms.astype(np.int64) * 1000, pa.timestamp("us"), mask=null)


def _int(values: np.ndarray, type_: pa.DataType, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, type_, mask=null)


def _const(value: object, n: int, type_: pa.DataType = pa.string()) -> pa.Array:
    if value is None:
        return pa.nulls(n, type_)
    return pa.array([value], type_).take(pa.array(np.zeros(n, np.int32)))


def _exp_ms(rng: np.random.Generator, mean_s: float | np.ndarray, n: int) -> np.ndarray:
    return np.rint(rng.exponential(1.0, n) * np.asarray(mean_s) * 1000).astype(np.int64)


def _pick_agent(rng: np.random.Generator, channel: np.ndarray, day: np.ndarray,
                exclude: np.ndarray | None = None) -> np.ndarray:
    """A working agent of the channel's pool (agent a works day d unless (d + a) % 7 is 0 or 1)."""
    lo = np.choose(channel, [AGENT_POOLS[c][0] for c in CHANNELS])
    hi = np.choose(channel, [AGENT_POOLS[c][1] for c in CHANNELS])
    size = hi - lo
    offset = (rng.random(len(channel)) * size).astype(np.int64)
    agent = lo + offset
    off = np.isin((day + agent) % 7, (0, 1))
    agent = np.where(off, lo + (offset + 2) % size, agent)
    if exclude is not None:
        same = agent == exclude
        agent = np.where(same, lo + (agent - lo + 7) % size, agent)
    return agent


def _pick_queue(rng: np.random.Generator, channel: np.ndarray, other_than: np.ndarray | None = None) -> np.ndarray:
    lo = np.choose(channel, [QUEUE_POOLS[c][0] for c in CHANNELS])
    size = np.choose(channel, [QUEUE_POOLS[c][1] - QUEUE_POOLS[c][0] for c in CHANNELS])
    q = lo + (rng.random(len(channel)) * size).astype(np.int64)
    if other_than is not None:
        q = np.where(q == other_than, lo + (q - lo + 1) % size, q)
    return q


def generate(n_contacts: int, seed: int = 20260105) -> SynthData:  # noqa: PLR0915
    rng = np.random.default_rng(seed)
    n = int(n_contacts)
    idx = np.arange(n, dtype=np.int64)

    # -- contacts -----------------------------------------------------------------------------
    channel = rng.choice(3, n, p=[0.60, 0.25, 0.15])
    kind = rng.choice(3, n, p=[0.93, 0.04, 0.03])  # 0 inbound human, 1 bot-only, 2 outbound
    bot = kind == 1
    outbound = kind == 2
    channel = np.where(bot & (channel == CH_EMAIL), CH_CHAT, channel)
    channel = np.where(outbound, CH_VOICE, channel)
    day = rng.integers(0, DAYS, n)
    business = np.clip(
        np.where(rng.random(n) < 0.5, rng.normal(11 * 3600, 7200, n), rng.normal(15 * 3600, 7200, n)) * 1000,
        0, MS_DAY - 1,
    )
    anytime = rng.random(n) * MS_DAY
    arrived = day * MS_DAY + np.where(channel == CH_EMAIL, anytime, business).astype(np.int64)

    n_customers = max(100, int(n * 0.3))
    frequent = max(10, n_customers // 20)
    customer = np.where(rng.random(n) < 0.3, rng.integers(0, frequent, n), rng.integers(0, n_customers, n))
    no_customer = rng.random(n) < 0.03

    # callbacks: 2% of inbound human voice contacts fulfil an earlier contact's callback request
    human_in = (kind == 0)
    voice_in = np.flatnonzero(human_in & (channel == CH_VOICE))
    rng.shuffle(voice_in)
    n_cb = min(len(voice_in) // 2, int(n * 0.02))
    cb_contact, cb_origin = voice_in[:n_cb], voice_in[n_cb:2 * n_cb]
    callback_of = np.full(n, -1, np.int64)
    callback_of[cb_contact] = cb_origin
    customer[cb_contact] = customer[cb_origin]
    no_customer[cb_contact] = no_customer[cb_origin]
    arrived[cb_contact] = arrived[cb_origin] + rng.integers(20 * 60_000, 150 * 60_000, n_cb)

    # edge cases: repeats exactly at +7 days and at +7 days + 1 ms; same-millisecond pairs
    pool = np.setdiff1d(np.flatnonzero(human_in & (callback_of < 0)), cb_origin, assume_unique=True)
    pool = rng.permutation(pool)
    k = max(1, n // 1000)
    targets, sources = pool[: 3 * k], pool[3 * k: 6 * k]
    shift = np.concatenate([np.full(k, 7 * MS_DAY), np.full(k, 7 * MS_DAY + 1), np.zeros(k, np.int64)])
    ok = arrived[sources] + shift < DAYS * MS_DAY
    targets, sources, shift = targets[ok], sources[ok], shift[ok]
    customer[targets] = customer[sources]
    no_customer[targets] = False
    no_customer[sources] = False
    arrived[targets] = arrived[sources] + shift
    day = arrived // MS_DAY
    # callback origins are answered later, so the callback itself arrives after its request
    outcome0 = rng.choice(4, n, p=[0.86, 0.08, 0.05, 0.01])
    outcome0[cb_origin] = O_CB
    outcome0[cb_contact] = O_ANS
    topic = rng.integers(0, len(TOPICS), n)
    topic_null = rng.random(n) < 0.1

    # -- first queue entry ------------------------------------------------------------------------
    queued = human_in  # outbound and bot-only contacts are never queued
    q_contact = np.flatnonzero(queued)
    qc = channel[q_contact]
    ivr = np.select([qc == CH_VOICE, qc == CH_CHAT], [rng.integers(5_000, 60_000, len(q_contact)),
                                                      rng.integers(0, 5_000, len(q_contact))], 0)
    enq0 = arrived[q_contact] + ivr
    out0 = outcome0[q_contact]
    mean_wait = np.select([qc == CH_VOICE, qc == CH_CHAT], [22.0, 35.0], 4 * 3600.0)
    wait0 = np.select(
        [out0 == O_ANS, out0 == O_ABN, out0 == O_FLOW],
        [_exp_ms(rng, mean_wait, len(q_contact)), _exp_ms(rng, 40.0, len(q_contact)),
         rng.integers(60_000, 120_000, len(q_contact))],
        _exp_ms(rng, 60.0, len(q_contact)),
    )
    whole = (qc == CH_VOICE) & (rng.random(len(q_contact)) < 0.5)
    wait0 = np.where(whole, np.rint(wait0 / 1000).astype(np.int64) * 1000, wait0)
    queue0 = _pick_queue(rng, qc)

    # flowed-out entries get a second entry in another queue of the channel
    flow = out0 == O_FLOW
    f_contact = q_contact[flow]
    fc = channel[f_contact]
    enq1 = enq0[flow] + wait0[flow]
    out1 = np.where(rng.random(len(f_contact)) < 0.85, O_ANS, O_ABN)
    wait1 = np.where(out1 == O_ANS, _exp_ms(rng, 15.0, len(f_contact)), _exp_ms(rng, 30.0, len(f_contact)))
    queue1 = _pick_queue(rng, fc, other_than=queue0[flow])

    # -- first agent segment (answering agent; outbound contacts are dialled by an agent) -----------
    ans_from0 = out0 == O_ANS
    ans_from1 = out1 == O_ANS
    seg_contact = np.concatenate([q_contact[ans_from0], f_contact[ans_from1], np.flatnonzero(outbound)])
    seg_connected = np.concatenate([
        enq0[ans_from0] + wait0[ans_from0], enq1[ans_from1] + wait1[ans_from1],
        arrived[outbound] + rng.integers(5_000, 30_000, int(outbound.sum())),
    ])
    seg_queue = np.concatenate([queue0[ans_from0], queue1[ans_from1], np.full(int(outbound.sum()), -1)])
    sc = channel[seg_contact]
    seg_agent = _pick_agent(rng, sc, day[seg_contact])
    # the answering agent is recorded on the queue entry too
    agent0 = np.full(len(q_contact), -1)
    agent0[ans_from0] = seg_agent[: int(ans_from0.sum())]
    agent1 = np.full(len(f_contact), -1)
    agent1[ans_from1] = seg_agent[int(ans_from0.sum()): int(ans_from0.sum()) + int(ans_from1.sum())]

    def durations(ch: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        m = len(ch)
        talk_mean = np.select([ch == CH_VOICE, ch == CH_CHAT], [300.0, 600.0], 420.0)
        talk = np.rint(rng.lognormal(0.0, 0.6, m) * talk_mean * 1000 / 1.197).astype(np.int64)
        holds = np.where((ch == CH_VOICE) & (rng.random(m) < 0.3), rng.integers(1, 4, m), 0)
        hold = np.where(holds > 0, _exp_ms(rng, 45.0, m) * holds, 0)
        acw = _exp_ms(rng, np.select([ch == CH_VOICE, ch == CH_CHAT], [30.0, 60.0], 120.0), m)
        return talk, hold, holds, acw

    talk, hold, holds, acw = durations(sc)
    seq = np.zeros(len(seg_contact), np.int64)
    transferred = (rng.random(len(seg_contact)) < 0.10) & ~outbound[seg_contact]

    # transfers: a new queue entry (next entry_seq) and a second agent; 15% of those transfer again
    entry_parts = {
        "contact": [q_contact, f_contact], "seq": [np.zeros(len(q_contact), np.int64), np.ones(len(f_contact), np.int64)],
        "queue": [queue0, queue1], "enq": [enq0, enq1], "wait": [wait0, wait1], "outcome": [out0, out1],
        "agent": [agent0, agent1],
    }
    seg_parts = {
        "contact": [seg_contact], "seq": [seq], "agent": [seg_agent], "queue": [seg_queue],
        "connected": [seg_connected], "talk": [talk], "hold": [hold], "holds": [holds], "acw": [acw],
        "transferred": [transferred],
    }
    next_entry_seq = np.zeros(n, np.int64)
    next_entry_seq[q_contact] = 1
    next_entry_seq[f_contact] = 2
    cur = {"contact": seg_contact, "agent": seg_agent, "queue": seg_queue, "connected": seg_connected,
           "talk": talk, "hold": hold, "seq": seq, "transferred": transferred}
    for hop in range(2):
        t = cur["transferred"]
        tc = cur["contact"][t]
        ch = channel[tc]
        m = len(tc)
        enq = cur["connected"][t] + cur["talk"][t] + cur["hold"][t]
        prev_q = np.where(cur["queue"][t] < 0, 0, cur["queue"][t])
        queue = _pick_queue(rng, ch, other_than=prev_q)
        answered = rng.random(m) < (0.95 if hop == 0 else 1.0)
        wait = np.where(answered, _exp_ms(rng, 15.0, m), _exp_ms(rng, 25.0, m))
        agent = _pick_agent(rng, ch, day[tc], exclude=cur["agent"][t])
        entry_parts["contact"].append(tc)
        entry_parts["seq"].append(next_entry_seq[tc])
        next_entry_seq[tc] += 1
        entry_parts["queue"].append(queue)
        entry_parts["enq"].append(enq)
        entry_parts["wait"].append(wait)
        entry_parts["outcome"].append(np.where(answered, O_ANS, O_ABN))
        entry_parts["agent"].append(np.where(answered, agent, -1))
        a = answered
        s_talk, s_hold, s_holds, s_acw = durations(ch[a])
        s_transferred = (rng.random(int(a.sum())) < 0.15) if hop == 0 else np.zeros(int(a.sum()), bool)
        cur = {"contact": tc[a], "agent": agent[a], "queue": queue[a], "connected": (enq + wait)[a],
               "talk": s_talk, "hold": s_hold, "seq": cur["seq"][t][a] + 1, "transferred": s_transferred}
        for key, value in (("contact", tc[a]), ("seq", cur["seq"]), ("agent", agent[a]), ("queue", queue[a]),
                           ("connected", cur["connected"]), ("talk", s_talk), ("hold", s_hold), ("holds", s_holds),
                           ("acw", s_acw), ("transferred", s_transferred)):
            seg_parts[key].append(value)

    E = {k: np.concatenate(v) for k, v in entry_parts.items()}
    S = {k: np.concatenate(v) for k, v in seg_parts.items()}
    n_seg = len(S["contact"])
    hold_null = rng.random(n_seg) < 0.01
    acw_null = rng.random(n_seg) < 0.01
    seg_end = S["connected"] + S["talk"] + np.where(hold_null, 0, S["hold"]) + np.where(acw_null, 0, S["acw"])

    # contact end: the latest segment end, or the last dequeue for unanswered contacts, or arrival
    ended = arrived.copy()
    np.maximum.at(ended, E["contact"], E["enq"] + E["wait"])
    np.maximum.at(ended, S["contact"], seg_end)

    # -- surveys --------------------------------------------------------------------------------------
    handled_in = np.zeros(n, bool)
    handled_in[S["contact"]] = True
    handled_in &= ~outbound
    surveyed = np.flatnonzero(handled_in & (rng.random(n) < 0.20))
    parts = []
    for question, share, lo, hi in (("csat", 0.9, 1, 5), ("nps", 0.6, 0, 10), ("ces", 0.4, 1, 7)):
        who = surveyed[rng.random(len(surveyed)) < share]
        m = len(who)
        scale_max = np.full(m, float(hi))
        if question == "csat":
            three = rng.random(m) < 0.03
            scale_max = np.where(three, 3.0, scale_max)
            score = np.where(three, rng.integers(1, 4, m), rng.choice([1, 2, 3, 4, 5], m, p=[.07, .08, .15, .35, .35]))
        elif question == "nps":
            score = rng.choice(11, m, p=[.03, .02, .03, .03, .04, .06, .07, .12, .15, .2, .25])
        else:
            score = rng.choice([1, 2, 3, 4, 5, 6, 7], m, p=[.05, .05, .1, .15, .2, .25, .2])
        parts.append((question, who, score.astype(np.float64), float(lo), scale_max))
    r_contact = np.concatenate([p[1] for p in parts])
    r_question = np.concatenate([np.full(len(p[1]), i) for i, p in enumerate(parts)])
    r_score = np.concatenate([p[2] for p in parts])
    r_min = np.concatenate([np.full(len(p[1]), p[3]) for p in parts])
    r_max = np.concatenate([p[4] for p in parts])
    m = len(r_contact)
    r_at = ended[r_contact] + _exp_ms(rng, 12 * 3600.0, m)
    late = rng.random(m) < 0.03
    r_at = np.where(late, arrived[r_contact] + 7 * MS_DAY + rng.integers(1, 3 * MS_DAY, m), r_at)
    edge = rng.random(m) < 0.002
    r_at = np.where(edge, arrived[r_contact] + 7 * MS_DAY, r_at)  # exactly on the window's edge: accepted
    score_null = rng.random(m) < 0.02
    # re-answered surveys: a second response to the same question, later (some after the window) or
    # at the same instant (the higher response_id wins the tie)
    again = np.flatnonzero((rng.random(m) < 0.05) & ~score_null)
    tie = rng.random(len(again)) < 0.1
    again_at = np.where(tie, r_at[again], r_at[again] + _exp_ms(rng, 2 * 86400.0, len(again)))
    again_score = np.where(r_question[again] == 1, rng.integers(0, 11, len(again)),
                           np.where(r_question[again] == 2, rng.integers(1, 8, len(again)),
                                    rng.integers(1, r_max[again].astype(np.int64) + 1)))
    R = {
        "contact": np.concatenate([r_contact, r_contact[again]]),
        "question": np.concatenate([r_question, r_question[again]]),
        "score": np.concatenate([r_score, again_score.astype(np.float64)]),
        "score_null": np.concatenate([score_null, np.zeros(len(again), bool)]),
        "min": np.concatenate([r_min, r_min[again]]),
        "max": np.concatenate([r_max, r_max[again]]),
        "at": np.concatenate([r_at, again_at]),
    }

    # -- Arrow tables ---------------------------------------------------------------------------------
    contact_ids = _ids("c", idx, 10)
    customer_ids = _ids("u", customer, 9)
    customer_ids = pc.if_else(pa.array(no_customer), pa.nulls(n, pa.string()), customer_ids)
    contacts = pa.table({
        "source": _const(SOURCE, n),
        "contact_id": contact_ids,
        "channel": _names(CHANNELS, channel),
        "direction": _names(["inbound", "outbound"], outbound.astype(np.int64)),
        "customer_id": customer_ids,
        "bot_only": pa.array(bot),
        "topic": _names(TOPICS, topic, topic_null),
        "arrived_at": _ts(arrived),
        "ended_at": _ts(ended),
        "disposition": _const(None, n),
        "resolved": pa.array(rng.random(n) < 0.7),
        "callback_of": contact_ids.take(pa.array(callback_of, pa.int64(), mask=callback_of < 0)),
        "is_open": pa.array(np.zeros(n, bool)),
        "updated_at": _ts(ended),
    })

    def contact_dims(c: np.ndarray) -> dict[str, pa.Array]:
        take = pa.array(c, pa.int64())
        return {
            "channel": contacts["channel"].combine_chunks().take(take),
            "direction": contacts["direction"].combine_chunks().take(take),
            "customer_id": contacts["customer_id"].combine_chunks().take(take),
            "bot_only": contacts["bot_only"].combine_chunks().take(take),
            "topic": contacts["topic"].combine_chunks().take(take),
        }

    queues = [f"q{i + 1:02d}" for i in range(10)]
    agents = [f"a{i + 1:03d}" for i in range(N_AGENTS)]
    ne = len(E["contact"])
    order = np.lexsort((E["seq"], E["contact"]))
    E = {k: v[order] for k, v in E.items()}
    queue_entries = pa.table({
        "source": _const(SOURCE, ne),
        "contact_id": contact_ids.take(pa.array(E["contact"])),
        "entry_seq": _int(E["seq"], pa.int32()),
        "queue_id": _names(queues, E["queue"]),
        **contact_dims(E["contact"]),
        "enqueued_at": _ts(E["enq"]),
        "dequeued_at": _ts(E["enq"] + E["wait"]),
        "wait_ms": _int(E["wait"], pa.int64()),
        "outcome": _names(OUTCOMES, E["outcome"]),
        "raw_exit_reason": _const(None, ne),
        "agent_id": _names(agents, E["agent"], E["agent"] < 0),
    })
    order = np.lexsort((S["seq"], S["contact"]))
    S = {k: v[order] for k, v in S.items()}
    hold_null, acw_null, seg_end = hold_null[order], acw_null[order], seg_end[order]
    segments = pa.table({
        "source": _const(SOURCE, n_seg),
        "contact_id": contact_ids.take(pa.array(S["contact"])),
        "segment_seq": _int(S["seq"], pa.int32()),
        "agent_id": _names(agents, S["agent"]),
        "queue_id": _names(queues, S["queue"], S["queue"] < 0),
        **contact_dims(S["contact"]),
        "connected_at": _ts(S["connected"]),
        "acw_ended_at": _ts(seg_end),
        "talk_ms": _int(S["talk"], pa.int64()),
        "hold_ms": _int(S["hold"], pa.int64(), hold_null),
        "hold_count": _int(S["holds"], pa.int32(), hold_null),
        "acw_ms": _int(S["acw"], pa.int64(), acw_null),
        "dial_ms": _int(np.where(outbound[S["contact"]], 8_000, 0), pa.int64(), ~outbound[S["contact"]]),
        "contacting_ms": _int(np.full(n_seg, 3_000), pa.int64()),
        "voicemail_ms": _const(None, n_seg, pa.int64()),
        "transferred_out": pa.array(S["transferred"]),
    })
    nr = len(R["contact"])
    surveys = pa.table({
        "source": _const(SOURCE, nr),
        "response_id": _ids("r", np.arange(nr), 9),
        "contact_id": contact_ids.take(pa.array(R["contact"])),
        "question": _names(["csat", "nps", "ces"], R["question"]),
        "score": pa.array(R["score"], pa.float64(), mask=R["score_null"]),
        "scale_min": pa.array(R["min"], pa.float64()),
        "scale_max": pa.array(R["max"], pa.float64()),
        "responded_at": _ts(R["at"]),
        "comment": _const(None, nr),
    })
    tables = {"contacts": contacts, "queue_entries": queue_entries, "agent_segments": segments,
              "survey_responses": surveys}
    # record batches of DuckDB's row-group size: DuckDB scans one giant Arrow chunk badly with >1 thread
    # (1M rows: 7.8 s wall single-chunk vs 1.2 s in 122,880-row batches on 2 threads)
    return SynthData({
        name: pa.Table.from_batches(t.select(input_schema(name).names).cast(input_schema(name))
                                    .to_batches(max_chunksize=CHUNK_ROWS))
        for name, t in tables.items()
    })
