"""Conformance, occupancy, utilization and actual vs planned shrinkage from states and schedules (pure).

Reference §10-§11 defaults:
- `conformance.worked_over_scheduled` = on-queue state seconds (available, connecting, on_contact, acw;
  any time of day) / scheduled productive seconds; not capped. `conformance.wfmlabs_capped` caps each
  agent at 100% before summing (Σ min(S, R) / Σ S).
- `occupancy.callboard` = (on_contact + acw) / (on_contact + acw + available + error); ringing in neither.
- `utilization.staffed_over_paid` = (on_contact + acw + available) / (that + paid aux).
- Shrinkage over scheduled paid seconds P: planned = scheduled non-productive paid activities / P, by
  activity; actual = 1 - on-queue seconds inside P / P, by what the agent did instead (aux reason,
  `absence` for offline or no data, `error`).
Every ratio is None when its denominator is 0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from callboard.workforce.adherence import ScheduledSpan, StateSpan

ON_QUEUE = frozenset({"available", "connecting", "on_contact", "acw"})


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds())


@dataclass(frozen=True)
class Productivity:
    agent_id: str
    scheduled_on_queue_s: float
    on_queue_s: float
    conformance: float | None  # conformance.worked_over_scheduled
    handle_s: float  # on_contact + acw
    available_s: float
    error_s: float
    paid_aux_s: float
    occupancy: float | None  # occupancy.callboard
    utilization: float | None  # utilization.staffed_over_paid


def _clip(states: Iterable[StateSpan], start: dt.datetime, end: dt.datetime) -> dict[str, float]:
    secs: dict[str, float] = defaultdict(float)
    for s in states:
        secs[s.state] += _overlap(s.start, s.end, start, end)
    return secs


def productivity(agent_id: str, activities: list[ScheduledSpan], states: list[StateSpan],
                 paid_aux_reasons: frozenset[str], start: dt.datetime, end: dt.datetime) -> Productivity:
    """One agent over [start, end). `paid_aux_reasons`: aux reasons that are paid (lowercase)."""
    sched = sum(_overlap(a.start, a.end, start, end) for a in activities if a.productive)
    secs = _clip(states, start, end)
    on_queue = sum(secs[s] for s in ON_QUEUE)
    handle = secs["on_contact"] + secs["acw"]
    paid_aux = sum(_overlap(s.start, s.end, start, end) for s in states
                   if s.state == "aux" and (s.reason or "").lower() in paid_aux_reasons)
    return Productivity(agent_id, sched, on_queue, _ratio(on_queue, sched), handle, secs["available"],
                        secs["error"], paid_aux, _ratio(handle, handle + secs["available"] + secs["error"]),
                        _ratio(handle + secs["available"], handle + secs["available"] + paid_aux))


def conformance_capped(rows: list[Productivity]) -> float | None:
    """conformance.wfmlabs_capped: Σ min(S_a, R_a) / Σ S_a."""
    return _ratio(sum(min(r.scheduled_on_queue_s, r.on_queue_s) for r in rows),
                  sum(r.scheduled_on_queue_s for r in rows))


def total_productivity(rows: list[Productivity]) -> Productivity:
    """Ratio of sums over agents."""
    s = {f: sum(getattr(r, f) for r in rows) for f in
         ("scheduled_on_queue_s", "on_queue_s", "handle_s", "available_s", "error_s", "paid_aux_s")}
    return Productivity("*", s["scheduled_on_queue_s"], s["on_queue_s"],
                        _ratio(s["on_queue_s"], s["scheduled_on_queue_s"]), s["handle_s"], s["available_s"],
                        s["error_s"], s["paid_aux_s"],
                        _ratio(s["handle_s"], s["handle_s"] + s["available_s"] + s["error_s"]),
                        _ratio(s["handle_s"] + s["available_s"], s["handle_s"] + s["available_s"] + s["paid_aux_s"]))


@dataclass(frozen=True)
class Shrinkage:
    scheduled_paid_s: float
    planned: float | None
    actual: float | None
    planned_by_category_s: dict[str, float]
    actual_by_category_s: dict[str, float]


def shrinkage(activities: Iterable[ScheduledSpan], states: Iterable[StateSpan]) -> Shrinkage:
    """Planned vs actual shrinkage over the scheduled paid time of the given activities and states."""
    by_agent: dict[str, list[StateSpan]] = defaultdict(list)
    for s in states:
        by_agent[s.agent_id].append(s)
    paid_s = 0.0
    planned: dict[str, float] = defaultdict(float)
    actual: dict[str, float] = defaultdict(float)
    on_queue_in_paid = 0.0
    for act in activities:
        if not act.paid:
            continue
        length = (act.end - act.start).total_seconds()
        paid_s += length
        if not act.productive:
            planned[act.activity] += length
        covered = 0.0
        for s in by_agent.get(act.agent_id, []):
            part = _overlap(s.start, s.end, act.start, act.end)
            if part <= 0:
                continue
            covered += part
            if s.state in ON_QUEUE:
                on_queue_in_paid += part
            elif s.state == "aux":
                actual[(s.reason or "aux").lower()] += part
            elif s.state == "error":
                actual["error"] += part
            else:
                actual["absence"] += part
        if length - covered > 0:
            actual["absence"] += length - covered  # no state data: not logged in
    planned_total = sum(planned.values())
    return Shrinkage(paid_s, _ratio(planned_total, paid_s), _ratio(paid_s - on_queue_in_paid, paid_s),
                     dict(planned), dict(actual))
