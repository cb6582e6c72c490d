"""CP-SAT scheduling: every hard rule re-checked on the output by the independent verifier."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from callboard.workforce.schedule_examples import example_rules, example_week
from callboard.workforce.schedule_model import PlannedActivity, ScheduleSolution, SchedulingProblem, coverage_of
from callboard.workforce.schedule_rules import AgentRules
from callboard.workforce.schedule_verify import verify
from callboard.workforce.scheduler import SolverOptions, build_shift, solve

MON = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def week() -> tuple[SchedulingProblem, ScheduleSolution]:
    problem = example_week()
    return problem, solve(problem, SolverOptions(random_seed=11))


def test_week_40_agents_meets_every_hard_rule(week: tuple[SchedulingProblem, ScheduleSolution]) -> None:
    problem, solution = week
    assert solution.status in ("OPTIMAL", "FEASIBLE")
    assert verify(problem, solution) == []
    assert {s.agent_id for s in solution.shifts} == {a.agent_id for a in problem.agents}
    # every shift of 8.5 h carries break1, lunch, break2; 4 h shifts only break1
    for shift in solution.shifts:
        kinds = [a.activity for a in shift.activities if a.activity != "work"]
        expected = {510: ["break", "lunch", "break"], 360: ["break", "lunch"], 240: ["break"]}[shift.length_min]
        assert kinds == expected
    # time off honoured: a004 is off on Thursday (3 % 5 = 3 days after Monday), a015 on Friday (14 % 5 = 4)
    assert not any(s.agent_id == "a004" and s.day == MON + dt.timedelta(days=3) for s in solution.shifts)
    assert not any(s.agent_id == "a015" and s.day == MON + dt.timedelta(days=4) for s in solution.shifts)


def test_week_covers_the_requirement(week: tuple[SchedulingProblem, ScheduleSolution]) -> None:
    problem, solution = week
    required_agent_h = float(problem.requirement.sum() * 0.5)
    # 40 agents hold ~1,400 productive hours for ~1,130 required: shortage must be (almost) nil.
    assert solution.short_agent_hours <= 0.02 * required_agent_h
    assert solution.gap.shape == (7, 48)
    np.testing.assert_allclose(solution.coverage, coverage_of(solution.shifts, problem.days, 30))


def _one_agent_day(requirement_agents: float = 1.0) -> SchedulingProblem:
    req = np.zeros((1, 48))
    req[0, 18:35] = requirement_agents  # 09:00-17:30
    rules = dataclasses.replace(example_rules(), earliest_start_min=8 * 60, latest_start_min=10 * 60)
    agent = AgentRules("a1", min_week_paid_min=0, max_week_paid_min=480, max_days=1)
    return SchedulingProblem((MON,), req, (agent,), rules)


def test_single_agent_gap_by_hand() -> None:
    problem = _one_agent_day()
    solution = solve(problem)
    assert verify(problem, solution) == []
    (shift,) = solution.shifts
    # Only 09:00-17:30 (540-1050) covers every required slot; any other start leaves 1+ slots short.
    assert (shift.start_min, shift.end_min) == (540, 1050)
    gap = solution.gap[0]
    # Hand count: 17 slots required. A 15-min break leaves 0.5 agent short in its slot (twice), the
    # 30-min lunch 1.0 in its slot; everything else is covered exactly.
    assert sorted(gap[gap != 0].tolist()) == [0.5, 0.5, 1.0]
    assert solution.short_agent_hours == pytest.approx(1.0)  # (0.5 + 0.5 + 1.0) agents x 0.5 h


def test_same_seed_same_schedule() -> None:
    days = tuple(MON + dt.timedelta(days=k) for k in range(3))
    base = example_week(n_agents=10)
    problem = SchedulingProblem(days, base.requirement[:3] * 0.3, base.agents[:10], base.rules)
    problem = dataclasses.replace(problem, agents=tuple(dataclasses.replace(a, min_week_paid_min=0)
                                                         for a in problem.agents))
    opts = SolverOptions(random_seed=3, max_deterministic_time=0.2, group_size=5)
    first, second = solve(problem, opts), solve(problem, opts)
    assert first.shifts == second.shifts
    assert verify(problem, first) == []


def test_impossible_contract_is_infeasible() -> None:
    problem = _one_agent_day()
    agent = dataclasses.replace(problem.agents[0], min_week_paid_min=600, max_week_paid_min=900)  # 10 h in 1 day
    solution = solve(dataclasses.replace(problem, agents=(agent,)))
    assert solution.status == "INFEASIBLE"
    assert solution.shifts == ()


def _rules_of(violations: list) -> set[str]:  # type: ignore[type-arg]
    return {v.rule for v in violations}


def test_verifier_catches_each_broken_rule(week: tuple[SchedulingProblem, ScheduleSolution]) -> None:
    """The verifier must not be vacuous: break one rule at a time on a valid schedule."""
    problem, solution = week
    shifts = list(solution.shifts)
    first = shifts[0]

    def with_shift(new: object) -> ScheduleSolution:
        changed = [new] + shifts[1:]
        return dataclasses.replace(solution, shifts=tuple(changed),
                                   coverage=coverage_of(changed, problem.days, 30))  # type: ignore[arg-type]

    moved_break = dataclasses.replace(first, activities=tuple(
        dataclasses.replace(a, start_min=a.start_min + 30, end_min=a.end_min + 30) if a.activity == "lunch" else a
        for a in first.activities))
    assert "activities_tile_shift" in _rules_of(verify(problem, with_shift(moved_break)))

    no_breaks = dataclasses.replace(first, activities=(PlannedActivity("work", first.start_min, first.end_min,
                                                                       True, True),))
    assert "break_count" in _rules_of(verify(problem, with_shift(no_breaks)))

    late = build_shift(first.agent_id, first.day, 15 * 60, 15 * 60 + 510, [])
    assert {"allowed_start", "break_count"} <= _rules_of(verify(problem, with_shift(late)))

    on_leave = dataclasses.replace(first, agent_id="a004", day=MON + dt.timedelta(days=3))
    assert "time_off" in _rules_of(verify(problem, with_shift(on_leave)))

    dropped = dataclasses.replace(solution, shifts=tuple(shifts[1:]),
                                  coverage=coverage_of(shifts[1:], problem.days, 30))
    lost = [v for v in verify(problem, dropped) if v.agent_id == first.agent_id]
    assert lost == [] or "contract_hours" in _rules_of(lost)

    twice = dataclasses.replace(solution, shifts=tuple(shifts + [first]),
                                coverage=coverage_of(shifts + [first], problem.days, 30))
    assert {"one_shift_per_day", "contract_hours"} & _rules_of(verify(problem, twice))

    stale = dataclasses.replace(solution, coverage=solution.coverage + 1)
    assert "coverage_consistent" in _rules_of(verify(problem, stale))


def test_verifier_catches_short_rest() -> None:
    problem = _one_agent_day()
    days = (MON, MON + dt.timedelta(days=1))
    agent = AgentRules("a1", max_week_paid_min=2000, max_days=2)
    rules = dataclasses.replace(problem.rules, earliest_start_min=7 * 60, latest_start_min=14 * 60)
    two = SchedulingProblem(days, np.zeros((2, 48)), (agent,), rules)
    pauses = [(s, s + r.minutes, r) for s, r in zip((14 * 60 + 60, 14 * 60 + 210, 14 * 60 + 360),
                                                   rules.breaks)]
    late = build_shift("a1", MON, 14 * 60, 14 * 60 + 510, pauses)  # ends 22:30
    early = build_shift("a1", days[1], 7 * 60, 7 * 60 + 510,
                        [(s - 7 * 60, e - 7 * 60, r) for s, e, r in pauses])  # starts 07:00: 8.5 h rest < 11 h
    sol = ScheduleSolution("FEASIBLE", 0.0, (late, early), coverage_of([late, early], days, 30), np.zeros((2, 48)), 0.0)
    assert _rules_of(verify(two, sol)) == {"min_rest"}
