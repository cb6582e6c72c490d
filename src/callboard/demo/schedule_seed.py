"""Demo schedule: the last week of the demo's data, scheduled by CP-SAT for its 40 agents, with adherence.

Each agent's availability on a day is the window they were logged in that day (widened to the 30-minute
grid), and days they did not work are time off, so the schedule is one the agents could have followed and
adherence lands where real centres do (80-95%), with break timing and early logouts as the misses. The
requirement is the handled workload of the four weeks before (schedule_requirement). One edit (version 2)
and two approved exceptions show versioning and exceptions. Idempotent: does nothing if the week exists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from callboard.core.viewer import LOCAL_OWNER
from callboard.workforce import schedule_store as db
from callboard.workforce.schedule_csv import ActivityRow
from callboard.workforce.schedule_rules import AgentRules, ShiftRules, standard_breaks
from callboard.workforce.scheduler import SolverOptions

NAME = "Demo week"
RULES = ShiftRules(lengths_min=(390, 510), earliest_start_min=7 * 60, latest_start_min=14 * 60,
                   breaks=standard_breaks(), min_rest_min=11 * 60)


def _windows(states: list[Any], days: tuple[dt.date, ...]) -> dict[str, dict[dt.date, tuple[int, int]]]:
    worked: dict[str, dict[dt.date, tuple[int, int]]] = defaultdict(dict)
    for s in states:
        if s.state == "offline" or s.start.date() not in days:
            continue
        lo = s.start.hour * 60 + s.start.minute
        end = min(s.end, dt.datetime.combine(s.start.date(), dt.time()) + dt.timedelta(days=1))
        hi = (end - dt.datetime.combine(s.start.date(), dt.time())).total_seconds() / 60
        old = worked[s.agent_id].get(s.start.date())
        worked[s.agent_id][s.start.date()] = (min(lo, old[0]) if old else lo, max(int(hi), old[1]) if old else int(hi))
    return worked


def _rules(agent_id: str, windows: dict[dt.date, tuple[int, int]], days: tuple[dt.date, ...]) -> AgentRules:
    availability = {}
    for day, (lo, hi) in windows.items():
        availability[day.weekday()] = (lo // 30 * 30, min(1440, -(-hi // 30) * 30))
    off = frozenset(d for d in days if d not in windows)
    return AgentRules(agent_id, min_week_paid_min=0, max_week_paid_min=45 * 60, max_days=6,
                      availability=availability, time_off=off)


def seed_demo_schedule(runtime: Any, *, options: SolverOptions | None = None) -> int | None:
    """Create the demo week's schedule (returns its id), or None if it exists or there are no states."""
    service = runtime.schedules
    if any(s.name.startswith(NAME) for s in service.list_schedules(LOCAL_OWNER)):
        return None
    last = db.latest_state_start(runtime.store)
    if last is None:
        return None
    last_day = last.date() if last.hour >= 12 else last.date() - dt.timedelta(days=1)
    days = tuple(last_day - dt.timedelta(days=6 - k) for k in range(7))
    start = dt.datetime.combine(days[0], dt.time())
    states = db.states_between(runtime.store, start, start + dt.timedelta(days=7), None)
    windows = _windows(states, days)
    agents = sorted(windows)
    for agent_id in agents:
        service.set_agent_rules(LOCAL_OWNER, _rules(agent_id, windows[agent_id], days))
    info = service.generate(LOCAL_OWNER, name=f"{NAME} {days[0].isoformat()}", first_day=days[0], n_days=7,
                            agent_ids=agents, rules=RULES, options=options)
    # A planner's edit (version 2): the first agent's shift on the third day swaps an hour of work for training.
    view = service.view(LOCAL_OWNER, info.id)
    shift = next((s for s in view.shifts if s.day == days[2]), None)
    if shift is not None:
        acts = list(shift.activities)
        first_work = next(i for i, a in enumerate(acts) if a.activity == "work")
        w = acts[first_work]
        if (w.end_at - w.start_at) >= dt.timedelta(hours=1):
            acts[first_work:first_work + 1] = [
                ActivityRow("training", w.start_at, w.start_at + dt.timedelta(hours=1), False, True),
                *([ActivityRow("work", w.start_at + dt.timedelta(hours=1), w.end_at, True, True)]
                  if w.end_at > w.start_at + dt.timedelta(hours=1) else [])]
            service.edit_shift(LOCAL_OWNER, info.id, shift.agent_id, shift.day, acts, note="product training")
    # Two approved exceptions: a fire drill on day 4 and a doctor's appointment on the last day.
    for k, (hour, minutes, reason) in enumerate(((10, 30, "fire drill"), (13, 45, "doctor's appointment"))):
        day = days[3] if k == 0 else days[-1]
        on = [s for s in view.shifts if s.day == day]
        if on:
            begin = dt.datetime.combine(day, dt.time(hour))
            service.add_exception(LOCAL_OWNER, on[k % len(on)].agent_id, begin, begin + dt.timedelta(minutes=minutes),
                                  reason)
    return info.id  # type: ignore[no-any-return]
