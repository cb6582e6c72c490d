"""Suggested goal targets from history, with the basis shown beside them.

The basis: the 8 complete weeks (Monday to Sunday, organisation time zone) before the week the goal
starts in. For a team or agent goal, every weekly value of every agent in the team (one value per agent
and week with data) is pooled; for a queue or channel goal, the scope's own 8 weekly values. The target
is the 75th percentile of those values when higher is better, the 25th when lower is better.

Percentile definition: linear interpolation between closest ranks, the same as numpy's default
(`numpy.percentile(..., method="linear")`, Hyndman & Fan type 7): for sorted values x[0..n-1] and
q in [0, 1], h = (n - 1) q, result = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from callboard.core.errors import InvalidInput

WEEKS = 8


def percentile_linear(values: list[float], q: float) -> float:
    """Percentile q in [0, 1] by linear interpolation (numpy's default method)."""
    if not values:
        raise InvalidInput("no values to take a percentile of")
    if not 0.0 <= q <= 1.0:
        raise InvalidInput(f"percentile {q} is outside 0..1")
    xs = sorted(values)
    h = (len(xs) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (h - low) * (xs[high] - xs[low])


def history_weeks(starts_on: dt.date, weeks: int = WEEKS) -> tuple[dt.date, dt.date]:
    """First and last day of the `weeks` complete weeks before the week containing `starts_on`."""
    monday = starts_on - dt.timedelta(days=starts_on.weekday())
    return monday - dt.timedelta(weeks=weeks), monday - dt.timedelta(days=1)


@dataclass(frozen=True)
class Suggestion:
    metric: str
    direction: str
    target: float | None  # None when there is no history
    percentile: int  # 75 or 25
    values_count: int
    agents_count: int  # agents contributing (0 for a queue or channel basis)
    from_date: dt.date
    to_date: dt.date
    basis: str  # one sentence shown beside the suggested target
    unit: str = ""  # the metric's unit (ratio, seconds, count, ...)


def suggest_from_kpi(kpi: Any, *, metric: str, direction: str, basis_kind: str, basis_id: str,
                     starts_on: dt.date, label: str) -> Suggestion:
    """`basis_kind` team: agent-week values of the team's agents; queue/channel: the scope's weekly values."""
    start, end = history_weeks(starts_on)
    q = 0.75 if direction == "higher" else 0.25
    pct = round(q * 100)
    if basis_kind == "team":
        result = kpi.query(metrics=[metric], by=["agent", "week"], from_date=start, to_date=end,
                           where={"team": [basis_id]})
        rows = [r for r in result.rows if r.get("agent") is not None]
    else:
        result = kpi.query(metrics=[metric], by=["week"], from_date=start, to_date=end, where={basis_kind: [basis_id]})
        rows = list(result.rows)
    values = [float(r[metric]) for r in rows if isinstance(r.get(metric), (int, float)) and not math.isnan(r[metric])]
    agents = len({r.get("agent") for r in rows if isinstance(r.get(metric), (int, float))}) if basis_kind == "team" else 0
    span = f"{start:%d %b %Y} – {end:%d %b %Y}"
    if not values:
        return Suggestion(metric, direction, None, pct, 0, 0, start, end,
                          f"No history for {label} in the {WEEKS} weeks {span}: no suggestion.")
    target = percentile_linear(values, q)
    what = "lower" if direction == "lower" else "higher"
    if basis_kind == "team":
        basis = (f"{pct}th percentile of {len(values)} weekly agent values ({agents} agents x up to {WEEKS} weeks, "
                 f"{span}) in {label}; {what} is better.")
    else:
        basis = f"{pct}th percentile of {len(values)} weekly values of {label} ({span}); {what} is better."
    return Suggestion(metric, direction, target, pct, len(values), agents, start, end, basis)
