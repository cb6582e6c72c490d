"""Goal periods: a week (Monday to Sunday), month, quarter or custom range of local dates, both ends inclusive."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from callboard.core.errors import InvalidInput

PERIODS = ("week", "month", "quarter", "custom")


@dataclass(frozen=True)
class PeriodBounds:
    starts_on: dt.date
    ends_on: dt.date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def elapsed_days(self, as_of: dt.date) -> int:
        """Days of the period up to and including `as_of` (0 before it starts, all after it ends)."""
        if as_of < self.starts_on:
            return 0
        return (min(as_of, self.ends_on) - self.starts_on).days + 1

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        return (start is None or self.ends_on >= start) and (end is None or self.starts_on <= end)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_bounds(period: str, starts_on: dt.date, ends_on: dt.date | None = None) -> PeriodBounds:
    """week/month/quarter: the one containing `starts_on` (`ends_on` is ignored); custom: both dates."""
    if period == "week":
        start = starts_on - dt.timedelta(days=starts_on.weekday())
        return PeriodBounds(start, start + dt.timedelta(days=6))
    if period == "month":
        start = starts_on.replace(day=1)
        return PeriodBounds(start, _month_end(start))
    if period == "quarter":
        first_month = 3 * ((starts_on.month - 1) // 3) + 1
        start = starts_on.replace(month=first_month, day=1)
        return PeriodBounds(start, _month_end(start.replace(month=first_month + 2)))
    if period == "custom":
        if ends_on is None:
            raise InvalidInput("a custom period needs ends_on", hint="give starts_on and ends_on as YYYY-MM-DD")
        if ends_on < starts_on:
            raise InvalidInput(f"ends_on {ends_on} is before starts_on {starts_on}", hint="swap the two dates")
        if (ends_on - starts_on).days > 366 * 2:
            raise InvalidInput("a custom goal period is at most two years", hint="split it into shorter goals")
        return PeriodBounds(starts_on, ends_on)
    raise InvalidInput(f"unknown period '{period}'", hint=f"periods: {', '.join(PERIODS)}")
