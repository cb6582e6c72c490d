"""Work rules for scheduling: shift shapes, break and lunch placement, and each agent's contract.

All times are minutes after the local midnight of a day on a fixed grid (`slot_min`, 30 by default).
A shift starts and ends on the grid and never crosses midnight. A break or lunch starts on the grid and
occupies its first `minutes` (a 15-minute break takes the first half of a 30-minute slot); its window is
counted from the shift start. Break rules apply to a shift of at least `min_shift_min` and must be ordered
(each rule's window ends, plus `min_gap_min`, before the next begins), so the scheduler's per-rule
windows can never make two breaks overlap. `validate_rules` enforces that before any model is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from callboard.core.errors import InvalidInput

DAY_MIN = 1440


@dataclass(frozen=True)
class BreakRule:
    """One break or lunch a long enough shift must contain, starting within [earliest, latest] of the start."""

    name: str  # "break1", "lunch", ... (unique)
    activity: str  # activity written to the schedule: "break" | "lunch"
    minutes: int
    paid: bool
    earliest_offset_min: int
    latest_offset_min: int
    min_shift_min: int = 0


@dataclass(frozen=True)
class ShiftRules:
    lengths_min: tuple[int, ...] = (510,)  # shift lengths including unpaid lunch
    earliest_start_min: int = 7 * 60
    latest_start_min: int = 13 * 60
    start_step_min: int = 30
    breaks: tuple[BreakRule, ...] = ()
    min_rest_min: int = 11 * 60  # between the end of one shift and the start of the next
    min_gap_min: int = 30  # work between two breaks
    slot_min: int = 30

    def applicable(self, length_min: int) -> tuple[BreakRule, ...]:
        rules = [b for b in self.breaks if length_min >= b.min_shift_min]
        return tuple(sorted(rules, key=lambda b: b.earliest_offset_min))

    def paid_min(self, length_min: int) -> int:
        return length_min - sum(b.minutes for b in self.applicable(length_min) if not b.paid)

    def starts_min(self) -> tuple[int, ...]:
        return tuple(range(self.earliest_start_min, self.latest_start_min + 1, self.start_step_min))


@dataclass(frozen=True)
class AgentRules:
    """An agent's contract and availability. `availability` maps weekday (0 = Monday) to the window
    (from, to) in minutes a shift must lie in; a weekday missing from it is unavailable."""

    agent_id: str
    min_week_paid_min: int = 0
    max_week_paid_min: int = 40 * 60
    max_days: int = 5
    availability: dict[int, tuple[int, int]] = field(
        default_factory=lambda: {d: (0, DAY_MIN) for d in range(7)})
    time_off: frozenset[dt.date] = frozenset()
    lengths_min: tuple[int, ...] | None = None  # overrides ShiftRules.lengths_min (part-timers)

    def lengths(self, rules: ShiftRules) -> tuple[int, ...]:
        return self.lengths_min if self.lengths_min is not None else rules.lengths_min

    def window(self, day: dt.date) -> tuple[int, int] | None:
        if day in self.time_off:
            return None
        return self.availability.get(day.weekday())


def standard_breaks() -> tuple[BreakRule, ...]:
    """The demo's rules: a paid 15-minute break starting 1-2.5 h into the shift, an unpaid 30-minute lunch
    at 3.5-4.5 h (shifts of 6 h or more), a second paid break at 5.5-7 h (shifts of 8 h or more)."""
    return (
        BreakRule("break1", "break", 15, True, 60, 150),
        BreakRule("lunch", "lunch", 30, False, 210, 270, min_shift_min=360),
        BreakRule("break2", "break", 15, True, 330, 420, min_shift_min=480),
    )


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInput(message, hint="fix the work rules")


def validate_rules(rules: ShiftRules, agents: tuple[AgentRules, ...]) -> None:
    g = rules.slot_min
    _check(g > 0 and DAY_MIN % g == 0, f"slot_min {g} must divide a day")
    _check(rules.start_step_min % g == 0 and rules.earliest_start_min % g == 0,
           "shift starts must lie on the grid")
    names = [b.name for b in rules.breaks]
    _check(len(set(names)) == len(names), "break rule names must be unique")
    for b in rules.breaks:
        _check(b.earliest_offset_min % g == 0 and b.latest_offset_min % g == 0,
               f"break {b.name}: offsets must lie on the grid")
        _check(0 < b.minutes and (b.minutes <= g or b.minutes % g == 0),
               f"break {b.name}: minutes must fit one slot or be whole slots")
        _check(b.earliest_offset_min <= b.latest_offset_min, f"break {b.name}: empty window")
    lengths = set(rules.lengths_min)
    for a in agents:
        lengths |= set(a.lengths(rules))
        _check(a.min_week_paid_min <= a.max_week_paid_min, f"agent {a.agent_id}: min hours above max hours")
    _check(len({a.agent_id for a in agents}) == len(agents), "agent ids must be unique")
    for length in sorted(lengths):
        _check(length > 0 and length % g == 0, f"shift length {length} must be whole slots")
        ordered = rules.applicable(length)
        for b in ordered:
            _check(b.latest_offset_min + _slots(b.minutes, g) * g <= length - g,
                   f"break {b.name} may end the {length}-minute shift")
        for first, second in zip(ordered, ordered[1:]):
            _check(first.latest_offset_min + _slots(first.minutes, g) * g + rules.min_gap_min
                   <= second.earliest_offset_min,
                   f"break windows {first.name} and {second.name} overlap (with the minimum gap)")


def _slots(minutes: int, slot_min: int) -> int:
    return -(-minutes // slot_min)


def slots_of(minutes: int, slot_min: int) -> int:
    """Grid slots a break of `minutes` occupies (a 15-minute break: 1 slot of 30)."""
    return _slots(minutes, slot_min)
