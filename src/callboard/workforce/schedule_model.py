"""Schedule value types shared by the scheduler, the verifier, CSV and the service (pure, no I/O).

A planned shift is tiled by its activities: `work` (productive) segments between breaks and lunches.
Minutes are after the local midnight of `day`. Coverage per slot is agent-minutes of productive work
divided by the slot length, so a 15-minute break costs half an agent in its slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callboard.workforce.schedule_rules import AgentRules, ShiftRules

# Activity kinds: productive ones need an on-queue state; the rest a non-productive (aux) state.
PRODUCTIVE = {"work": True, "break": False, "lunch": False, "training": False, "meeting": False,
              "coaching": False, "time_off": False}
PAID = {"work": True, "break": True, "lunch": False, "training": True, "meeting": True, "coaching": True,
        "time_off": False}


@dataclass(frozen=True)
class PlannedActivity:
    activity: str
    start_min: int
    end_min: int
    paid: bool
    productive: bool
    adherence_tracked: bool = True

    @property
    def minutes(self) -> int:
        return self.end_min - self.start_min


@dataclass(frozen=True)
class PlannedShift:
    agent_id: str
    day: dt.date
    start_min: int
    end_min: int
    activities: tuple[PlannedActivity, ...]

    @property
    def length_min(self) -> int:
        return self.end_min - self.start_min

    @property
    def paid_min(self) -> int:
        return sum(a.minutes for a in self.activities if a.paid)


@dataclass(frozen=True)
class SchedulingProblem:
    days: tuple[dt.date, ...]
    requirement: np.ndarray  # agents needed, shape (len(days), 1440 // slot_min)
    agents: tuple[AgentRules, ...]
    rules: ShiftRules

    @property
    def slots_per_day(self) -> int:
        return 1440 // self.rules.slot_min


@dataclass(frozen=True)
class ScheduleSolution:
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    objective: float | None
    shifts: tuple[PlannedShift, ...]
    coverage: np.ndarray  # agents (fractional), same shape as the requirement
    requirement: np.ndarray
    wall_time_s: float

    @property
    def gap(self) -> np.ndarray:
        """Requirement minus coverage per slot: positive = short, negative = over."""
        return self.requirement - self.coverage

    @property
    def short_agent_hours(self) -> float:
        slot_h = 24 / self.requirement.shape[1]
        return float(np.clip(self.gap, 0, None).sum() * slot_h)


def coverage_of(shifts: tuple[PlannedShift, ...] | list[PlannedShift], days: tuple[dt.date, ...],
                slot_min: int) -> np.ndarray:
    """Productive agent-minutes per slot / slot length, from the activities themselves."""
    index = {d: i for i, d in enumerate(days)}
    minutes = np.zeros((len(days), 1440 // slot_min), dtype=np.int64)
    for shift in shifts:
        row = index.get(shift.day)
        if row is None:
            continue
        for act in shift.activities:
            if not act.productive:
                continue
            t = act.start_min
            while t < act.end_min:
                slot = t // slot_min
                nxt = min(act.end_min, (slot + 1) * slot_min)
                minutes[row, slot] += nxt - t
                t = nxt
    return minutes / slot_min
