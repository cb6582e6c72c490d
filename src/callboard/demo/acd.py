"""A small ACD: routes every contact to the longest-idle agent of the queue's pool, first come first served.

Waits are not drawn but emerge from staffing: a contact waits until an agent of its pool is free. While
it waits, the customer may give up (patience), the queue may time it out (EXITWITHTIMEOUT, optionally
overflowing to another queue) or the caller may take a callback. Transfers re-queue the contact in the
target queue. An agent's "lane" (one per agent-shift, three for chat) is busy from the offer until the
end of after-contact work, and never runs into the agent's breaks, so agent states come out consistent.

This is the one loop over contacts in the demo: each contact's outcome depends on who is free when
it arrives, which depends on every earlier contact. It runs on plain Python ints and lists (1.5 s or so
for the 170k contacts of 90 days); everything around it is vectorised.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from callboard.demo.handling import INF_MS, ContactDraws, QueueRules
from callboard.demo.org import Org
from callboard.demo.roster import Roster

INBOUND, OUTBOUND, CALLBACK = 0, 1, 2
ANSWERED, ABANDONED, FLOWED_OUT, CALLBACK_REQUESTED = 0, 1, 2, 3
OUTBOUND_MAX_DELAY_MS = 30 * 60_000
RETRY_MS = 60_000
CALLBACK_MAX_DELAY_MS = 4 * 3_600_000


@dataclass(frozen=True)
class AcdResult:
    """Queue entries, agent segments and callbacks the simulation produced (numpy arrays)."""

    e_contact: np.ndarray
    e_seq: np.ndarray
    e_queue: np.ndarray
    e_enq: np.ndarray
    e_deq: np.ndarray
    e_outcome: np.ndarray
    e_agent: np.ndarray  # -1 when no agent was named
    s_contact: np.ndarray
    s_seq: np.ndarray
    s_agent: np.ndarray
    s_shift: np.ndarray
    s_queue: np.ndarray
    s_start: np.ndarray  # offer (ringing) or dial start: the agent is busy from here
    s_conn: np.ndarray
    s_talk: np.ndarray
    s_hold: np.ndarray
    s_holds: np.ndarray
    s_acw: np.ndarray
    s_dial: np.ndarray  # -1 = not dialled
    s_ring: np.ndarray  # -1 = no contacting time
    s_transferred: np.ndarray
    callback_origin: np.ndarray  # contact index of the request each callback contact fulfils
    n_contacts: int  # arrivals + callbacks (contacts without entries or segments were never made)


@dataclass
class _Lanes:
    pool: list[int]
    agent: list[int]
    shift: list[int]
    start: list[int]
    end: list[int]
    wins: list[list[tuple[int, int]]]
    talk_f: list[float]
    hold_f: list[float]
    acw_f: list[float]
    transfer_f: list[float]


def _lanes(org: Org, roster: Roster) -> _Lanes:
    wins = roster.windows_by_shift()
    lanes = _Lanes([], [], [], [], [], [], [], [], [], [])
    days = roster.shift_day.tolist()
    shifts = zip(
        roster.shift_agent.tolist(), roster.shift_pool.tolist(), roster.shift_start.tolist(), roster.shift_end.tolist()
    )
    for i, (a, pool, start, end) in enumerate(shifts):
        agent = org.agents[a]
        learning = 1.0
        if agent.hire_day is not None:  # a new hire is slow at first and speeds up over a few weeks
            learning = 1.0 + 0.8 * math.exp(-(days[i] - agent.hire_day) / 12.0)
        for _ in range(agent.lanes):
            lanes.pool.append(pool)
            lanes.agent.append(a)
            lanes.shift.append(i)
            lanes.start.append(start)
            lanes.end.append(end)
            lanes.wins.append(wins[i])
            lanes.talk_f.append(agent.talk_factor * learning)
            lanes.hold_f.append(agent.hold_factor)
            lanes.acw_f.append(agent.acw_factor * learning)
            lanes.transfer_f.append(agent.transfer_factor)
    return lanes


def simulate(
    org: Org, roster: Roster, rules: QueueRules, t_ms: np.ndarray, queue: np.ndarray, draws: ContactDraws
) -> AcdResult:
    """Route the arrivals (sorted by `t_ms`, with their `draws`) through the rostered agents."""
    lanes = _lanes(org, roster)
    n_pools = int(rules.pool.max()) + 1
    heaps: list[list[tuple[int, int]]] = [[] for _ in range(n_pools)]
    for lane, (pool, start) in enumerate(zip(lanes.pool, lanes.start)):
        heaps[pool].append((start, lane))
    for h in heaps:
        heapq.heapify(h)
    ptr = [0] * len(lanes.pool)
    l_end, l_wins, l_tf, l_hf, l_af = lanes.end, lanes.wins, lanes.talk_f, lanes.hold_f, lanes.acw_f
    l_agent = lanes.agent

    def take(
        heap: list[tuple[int, int]], t: int, ring: int, tb: int, hb: int, ab: int, avoid: int
    ) -> tuple[int, int, int] | None:
        """Pop the lane that can start soonest without running into a break, skipping agent `avoid` (who
        just transferred the contact); None if the pool has no one left."""
        skipped: list[tuple[int, int]] = []
        got = None
        while heap:
            f, lane = heapq.heappop(heap)
            s = f if f > t else t
            if s >= l_end[lane]:
                continue  # shift over: this lane is retired
            if l_agent[lane] == avoid:
                skipped.append((f, lane))
                continue
            wins = l_wins[lane]
            p, nw = ptr[lane], len(wins)
            while p < nw and wins[p][1] <= s:
                p += 1
            ptr[lane] = p
            if p < nw and s + ring + tb * l_tf[lane] + hb * l_hf[lane] + ab * l_af[lane] > wins[p][0]:
                heapq.heappush(heap, (wins[p][1], lane))
                continue
            got = (f, lane, s)
            break
        for item in skipped:
            heapq.heappush(heap, item)
        return got

    d = draws
    talk, hold, holds, u_hold, acw, ring = (
        d.talk_ms.tolist(), d.hold_ms.tolist(), d.hold_count.tolist(), d.u_hold.tolist(), d.acw_ms.tolist(),
        d.ring_ms.tolist(),
    )
    talk2, hold2, holds2, acw2, ring2, patience2 = (
        d.talk2_ms.tolist(), d.hold2_ms.tolist(), d.hold2_count.tolist(), d.acw2_ms.tolist(), d.ring2_ms.tolist(),
        d.patience2_ms.tolist(),
    )
    patience, wants_cb, cb_delay, dial = (
        d.patience_ms.tolist(), d.wants_callback.tolist(), d.callback_delay_ms.tolist(), d.dial_ms.tolist(),
    )
    u_tr, tr_q, split = d.u_transfer.tolist(), d.transfer_queue.tolist(), d.split.tolist()
    q_pool, q_timeout, q_overflow, q_cb, q_hold, q_tr = (
        rules.pool.tolist(), rules.timeout_ms.tolist(), rules.overflow.tolist(), rules.callback_after_ms.tolist(),
        rules.hold_prob.tolist(), rules.transfer_prob.tolist(),
    )
    outbound_q = {i for i, q in enumerate(org.queues) if q.direction == "outbound"}

    entries: list[tuple[int, int, int, int, int, int, int]] = []
    segments: list[tuple[int, ...]] = []
    cb_origin: list[int] = []
    n_base = len(t_ms)
    pending: list[tuple[int, ...]] = []
    counter = 0
    arr_t, arr_q = t_ms.tolist(), queue.tolist()
    bot = d.bot.tolist()
    i = 0
    while i < n_base or pending:
        if pending and (i >= n_base or pending[0][0] < arr_t[i]):
            t, _, kind, c, out, eseq, q, patience_left, leg, avoid = heapq.heappop(pending)
        else:
            c = i
            i += 1
            if bot[c]:
                continue  # contained by the bot: never queued
            t, q, out, eseq, leg, avoid = arr_t[c], arr_q[c], c, 1, 0, -1
            kind = OUTBOUND if q in outbound_q else INBOUND
            patience_left = patience[c]
        heap = heaps[q_pool[q]]
        if leg == 0:
            tb, hb, hc, ab, rg = talk[c], hold[c], holds[c], acw[c], ring[c]
        else:
            tb, hb, hc, ab, rg = talk2[c], hold2[c], holds2[c], acw2[c], ring2[c]
        if kind != INBOUND:  # the agent dials: no queue entry
            rg = rg if kind == OUTBOUND else dial[c]
            got = take(heap, t, rg, tb, hb, ab, -1)
            if got is None:
                continue
            f, lane, s = got
            if kind == OUTBOUND and s > t:  # the dialer only uses an idle agent: try again in a minute
                heapq.heappush(heap, (f, lane))
                if t + RETRY_MS - arr_t[c] <= OUTBOUND_MAX_DELAY_MS:
                    counter += 1
                    heapq.heappush(pending, (t + RETRY_MS, counter, OUTBOUND, c, out, 1, q, 0, 0, -1))
                continue
            if s - t > CALLBACK_MAX_DELAY_MS:
                heapq.heappush(heap, (f, lane))
                continue  # never called back
            conn = s + rg
            has_hold = hc > 0 and u_hold[c] < q_hold[q] * l_hf[lane]
            h = int(hb * l_hf[lane]) if has_hold else 0
            tk, aw = int(tb * l_tf[lane]), int(ab * l_af[lane])
            segments.append((out, 1, lane, q, s, conn, tk, h, hc if has_hold else 0, aw, rg, -1, 0))
            heapq.heappush(heap, (conn + tk + h + aw, lane))
            continue
        got = take(heap, t, rg, tb, hb, ab, avoid)
        if got is None:
            if patience_left >= INF_MS:
                continue  # asynchronous contact nobody is left to answer (end of the period): not generated
            conn = INF_MS
        else:
            f, lane, s = got
            conn = s + rg
        timeout = q_timeout[q]
        offer_cb = q_cb[q] if (leg == 0 and eseq == 1 and wants_cb[c]) else INF_MS
        first = min(patience_left, timeout, offer_cb)
        if got is not None and conn - t <= first:
            has_hold = hc > 0 and u_hold[c] < q_hold[q] * l_hf[lane]
            h = int(hb * l_hf[lane]) if has_hold else 0
            nh = hc if has_hold else 0
            tk, aw = int(tb * l_tf[lane]), int(ab * l_af[lane])
            entries.append((out, eseq, q, t, conn, ANSWERED, lane))
            target = tr_q[c]
            if leg == 0 and target >= 0 and u_tr[c] < q_tr[q] * lanes.transfer_f[lane]:
                tk = int(tk * split[c])
                moment = conn + tk + h
                aw = min(aw, 20_000)
                segments.append((out, 1, lane, q, s, conn, tk, h, nh, aw, -1, rg, 1))
                counter += 1
                heapq.heappush(
                    pending, (moment, counter, INBOUND, c, out, eseq + 1, target, patience2[c], 1, l_agent[lane])
                )
            else:
                segments.append((out, leg + 1, lane, q, s, conn, tk, h, nh, aw, -1, rg, 0))
            heapq.heappush(heap, (conn + tk + h + aw, lane))
            continue
        if first == patience_left:
            at = t + patience_left
            if got is not None and s <= at:  # hung up while the agent's phone was ringing: the ACD names the agent
                entries.append((out, eseq, q, t, at, ABANDONED, lane))
                heapq.heappush(heap, (at, lane))
                continue
            entries.append((out, eseq, q, t, at, ABANDONED, -1))
        elif first == timeout:
            at = t + timeout
            entries.append((out, eseq, q, t, at, FLOWED_OUT, -1))
            if q_overflow[q] >= 0:
                counter += 1
                heapq.heappush(
                    pending, (at, counter, INBOUND, c, out, eseq + 1, q_overflow[q], patience_left - timeout, leg, -1)
                )
        else:
            at = t + offer_cb
            entries.append((out, eseq, q, t, at, CALLBACK_REQUESTED, -1))
            counter += 1
            heapq.heappush(
                pending, (at + cb_delay[c], counter, CALLBACK, c, n_base + len(cb_origin), 1, q, INF_MS, 0, -1)
            )
            cb_origin.append(out)
        if got is not None:
            heapq.heappush(heap, (f, lane))
    return _pack(entries, segments, cb_origin, n_base, lanes)


def _pack(
    entries: list[tuple[int, ...]], segments: list[tuple[int, ...]], cb_origin: list[int], n_base: int, lanes: _Lanes
) -> AcdResult:
    e = np.array(entries, dtype=np.int64).reshape(-1, 7)
    s = np.array(segments, dtype=np.int64).reshape(-1, 13)
    lane_agent = np.array(lanes.agent, dtype=np.int32)
    lane_shift = np.array(lanes.shift, dtype=np.int32)
    e_lane = e[:, 6]
    return AcdResult(
        e_contact=e[:, 0],
        e_seq=e[:, 1].astype(np.int32),
        e_queue=e[:, 2].astype(np.int16),
        e_enq=e[:, 3],
        e_deq=e[:, 4],
        e_outcome=e[:, 5].astype(np.int8),
        e_agent=np.where(e_lane >= 0, lane_agent[np.maximum(e_lane, 0)], -1).astype(np.int32),
        s_contact=s[:, 0],
        s_seq=s[:, 1].astype(np.int32),
        s_agent=lane_agent[s[:, 2]],
        s_shift=lane_shift[s[:, 2]],
        s_queue=s[:, 3].astype(np.int16),
        s_start=s[:, 4],
        s_conn=s[:, 5],
        s_talk=s[:, 6],
        s_hold=s[:, 7],
        s_holds=s[:, 8].astype(np.int32),
        s_acw=s[:, 9],
        s_dial=s[:, 10],
        s_ring=s[:, 11],
        s_transferred=s[:, 12].astype(bool),
        callback_origin=np.array(cb_origin, dtype=np.int64),
        n_contacts=n_base + len(cb_origin),
    )
