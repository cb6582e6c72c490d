"""QA operations reports (issue 6 item 7): pure functions over `EvalRecord`s.

- fail-rate trend per question or section: `FailTrendRow`, computed by the KPI catalog (quality/fail_trend.py:
  question_fail_rate, section_fail_rate), so the report and `callboard kpi` agree;
- evaluator productivity: evaluations submitted, per active day (days with at least one submission) and per
  working day (Mon-Fri in the range), minutes from starting an evaluation to submitting it (median and mean);
- disputes per evaluator: dispute rate = disputed evaluations / submitted evaluations; overturn rate =
  evaluations with an accepted dispute / disputed evaluations.

Calibration scorings and drafts never count (`EvalRecord.counted`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from callboard.core.errors import InvalidInput
from callboard.quality.evaluation_source import EvalRecord


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "day":
        return day
    raise InvalidInput(f"unknown period '{period}'", hint="periods: day, week, month")


@dataclass(frozen=True)
class FailTrendRow:
    key: str  # question or section id
    period_start: dt.date
    applicable: int
    failed: int

    @property
    def fail_rate(self) -> float | None:
        return self.failed / self.applicable if self.applicable else None


@dataclass(frozen=True)
class Productivity:
    evaluator: str
    evaluations: int
    active_days: int
    per_active_day: float
    per_working_day: float | None
    median_minutes: float | None
    mean_minutes: float | None


def working_days(start: dt.date, end: dt.date) -> int:
    return sum(1 for i in range((end - start).days + 1) if (start + dt.timedelta(days=i)).weekday() < 5)


def evaluator_productivity(records: Iterable[EvalRecord], *, from_date: dt.date, to_date: dt.date
                           ) -> list[Productivity]:
    """By submission date within [from_date, to_date]."""
    by: dict[str, list[EvalRecord]] = defaultdict(list)
    for r in records:
        if r.counted and r.submitted_at is not None and from_date <= r.submitted_at.date() <= to_date:
            by[r.evaluator].append(r)
    workdays = working_days(from_date, to_date)
    out = []
    for evaluator in sorted(by):
        mine = by[evaluator]
        minutes = [(r.submitted_at - r.created_at).total_seconds() / 60 for r in mine  # type: ignore[operator]
                   if r.submitted_at >= r.created_at]  # type: ignore[operator]
        days = len({r.submitted_at.date() for r in mine})  # type: ignore[union-attr]
        out.append(Productivity(evaluator, len(mine), days, len(mine) / days,
                                len(mine) / workdays if workdays else None,
                                statistics.median(minutes) if minutes else None,
                                statistics.fmean(minutes) if minutes else None))
    return out


@dataclass(frozen=True)
class DisputeStats:
    evaluator: str
    evaluations: int
    disputed: int
    overturned: int

    @property
    def dispute_rate(self) -> float | None:
        return self.disputed / self.evaluations if self.evaluations else None

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.disputed if self.disputed else None


def dispute_stats(records: Iterable[EvalRecord]) -> list[DisputeStats]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in records:
        if not r.counted:
            continue
        cell = counts[r.evaluator]
        cell[0] += 1
        cell[1] += r.disputed
        cell[2] += r.disputed and r.overturned
    return [DisputeStats(e, n, d, o) for e, (n, d, o) in sorted(counts.items())]
