"""Check every hard rule on a finished schedule, independently of the CP-SAT model (pure function).

Used by the tests and by ScheduleService on every solve: a violation means a bug in the model, so the
service refuses to save the schedule. Each violation names the agent, the day and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from callboard.workforce.schedule_model import PlannedShift, ScheduleSolution, SchedulingProblem, coverage_of


@dataclass(frozen=True)
class Violation:
    agent_id: str
    day: dt.date | None
    rule: str
    detail: str


def _shift_violations(problem: SchedulingProblem, shift: PlannedShift) -> list[Violation]:
    rules, g = problem.rules, problem.rules.slot_min
    agent = next((a for a in problem.agents if a.agent_id == shift.agent_id), None)
    out: list[Violation] = []

    def bad(rule: str, detail: str) -> None:
        out.append(Violation(shift.agent_id, shift.day, rule, detail))

    if agent is None:
        bad("unknown_agent", "agent not in the problem")
        return out
    if shift.day not in problem.days:
        bad("outside_horizon", f"{shift.day} is not a scheduled day")
    if shift.start_min not in rules.starts_min():
        bad("allowed_start", f"start {shift.start_min} not an allowed start")
    if shift.length_min not in agent.lengths(rules):
        bad("allowed_length", f"length {shift.length_min} not in {agent.lengths(rules)}")
    if shift.end_min > 1440:
        bad("crosses_midnight", f"ends at {shift.end_min}")
    if shift.day in agent.time_off:
        bad("time_off", "works on a day off")
    window = agent.availability.get(shift.day.weekday())
    if window is None:
        bad("availability", "works on an unavailable weekday")
    elif shift.start_min < window[0] or shift.end_min > window[1]:
        bad("availability", f"{shift.start_min}-{shift.end_min} outside {window}")
    cursor = shift.start_min
    for act in shift.activities:
        if act.start_min != cursor or act.end_min <= act.start_min:
            bad("activities_tile_shift", f"{act.activity} {act.start_min}-{act.end_min} after {cursor}")
        cursor = act.end_min
    if cursor != shift.end_min:
        bad("activities_tile_shift", f"activities end at {cursor}, shift at {shift.end_min}")
    pauses = [a for a in shift.activities if a.activity != "work"]
    needed = rules.applicable(shift.length_min)
    if len(pauses) != len(needed):
        bad("break_count", f"{len(pauses)} breaks/lunches, rules need {len(needed)}")
        return out
    for act, rule in zip(pauses, needed):
        offset = act.start_min - shift.start_min
        if act.activity != rule.activity or act.minutes != rule.minutes or act.paid != rule.paid:
            bad("break_shape", f"{act.activity} {act.minutes} min for rule {rule.name}")
        if not rule.earliest_offset_min <= offset <= rule.latest_offset_min or act.start_min % g:
            bad("break_window", f"{rule.name} at offset {offset}")
    for first, second in zip(pauses, pauses[1:]):
        if second.start_min - first.end_min < rules.min_gap_min:
            bad("break_gap", f"{first.activity} and {second.activity} {second.start_min - first.end_min} min apart")
    return out


def verify(problem: SchedulingProblem, solution: ScheduleSolution) -> list[Violation]:
    """Every hard constraint, re-checked on the output. Empty list = valid schedule."""
    out: list[Violation] = []
    rules = problem.rules
    by_agent: dict[str, list[PlannedShift]] = defaultdict(list)
    for shift in solution.shifts:
        out += _shift_violations(problem, shift)
        by_agent[shift.agent_id].append(shift)
    for agent in problem.agents:
        shifts = sorted(by_agent.get(agent.agent_id, []), key=lambda s: s.day)
        days = [s.day for s in shifts]
        if len(set(days)) != len(days):
            out.append(Violation(agent.agent_id, None, "one_shift_per_day", "two shifts on one day"))
        if len(shifts) > agent.max_days:
            out.append(Violation(agent.agent_id, None, "max_days", f"{len(shifts)} > {agent.max_days}"))
        paid = sum(s.paid_min for s in shifts)
        if not agent.min_week_paid_min <= paid <= agent.max_week_paid_min:
            out.append(Violation(agent.agent_id, None, "contract_hours",
                                 f"{paid} paid min outside [{agent.min_week_paid_min}, {agent.max_week_paid_min}]"))
        for first, second in zip(shifts, shifts[1:]):
            gap_days = (second.day - first.day).days
            rest = gap_days * 1440 + second.start_min - first.end_min
            if rest < rules.min_rest_min:
                out.append(Violation(agent.agent_id, second.day, "min_rest", f"{rest} min rest"))
    recomputed = coverage_of(solution.shifts, problem.days, rules.slot_min)
    if not np.allclose(recomputed, solution.coverage):
        out.append(Violation("*", None, "coverage_consistent", "reported coverage differs from the shifts"))
    return out
