"""Agent state intervals: one gap-free timeline per agent over the whole period.

Within a shift: `connecting` (ringing or dialling), `on_contact` (talking or holding), `acw`, `aux`
(Break, Lunch, Meeting, Training, Coaching, Personal; paid or not) and `available` in between. Outside
shifts: `offline`. Chat agents work several chats at once, so their overlapping contacts are merged:
on_contact until the last conversation of a busy spell ends, then acw until its wrap-up ends.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from callboard.demo.acd import AcdResult
from callboard.demo.arrow_util import constant, pick, timestamps
from callboard.demo.org import SOURCE, Org
from callboard.demo.roster import DAY_MS, Roster

STATES = ("available", "connecting", "on_contact", "acw", "aux", "offline")
_S = {s: i for i, s in enumerate(STATES)}
_EPOCH = dt.datetime(1970, 1, 1)


def _single_lane_pieces(acd: AcdResult, rows: np.ndarray) -> list[np.ndarray]:
    start, conn = acd.s_start[rows], acd.s_conn[rows]
    talk_end = conn + acd.s_talk[rows] + acd.s_hold[rows]
    acw_end = talk_end + acd.s_acw[rows]
    agent = acd.s_agent[rows]
    n = len(rows)
    return [
        np.concatenate([agent, agent, agent]),
        np.concatenate([start, conn, talk_end]),
        np.concatenate([conn, talk_end, acw_end]),
        np.repeat([_S["connecting"], _S["on_contact"], _S["acw"]], n),
    ]


def _merged_pieces(acd: AcdResult, rows: np.ndarray) -> list[np.ndarray]:
    """Merge overlapping contacts of multi-lane agents into busy spells (per shift)."""
    shift = acd.s_shift[rows].astype(np.int64)
    start = acd.s_start[rows]
    talk_end = acd.s_conn[rows] + acd.s_talk[rows] + acd.s_hold[rows]
    end = talk_end + acd.s_acw[rows]
    order = np.lexsort((start, shift))
    shift, start, talk_end, end = shift[order], start[order], talk_end[order], end[order]
    offset = shift * (1 << 40)  # shifts never share a spell: separate them on one running maximum
    running = np.maximum.accumulate(end + offset)
    new = np.ones(len(start), bool)
    new[1:] = (start[1:] + offset[1:]) > running[:-1]
    spell = np.cumsum(new) - 1
    n_spells = int(spell[-1]) + 1 if len(spell) else 0
    s_start = start[new]
    s_end = np.zeros(n_spells, np.int64)
    np.maximum.at(s_end, spell, end)
    s_talk = np.zeros(n_spells, np.int64)
    np.maximum.at(s_talk, spell, talk_end)
    agent = acd.s_agent[rows][order][new]
    return [
        np.concatenate([agent, agent]),
        np.concatenate([s_start, s_talk]),
        np.concatenate([s_talk, s_end]),
        np.repeat([_S["on_contact"], _S["acw"]], n_spells),
    ]


def build_agent_states(org: Org, roster: Roster, acd: AcdResult) -> pa.Table:
    end_ms = org.days * DAY_MS
    multi = np.array([a.lanes > 1 for a in org.agents])[acd.s_agent]
    pieces = [_single_lane_pieces(acd, np.flatnonzero(~multi)), _merged_pieces(acd, np.flatnonzero(multi))]
    reasons: list[np.ndarray] = [np.full(len(p[0]), -1) for p in pieces]
    paid: list[np.ndarray] = [np.zeros(len(p[0]), bool) for p in pieces]

    # Aux windows, as scheduled.
    reason_labels = sorted(set(roster.win_reason))
    pieces.append([
        roster.shift_agent[roster.win_shift], roster.win_start, roster.win_end,
        np.full(len(roster.win_start), _S["aux"]),
    ])
    reasons.append(np.array([reason_labels.index(r) for r in roster.win_reason], dtype=np.int64))
    paid.append(roster.win_paid)

    # Offline between shifts: from logout (scheduled end, or later if finishing a contact) to next login.
    logout = roster.shift_end.copy()
    np.maximum.at(logout, acd.s_shift, acd.s_conn + acd.s_talk + acd.s_hold + acd.s_acw)
    order = np.lexsort((roster.shift_start, roster.shift_agent))
    agent_sorted, login, logout = roster.shift_agent[order], roster.shift_start[order], logout[order]
    n_agents = len(org.agents)
    first = np.ones(len(order), bool)
    first[1:] = agent_sorted[1:] != agent_sorted[:-1]
    hired = np.array([(a.hire_day or 0) * DAY_MS for a in org.agents], dtype=np.int64)
    prev_logout = np.where(first, hired[agent_sorted], np.roll(logout, 1))
    last_of_agent = np.ones(len(order), bool)
    last_of_agent[:-1] = agent_sorted[1:] != agent_sorted[:-1]
    idle_agents = np.setdiff1d(np.arange(n_agents), agent_sorted)  # no shift at all in the period
    off_agent = np.concatenate([agent_sorted, agent_sorted[last_of_agent], idle_agents])
    off_start = np.concatenate([prev_logout, logout[last_of_agent], hired[idle_agents]])
    off_end = np.concatenate([login, np.full(last_of_agent.sum() + len(idle_agents), end_ms)])
    pieces.append([off_agent, off_start, off_end, np.full(len(off_agent), _S["offline"])])
    reasons.append(np.full(len(off_agent), -1))
    paid.append(np.zeros(len(off_agent), bool))

    agent = np.concatenate([p[0] for p in pieces]).astype(np.int64)
    start = np.concatenate([p[1] for p in pieces])
    end = np.concatenate([p[2] for p in pieces])
    state = np.concatenate([p[3] for p in pieces])
    reason = np.concatenate(reasons)
    paid_all = np.concatenate(paid)
    keep = end > start
    agent, start, end, state, reason, paid_all = (x[keep] for x in (agent, start, end, state, reason, paid_all))
    order = np.lexsort((start, agent))
    agent, start, end, state, reason, paid_all = (x[order] for x in (agent, start, end, state, reason, paid_all))

    # Whatever is left inside a shift is available time.
    gap = np.zeros(len(start), bool)
    gap[:-1] = (agent[1:] == agent[:-1]) & (start[1:] > end[:-1])
    g = np.flatnonzero(gap)
    agent = np.concatenate([agent, agent[g]])
    start, end = np.concatenate([start, end[g]]), np.concatenate([end, start[g + 1]])
    state = np.concatenate([state, np.full(len(g), _S["available"])])
    reason = np.concatenate([reason, np.full(len(g), -1)])
    paid_all = np.concatenate([paid_all, np.zeros(len(g), bool)])
    order = np.lexsort((start, agent))
    agent, start, end, state, reason, paid_all = (x[order] for x in (agent, start, end, state, reason, paid_all))
    is_aux = state == _S["aux"]

    agent_ids = pick([a.agent_id for a in org.agents], agent)
    base_ms = (org.start - _EPOCH) // dt.timedelta(milliseconds=1)
    record_id = pc.binary_join_element_wise(agent_ids, pc.cast(pa.array(base_ms + start), pa.string()), "-")
    return pa.table(
        {
            "source": constant(SOURCE, len(start)),
            "record_id": record_id,
            "agent_id": agent_ids,
            "state": pick(STATES, state),
            "reason": pick(reason_labels, reason, valid=is_aux),
            "paid": pa.array(paid_all, pa.bool_(), mask=~is_aux),
            "started_at": timestamps(start, org.start),
            "ended_at": timestamps(end, org.start),
        }
    )
