"""Who works when: a shift per agent-day (days off, sick days, a holiday week) with breaks and aux time.

Times are integer milliseconds since the period start (day 0, 00:00 UTC). Aux windows never overlap and
lie inside their shift; the contact simulation keeps them free, so agent states are consistent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callboard.demo.org import POOLS, Org

DAY_MS = 86_400_000
MIN_MS = 60_000

SHIFT_MIN = 510  # 8.5 hours including a 30-minute unpaid lunch
# Weekend shift templates (start, end) in minutes after midnight, per role.
_TEMPLATES: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {
    ("voice", "sat"): ((525, 1035), (555, 1065)),
    ("voice", "sun"): ((585, 975),),
    ("chat", "sat"): ((510, 1020), (780, 1290)),
    ("chat", "sun"): ((540, 1050), (780, 1290)),
    ("email", "sat"): ((540, 1050),),
    ("email", "sun"): ((540, 1050),),
}
_OPTIONAL_AUX = (  # reason, minutes, paid, probability per shift
    ("Training", 60, True, 0.05),
    ("Coaching", 30, True, 0.06),
    ("Personal", 10, False, 0.12),
)


@dataclass(frozen=True)
class Roster:
    """Shifts and aux windows as parallel arrays (one row per shift / per window)."""

    shift_agent: np.ndarray  # int32 agent index
    shift_day: np.ndarray  # int32 day index
    shift_pool: np.ndarray  # int8 index into POOLS
    shift_start: np.ndarray  # int64 ms
    shift_end: np.ndarray  # int64 ms (scheduled logout; the agent stays to finish a contact)
    win_shift: np.ndarray  # int32 shift index
    win_start: np.ndarray
    win_end: np.ndarray
    win_reason: tuple[str, ...]
    win_paid: np.ndarray  # bool

    def windows_by_shift(self) -> list[list[tuple[int, int]]]:
        out: list[list[tuple[int, int]]] = [[] for _ in range(len(self.shift_start))]
        for s, a, b in zip(self.win_shift.tolist(), self.win_start.tolist(), self.win_end.tolist()):
            out[s].append((a, b))
        for wins in out:
            wins.sort()
        return out


def _day_type(weekday: int) -> str:
    return "sat" if weekday == 5 else "sun" if weekday == 6 else "weekday"


def _absences(rng: np.random.Generator, org: Org) -> np.ndarray:
    """(agents, days) bool: sick days (3%) and, for about half the agents, a holiday week per quarter."""
    n, days = len(org.agents), org.days
    away = rng.random((n, days)) < 0.03
    holiday = rng.random(n) < 0.45
    # No holiday for the team changer (so the move shows on both sides) nor for the new hire.
    holiday &= np.array([a.persona not in ("team_changer", "new_hire") for a in org.agents])
    # One week per quarter: in a shorter period most holidays fall outside it, so absence stays ~4%.
    first = rng.integers(-6, max(90, days) - 6, size=n)
    for a in np.flatnonzero(holiday):
        away[a, max(0, first[a]) : max(0, first[a] + 7)] = True
    return away


def build_roster(rng: np.random.Generator, org: Org, weekday_starts: dict[int, int]) -> Roster:
    """`weekday_starts`: each agent's regular Monday-Friday start (minutes), from `staffing.regular_starts`."""
    away = _absences(rng, org)
    shifts: list[tuple[int, int, int, int, int]] = []
    wins: list[tuple[int, int, int, str, bool]] = []
    for a, agent in enumerate(org.agents):
        trained = 0
        for day in range(org.days):
            weekday = (org.start + dt.timedelta(days=day)).weekday()
            if weekday in agent.days_off or away[a, day]:
                continue
            if agent.hire_day is not None and day < agent.hire_day:
                continue
            kind = _day_type(weekday)
            if kind == "weekday":
                lo, hi = weekday_starts[a], weekday_starts[a] + SHIFT_MIN
            else:
                templates = _TEMPLATES[(agent.role, kind)]
                lo, hi = templates[agent.shift_slot % len(templates)]
            base = day * DAY_MS
            start, end = base + lo * MIN_MS, base + hi * MIN_MS
            index = len(shifts)
            shifts.append((a, day, POOLS.index(org.pool_on(a, day)), start, end))
            if agent.hire_day is not None and trained < 3:  # a new hire's first days are classroom training
                trained += 1
                lunch = start + 240 * MIN_MS
                wins += [(index, start, lunch, "Training", True), (index, lunch, lunch + 30 * MIN_MS, "Lunch", False)]
                wins.append((index, lunch + 30 * MIN_MS, end, "Training", True))
                continue
            wins += _shift_windows(rng, index, start, end, weekday)
    return _pack(shifts, wins)


def _shift_windows(
    rng: np.random.Generator, index: int, start: int, end: int, weekday: int
) -> list[tuple[int, int, int, str, bool]]:
    length_min = (end - start) // MIN_MS
    planned: list[tuple[int, int, str, bool]] = []  # (offset min, duration min, reason, paid)
    planned.append((int(rng.integers(60, 151)), 15, "Break", True))  # staggered, so a team never breaks at once
    if length_min >= 360:
        planned.append((int(rng.integers(200, 301)), 30, "Lunch", False))
    if length_min >= 480:
        planned.append((int(rng.integers(350, 431)), 15, "Break", True))
    if weekday == 3:  # Thursday team meeting
        planned.append((60 + int(rng.integers(0, 30)), 30, "Meeting", True))
    for reason, minutes, paid, p in _OPTIONAL_AUX:
        if rng.random() < p:
            planned.append((int(rng.integers(30, max(31, length_min - minutes - 30))), minutes, reason, paid))
    taken: list[tuple[int, int]] = []
    out = []
    for offset, minutes, reason, paid in planned:
        lo, hi = offset, offset + minutes
        if hi > length_min - 10 or any(lo < b + 10 and a < hi + 10 for a, b in taken):
            continue  # would clash with another window or the end of the shift: skip it today
        taken.append((lo, hi))
        out.append((index, start + lo * MIN_MS, start + hi * MIN_MS, reason, paid))
    return out


def _pack(shifts: list[tuple[int, int, int, int, int]], wins: list[tuple[int, int, int, str, bool]]) -> Roster:
    s = np.array(shifts, dtype=np.int64).reshape(-1, 5)
    return Roster(
        shift_agent=s[:, 0].astype(np.int32),
        shift_day=s[:, 1].astype(np.int32),
        shift_pool=s[:, 2].astype(np.int8),
        shift_start=s[:, 3],
        shift_end=s[:, 4],
        win_shift=np.array([w[0] for w in wins], dtype=np.int32),
        win_start=np.array([w[1] for w in wins], dtype=np.int64),
        win_end=np.array([w[2] for w in wins], dtype=np.int64),
        win_reason=tuple(w[3] for w in wins),
        win_paid=np.array([w[4] for w in wins], dtype=bool),
    )
