"""Shift scheduling with OR-Tools CP-SAT: named agents' shifts and breaks that cover a requirement.

Model (lean, on the slot grid):
- x[a,d,s,l] = 1 if agent a works day d from start slot s for l slots (one boolean per allowed
  start x length inside the agent's availability; none on time off); at most one per agent-day.
- b[a,d,k,t] = 1 if break rule k of that agent-day starts at slot t. Exactly one per rule when the chosen
  shift is long enough for it, and only at a t inside that shift's window for the rule.
- Contract: weekly paid minutes in [min, max]; at most `max_days` days; rest between consecutive days.
- Coverage c[d,t] in agent-minutes = slot_min * working agents - break minutes in the slot.
  Objective: minimise 20 x shortage + 1 x overstaffing in agent-minutes (shortage dominates).

Repeatable: one worker, a fixed seed and a deterministic-time budget (the wall-clock limit is only a
safety net; when it, rather than the deterministic limit, stops the search the result can differ).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from callboard.workforce.schedule_greedy import Plan, greedy_plan
from callboard.workforce.schedule_model import (
    PlannedActivity,
    PlannedShift,
    ScheduleSolution,
    SchedulingProblem,
    coverage_of,
)
from callboard.workforce.schedule_rules import BreakRule, slots_of, validate_rules

SHORT_WEIGHT = 20
OVER_WEIGHT = 1


@dataclass(frozen=True)
class SolverOptions:
    max_time_s: float = 60.0  # safety net only
    max_deterministic_time: float = 1.5  # shared by all sub-solves; about 10 s of wall time for 40 agents x 7 days
    random_seed: int = 7
    num_workers: int = 1
    greedy_hint: bool = True
    group_size: int = 8  # agents re-optimised together in one CP-SAT sub-solve
    passes: int = 2
    linearization_level: int = 0  # the LP slows every node down more than it prunes on these models


def _sum(items: list) -> cp_model.LinearExpr:  # type: ignore[type-arg]
    return cp_model.LinearExpr.sum(items)


def _wsum(pairs: list[tuple[object, int]]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.weighted_sum([p[0] for p in pairs], [p[1] for p in pairs])


@dataclass
class _AgentDay:
    options: dict[tuple[int, int], cp_model.IntVar]  # (start slot, length slots) -> x
    breaks: dict[str, dict[int, cp_model.IntVar]]  # rule name -> start slot -> b


def _build_day(model: cp_model.CpModel, problem: SchedulingProblem, a: int, d: int) -> _AgentDay:
    rules, agent, g = problem.rules, problem.agents[a], problem.rules.slot_min
    window = agent.window(problem.days[d])
    options: dict[tuple[int, int], cp_model.IntVar] = {}
    if window is not None:
        for start in rules.starts_min():
            for length in agent.lengths(rules):
                if start >= window[0] and start + length <= min(window[1], 1440):
                    options[(start // g, length // g)] = model.new_bool_var(f"x{a}_{d}_{start}_{length}")
    model.add_at_most_one(options.values())
    breaks: dict[str, dict[int, cp_model.IntVar]] = {}
    for rule in rules.breaks:
        allowed: dict[int, list[cp_model.IntVar]] = {}
        needing: list[cp_model.IntVar] = []
        for (s, l), x in options.items():
            if rule not in rules.applicable(l * g):
                continue
            needing.append(x)
            for t in range(s + rule.earliest_offset_min // g, s + rule.latest_offset_min // g + 1):
                allowed.setdefault(t, []).append(x)
        starts = {t: model.new_bool_var(f"b{a}_{d}_{rule.name}_{t}") for t in sorted(allowed)}
        for t, b in starts.items():
            model.add(b <= _sum(allowed[t]))  # only inside the chosen shift's window
        model.add(_sum(list(starts.values())) == _sum(needing))  # exactly one if the shift needs it
        breaks[rule.name] = starts
    return _AgentDay(options, breaks)


def _contract(model: cp_model.CpModel, problem: SchedulingProblem, a: int, days: list[_AgentDay]) -> None:
    rules, agent, g = problem.rules, problem.agents[a], problem.rules.slot_min
    paid = _wsum([(x, rules.paid_min(l * g)) for day in days for (_, l), x in day.options.items()])
    model.add(paid >= agent.min_week_paid_min)
    model.add(paid <= agent.max_week_paid_min)
    works = [_sum(list(day.options.values())) for day in days]
    model.add(_sum(works) <= agent.max_days)
    per_day = problem.slots_per_day
    rest = rules.min_rest_min // g
    big = 2 * per_day + rest
    for d in range(len(days) - 1):
        if (problem.days[d + 1] - problem.days[d]).days != 1:
            continue
        end = _wsum([(x, s + l) for (s, l), x in days[d].options.items()])
        start_next = _wsum([(x, s) for (s, _), x in days[d + 1].options.items()])
        model.add(start_next + per_day - end >= rest - big * (2 - works[d] - works[d + 1]))


def _coverage(problem: SchedulingProblem, grid: dict[int, list[_AgentDay]]) -> list[list[object]]:
    g, n_slots = problem.rules.slot_min, problem.slots_per_day
    by_rule = {r.name: r for r in problem.rules.breaks}
    terms: list[list[list[tuple[object, int]]]] = [[[] for _ in range(n_slots)] for _ in problem.days]
    for agent_days in grid.values():
        for d, day in enumerate(agent_days):
            for (s, l), x in day.options.items():
                for t in range(s, s + l):
                    terms[d][t].append((x, g))
            for name, starts in day.breaks.items():
                rule: BreakRule = by_rule[name]
                left = rule.minutes
                for k in range(slots_of(rule.minutes, g)):
                    cut = min(g, left)
                    left -= cut
                    for t, b in starts.items():
                        if t + k < n_slots:
                            terms[d][t + k].append((b, -cut))
    return [[_wsum(slot) if slot else 0 for slot in day] for day in terms]


def _sub_solve(problem: SchedulingProblem, agents: list[int], need_min: np.ndarray, hint: Plan,
               opts: SolverOptions, det_s: float, wall_s: float, seed: int) -> tuple[str, Plan]:
    """Optimise `agents` against the agent-minutes `need_min` the others leave uncovered."""
    model = cp_model.CpModel()
    grid = {a: [_build_day(model, problem, a, d) for d in range(len(problem.days))] for a in agents}
    for a, days in grid.items():
        _contract(model, problem, a, days)
    coverage = _coverage(problem, grid)
    penalty = []
    cap = len(agents) * problem.rules.slot_min
    for d in range(len(problem.days)):
        for t in range(problem.slots_per_day):
            need = int(need_min[d, t])
            if isinstance(coverage[d][t], int):
                continue  # nobody in this group can work here: a constant
            short = model.new_int_var(0, max(need, 0), f"short{d}_{t}")
            over = model.new_int_var(0, cap + max(-need, 0), f"over{d}_{t}")
            model.add(coverage[d][t] + short - over == need)
            penalty += [SHORT_WEIGHT * short, OVER_WEIGHT * over]
    model.minimize(_sum(penalty))
    _hint(model, grid, hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = opts.num_workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = wall_s
    solver.parameters.max_deterministic_time = det_s
    solver.parameters.linearization_level = opts.linearization_level
    solver.parameters.symmetry_level = 0  # many interchangeable agents: symmetry detection costs more than it saves
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver.status_name(status), {}
    return solver.status_name(status), _extract(problem, grid, solver)


def solve(problem: SchedulingProblem, options: SolverOptions | None = None) -> ScheduleSolution:
    """Greedy start, then CP-SAT re-optimises groups of `group_size` agents in turn (a large-neighbourhood
    search: every other agent is fixed and its coverage subtracted from the requirement), `passes` times
    over all agents. Each sub-solve keeps its hint, so the objective never gets worse. The caller
    verifies the result (schedule_verify.verify)."""
    opts = options or SolverOptions()
    validate_rules(problem.rules, problem.agents)
    req = np.asarray(problem.requirement, dtype=float)
    if req.shape != (len(problem.days), problem.slots_per_day):
        raise ValueError(f"requirement shape {req.shape} != {(len(problem.days), problem.slots_per_day)}")
    g = problem.rules.slot_min
    began = time.perf_counter()
    plan: Plan = greedy_plan(problem) if opts.greedy_hint else {}
    rng = np.random.default_rng(opts.random_seed)
    n = len(problem.agents)
    groups: list[list[int]] = []
    for _ in range(max(1, opts.passes)):
        order = [int(a) for a in rng.permutation(n)]
        groups += [sorted(order[i:i + opts.group_size]) for i in range(0, n, opts.group_size)]
    statuses: list[str] = []
    for k, group in enumerate(groups):
        others = {key: v for key, v in plan.items() if key[0] not in group}
        fixed = coverage_of(plan_to_shifts(problem, others), problem.days, g)
        need_min = np.round(req * g) - np.round(fixed * g)
        status, sub = _sub_solve(problem, group, need_min, plan, opts, opts.max_deterministic_time / len(groups),
                                 opts.max_time_s / len(groups), opts.random_seed + k)
        statuses.append(status)
        if status in ("OPTIMAL", "FEASIBLE"):
            plan = {**others, **sub}
        elif status == "INFEASIBLE":
            return _solution("INFEASIBLE", problem, {}, req, time.perf_counter() - began)
    final = "OPTIMAL" if all(s == "OPTIMAL" for s in statuses[-len(groups) // max(1, opts.passes):]) else "FEASIBLE"
    if any(s not in ("OPTIMAL", "FEASIBLE") for s in statuses):
        final = "UNKNOWN" if not plan else "FEASIBLE"
    return _solution(final, problem, plan, req, time.perf_counter() - began)


def _solution(status: str, problem: SchedulingProblem, plan: Plan, req: np.ndarray, wall_s: float) -> ScheduleSolution:
    g = problem.rules.slot_min
    shifts = plan_to_shifts(problem, plan)
    cov = coverage_of(shifts, problem.days, g)
    objective = None
    if shifts:
        diff = np.round(req * g) - np.round(cov * g)
        objective = float(SHORT_WEIGHT * np.clip(diff, 0, None).sum() + OVER_WEIGHT * np.clip(-diff, 0, None).sum())
    return ScheduleSolution(status, objective, tuple(shifts), cov, req, wall_s)


def plan_to_shifts(problem: SchedulingProblem, plan: Plan) -> list[PlannedShift]:
    g = problem.rules.slot_min
    by_rule = {r.name: r for r in problem.rules.breaks}
    out = []
    for (a, d), (s, l, breaks) in sorted(plan.items()):
        pauses = [(t * g, t * g + by_rule[name].minutes, by_rule[name]) for name, t in breaks.items()]
        out.append(build_shift(problem.agents[a].agent_id, problem.days[d], s * g, (s + l) * g, pauses))
    return out


def _hint(model: cp_model.CpModel, grid: dict[int, list[_AgentDay]], plan: Plan) -> None:
    for a, days in grid.items():
        for d, day in enumerate(days):
            chosen = plan.get((a, d))
            for key, x in day.options.items():
                model.add_hint(x, chosen is not None and key == (chosen[0], chosen[1]))
            for name, starts in day.breaks.items():
                for t, b in starts.items():
                    model.add_hint(b, chosen is not None and chosen[2].get(name) == t)


def _extract(problem: SchedulingProblem, grid: dict[int, list[_AgentDay]], solver: cp_model.CpSolver) -> Plan:
    plan: Plan = {}
    for a, days in grid.items():
        for d, day in enumerate(days):
            chosen = [key for key, x in day.options.items() if solver.boolean_value(x)]
            if not chosen:
                continue
            breaks = {name: t for name, starts in day.breaks.items() for t, b in starts.items()
                      if solver.boolean_value(b)}
            plan[(a, d)] = (chosen[0][0], chosen[0][1], breaks)
    return plan


def build_shift(agent_id: str, day: object, start_min: int, end_min: int,
                pauses: list[tuple[int, int, BreakRule]]) -> PlannedShift:
    """Tile [start, end) with work around the given breaks/lunches."""
    acts: list[PlannedActivity] = []
    cursor = start_min
    for begin, end, rule in sorted(pauses, key=lambda p: p[0]):
        if begin > cursor:
            acts.append(PlannedActivity("work", cursor, begin, True, True))
        acts.append(PlannedActivity(rule.activity, begin, end, rule.paid, False))
        cursor = end
    if cursor < end_min:
        acts.append(PlannedActivity("work", cursor, end_min, True, True))
    return PlannedShift(agent_id, day, start_min, end_min, tuple(acts))  # type: ignore[arg-type]
