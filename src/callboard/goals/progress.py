"""Progress so far, projected attainment at period end, and red/amber/green status.

Projection (docs/goals.md):
- count metrics (unit `count`, e.g. handled, answered): linear by elapsed days,
  projected = value_so_far x period_days / elapsed_days;
- every other metric (rates, averages, scores): the value so far is the projection.

Status compares a value with the target: the shortfall is `target - value` when higher is better and
`value - target` when lower is better. Shortfall <= 0 is green (met); up to `amber_band` is amber; more is red.
For count metrics the status is taken on the projection (a half-way count is not "behind"); for the others
on the value itself, which is also their projection.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from callboard.goals.periods import PeriodBounds

LINEAR = "linear by elapsed days"
CURRENT = "current value"


def shortfall(value: float, target: float, direction: str) -> float:
    return target - value if direction == "higher" else value - target


def rag(value: float | None, target: float, direction: str, amber_band: float) -> str:
    """green (met), amber (missed by at most amber_band), red (missed by more), none (no value)."""
    if value is None:
        return "none"
    gap = shortfall(value, target, direction)
    if gap <= 1e-12:
        return "green"
    return "amber" if gap <= amber_band + 1e-12 else "red"


def project(value: float | None, unit: str, elapsed_days: int, total_days: int) -> tuple[float | None, str]:
    """The value expected at period end and how it was projected."""
    if unit == "count":
        if value is None or elapsed_days <= 0:
            return None, LINEAR
        return value * total_days / elapsed_days, LINEAR
    return value, CURRENT


def attainment(value: float | None, target: float, direction: str) -> float | None:
    """How much of the target a value reaches: value/target when higher is better, target/value when lower."""
    if value is None:
        return None
    if direction == "higher":
        return value / target if target else None
    if value <= 0:
        return 1.0 if target >= 0 else None
    return target / value


@dataclass(frozen=True)
class GoalProgress:
    goal_id: int
    as_of: dt.date
    measured_to: dt.date | None  # last day counted (as_of or the period end); None before the period starts
    elapsed_days: int
    period_days: int
    value: float | None
    projected: float | None
    projection: str  # LINEAR or CURRENT
    attainment_ratio: float | None  # of the projection against the target
    status: str  # green | amber | red | none | not_started
    member_value: float | None = None  # an agent's own value on a collaborative team goal (agent pages)

    @property
    def bar_ratio(self) -> float:
        """Width of the progress bar, 0..1: the projection's attainment, capped."""
        return max(0.0, min(self.attainment_ratio or 0.0, 1.0))


@dataclass(frozen=True)
class Measurable:
    """What progress needs to know about one goal."""

    goal_id: int
    metric: str  # resolved metric request, e.g. service_level.callboard(threshold_s=20, short_abandon_s=5)
    unit: str
    target: float
    direction: str
    amber_band: float
    scope_kind: str
    scope_id: str
    bounds: PeriodBounds


def progress_from_value(m: Measurable, value: float | None, as_of: dt.date) -> GoalProgress:
    elapsed = m.bounds.elapsed_days(as_of)
    if elapsed == 0:
        return GoalProgress(m.goal_id, as_of, None, 0, m.bounds.days, None, None, CURRENT if m.unit != "count" else LINEAR,
                            None, "not_started")
    projected, method = project(value, m.unit, elapsed, m.bounds.days)
    measured_to = min(as_of, m.bounds.ends_on)
    return GoalProgress(m.goal_id, as_of, measured_to, elapsed, m.bounds.days, value, projected, method,
                        attainment(projected, m.target, m.direction),
                        rag(projected, m.target, m.direction, m.amber_band))


def measure(kpi: Any, goals: list[Measurable], as_of: dt.date) -> dict[int, GoalProgress]:
    """Progress of many goals with one KPI query per (scope kind, start, measured-to) group.

    Queries run as the trusted service (no viewer): the caller has already checked the viewer may see
    each goal, and a goal's figure is its own scope's aggregate."""
    out: dict[int, GoalProgress] = {}
    groups: dict[tuple[str, dt.date, dt.date], list[Measurable]] = defaultdict(list)
    for m in goals:
        if m.bounds.elapsed_days(as_of) == 0:
            out[m.goal_id] = progress_from_value(m, None, as_of)
        else:
            groups[(m.scope_kind, m.bounds.starts_on, min(as_of, m.bounds.ends_on))].append(m)
    for (kind, start, end), members in groups.items():
        metrics = sorted({m.metric for m in members})
        ids = sorted({m.scope_id for m in members})
        result = kpi.query(metrics=metrics, by=[kind], from_date=start, to_date=end, where={kind: ids})
        rows = {str(row.get(kind)): row for row in result.rows}
        for m in members:
            value = rows.get(m.scope_id, {}).get(m.metric)
            out[m.goal_id] = progress_from_value(m, value if isinstance(value, (int, float)) else None, as_of)
    return out


def member_value(kpi: Any, m: Measurable, agent_id: str, as_of: dt.date) -> float | None:
    """One agent's own value for a team goal's metric over the goal's period so far."""
    if m.bounds.elapsed_days(as_of) == 0:
        return None
    result = kpi.query(metrics=[m.metric], from_date=m.bounds.starts_on, to_date=min(as_of, m.bounds.ends_on),
                       where={"agent": [agent_id], "team": [m.scope_id]})
    value = result.rows[0].get(m.metric) if result.rows else None
    return value if isinstance(value, (int, float)) else None
