"""Scorecard periods: ISO weeks, calendar months and quarters, named `2026-W10`, `2026-03`, `2026-Q1`.

A period is a range of local days (organisation time zone), `end` inclusive, as the KPI service takes them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from callboard.core.errors import InvalidInput

KINDS = ("week", "month", "quarter")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
HINT = "write week 2026-W10, month 2026-03, quarter 2026-Q1, or any day YYYY-MM-DD (its period)"


@dataclass(frozen=True)
class ScorePeriod:
    kind: str  # week | month | quarter
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def title(self) -> str:
        if self.kind == "week":
            return f"week {self.label} ({self.start:%d %b} – {self.end:%d %b %Y})"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        return f"{self.label} ({self.start:%b} – {self.end:%b %Y})"

    def previous(self) -> ScorePeriod:
        return period_containing(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> ScorePeriod:
        return period_containing(self.kind, self.end + dt.timedelta(days=1))

    def last(self, count: int) -> tuple[ScorePeriod, ...]:
        """`count` periods ending with this one, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return tuple(reversed(periods))


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"unknown scorecard period '{kind}'", hint=f"use one of: {', '.join(KINDS)}")
    return kind


def period_containing(kind: str, day: dt.date) -> ScorePeriod:
    check_kind(kind)
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return ScorePeriod(kind, start, start + dt.timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
    else:
        start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    months = 1 if kind == "month" else 3
    year, month = divmod(start.month - 1 + months, 12)
    return ScorePeriod(kind, start, dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1))


def parse_period(kind: str, text: str) -> ScorePeriod:
    """`text` names a period (2026-W10 / 2026-03 / 2026-Q1: that period, whatever `kind` is) or is a day,
    which gives the period of `kind` holding it."""
    check_kind(kind)
    value = text.strip()
    try:
        if m := _WEEK.match(value):
            return period_containing("week", dt.date.fromisocalendar(int(m[1]), int(m[2]), 1))
        if m := _MONTH.match(value):
            return period_containing("month", dt.date(int(m[1]), int(m[2]), 1))
        if m := _QUARTER.match(value):
            return period_containing("quarter", dt.date(int(m[1]), 3 * (int(m[2]) - 1) + 1, 1))
        return period_containing(kind, dt.date.fromisoformat(value))
    except ValueError as exc:
        raise InvalidInput(f"period '{text}' is not a {kind}", hint=HINT) from exc
