"""A greedy starting schedule, handed to CP-SAT as a hint (CP-SAT with one worker finds good schedules
much faster from a feasible start). Agents with the fewest choices go first; each takes the days and
start times covering the most still-uncovered requirement, within availability, contract and rest rules.
Breaks go where the remaining requirement is lowest. Pure and deterministic.
"""

from __future__ import annotations

import numpy as np

from callboard.workforce.schedule_model import SchedulingProblem
from callboard.workforce.schedule_rules import AgentRules, slots_of

# (agent index, day index) -> (start slot, length slots, {rule name: break start slot})
Plan = dict[tuple[int, int], tuple[int, int, dict[str, int]]]


def _options(problem: SchedulingProblem, agent: AgentRules, d: int) -> list[tuple[int, int]]:
    rules, g = problem.rules, problem.rules.slot_min
    window = agent.window(problem.days[d])
    if window is None:
        return []
    return [(s // g, length // g) for s in rules.starts_min() for length in agent.lengths(rules)
            if s >= window[0] and s + length <= min(window[1], 1440)]


def _place(problem: SchedulingProblem, residual: np.ndarray, d: int, s: int, l: int) -> tuple[float, dict[str, int]]:
    """Value of working slots s..s+l on day d (uncovered agent-minutes it would cover) and its breaks."""
    g = problem.rules.slot_min
    cover = np.full(l, float(g))
    breaks: dict[str, int] = {}
    for rule in problem.rules.applicable(l * g):
        lo, hi = rule.earliest_offset_min // g, rule.latest_offset_min // g
        best = min(range(lo, hi + 1), key=lambda k: (residual[d, s + k], k))
        breaks[rule.name] = s + best
        left = rule.minutes
        for k in range(slots_of(rule.minutes, g)):
            cut = min(g, left)
            left -= cut
            cover[best + k] -= cut
    value = float(np.minimum(np.clip(residual[d, s:s + l], 0, None), cover).sum())
    return value, breaks


def greedy_plan(problem: SchedulingProblem) -> Plan:
    rules, g = problem.rules, problem.rules.slot_min
    residual = np.asarray(problem.requirement, dtype=float) * g
    n_days = len(problem.days)
    order = sorted(range(len(problem.agents)),
                   key=lambda a: sum(len(_options(problem, problem.agents[a], d)) for d in range(n_days)))
    plan: Plan = {}
    rest = rules.min_rest_min // g
    per_day = problem.slots_per_day
    for a in order:
        agent = problem.agents[a]
        chosen: dict[int, tuple[int, int, dict[str, int], float]] = {}
        paid = 0
        while len(chosen) < agent.max_days:
            best: tuple[float, int, int, int, dict[str, int]] | None = None
            for d in range(n_days):
                if d in chosen:
                    continue
                for s, l in _options(problem, agent, d):
                    if paid + rules.paid_min(l * g) > agent.max_week_paid_min:
                        continue
                    prev, nxt = chosen.get(d - 1), chosen.get(d + 1)
                    if prev and s + per_day - (prev[0] + prev[1]) < rest:
                        continue
                    if nxt and nxt[0] + per_day - (s + l) < rest:
                        continue
                    value, breaks = _place(problem, residual, d, s, l)
                    key = (value, -d, -s, l)
                    if best is None or key > (best[0], -best[1], -best[2], best[3]):
                        best = (value, d, s, l, breaks)
            if best is None or (best[0] <= 0 and paid >= agent.min_week_paid_min):
                break
            value, d, s, l, breaks = best
            chosen[d] = (s, l, breaks, value)
            paid += rules.paid_min(l * g)
            residual[d, s:s + l] -= g
            for name, t in breaks.items():
                rule = next(r for r in rules.breaks if r.name == name)
                left = rule.minutes
                for k in range(slots_of(rule.minutes, g)):
                    cut = min(g, left)
                    left -= cut
                    residual[d, t + k] += cut
        for d, (s, l, breaks, _) in chosen.items():
            plan[(a, d)] = (s, l, breaks)
    return plan
