"""A realistic scheduling problem (a week, 40 agents, 30-minute grid, breaks), for tests, docs and the demo.

The requirement follows a contact-centre day: a morning ramp, a lunch peak, an afternoon peak and an
evening tail, lighter at weekends. Agents: 30 full-timers (37.5-40 paid hours, 5 days), 6 part-timers
(4 or 6 hour shifts, 16-24 paid hours), 4 with restricted availability; two have a day of time off.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from callboard.workforce.schedule_model import SchedulingProblem
from callboard.workforce.schedule_rules import AgentRules, ShiftRules, standard_breaks

WEEKDAY_PEAK = np.array([
    # 07:00 .. 21:00 in 30-minute slots (28 values): agents needed
    4, 7, 10, 13, 16, 18, 19, 20, 20, 19, 18, 20, 21, 21, 20, 19, 18, 16, 14, 12, 10, 9, 8, 6, 5, 4, 3, 2,
], dtype=float)


def weekly_requirement(days: tuple[dt.date, ...], scale: float = 1.0, slot_min: int = 30) -> np.ndarray:
    per_day = 1440 // slot_min
    req = np.zeros((len(days), per_day))
    first = 7 * 60 // slot_min
    for i, day in enumerate(days):
        factor = 1.0 if day.weekday() < 5 else 0.45
        req[i, first:first + len(WEEKDAY_PEAK)] = np.round(WEEKDAY_PEAK * factor * scale)
    return req


def example_rules() -> ShiftRules:
    return ShiftRules(lengths_min=(510,), earliest_start_min=7 * 60, latest_start_min=12 * 60 + 30,
                      breaks=standard_breaks(), min_rest_min=11 * 60)


def example_agents(n: int = 40, first_day: dt.date = dt.date(2026, 3, 2)) -> tuple[AgentRules, ...]:
    agents: list[AgentRules] = []
    for i in range(n):
        agent_id = f"a{i + 1:03d}"
        if i % 10 == 7:  # part-timers: 4 or 6 hour shifts
            agents.append(AgentRules(agent_id, min_week_paid_min=16 * 60, max_week_paid_min=24 * 60, max_days=5,
                                     lengths_min=(240, 360)))
        elif i % 10 == 9:  # restricted availability: weekdays, daytime only
            agents.append(AgentRules(agent_id, min_week_paid_min=30 * 60, max_week_paid_min=40 * 60, max_days=5,
                                     availability={d: (8 * 60, 17 * 60 + 30) for d in range(5)}))
        else:
            time_off = frozenset({first_day + dt.timedelta(days=i % 5)}) if i in (3, 14) else frozenset()
            agents.append(AgentRules(agent_id, min_week_paid_min=32 * 60, max_week_paid_min=40 * 60, max_days=5,
                                     time_off=time_off))
    return tuple(agents)


def example_week(n_agents: int = 40, first_day: dt.date = dt.date(2026, 3, 2)) -> SchedulingProblem:
    days = tuple(first_day + dt.timedelta(days=k) for k in range(7))
    return SchedulingProblem(days=days, requirement=weekly_requirement(days), agents=example_agents(n_agents, first_day),
                             rules=example_rules())
