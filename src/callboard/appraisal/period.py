"""Appraisal periods: a calendar month (`2026-10`) or quarter (`2026-Q3`), inclusive local dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from callboard.core.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
PERIOD_HINT = "write a month as YYYY-MM (2026-10) or a quarter as YYYY-Qn (2026-Q3)"


@dataclass(frozen=True)
class AppraisalPeriod:
    """`kind` is month or quarter; `start` and `end` are the first and last day (inclusive)."""

    kind: str
    year: int
    index: int  # month 1-12 or quarter 1-4
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.year}-{self.index:02d}" if self.kind == "month" else f"{self.year}-Q{self.index}"

    @property
    def title(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        return f"Q{self.index} {self.year} ({self.start:%b}–{self.end:%b})"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> AppraisalPeriod:
        if self.kind == "month":
            return month(self.year - 1, 12) if self.index == 1 else month(self.year, self.index - 1)
        return quarter(self.year - 1, 4) if self.index == 1 else quarter(self.year, self.index - 1)

    def history(self, count: int) -> tuple[AppraisalPeriod, ...]:
        """This period and the `count - 1` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return tuple(reversed(periods))

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return start <= self.end and end >= self.start


def month(year: int, number: int) -> AppraisalPeriod:
    first = dt.date(year, number, 1)
    following = dt.date(year + 1, 1, 1) if number == 12 else dt.date(year, number + 1, 1)
    return AppraisalPeriod("month", year, number, first, following - dt.timedelta(days=1))


def quarter(year: int, number: int) -> AppraisalPeriod:
    first = dt.date(year, 3 * number - 2, 1)
    following = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    return AppraisalPeriod("quarter", year, number, first, following - dt.timedelta(days=1))


def parse_period(text: str) -> AppraisalPeriod:
    """`2026-10` -> October 2026; `2026-Q3` -> 1 Jul to 30 Sep 2026."""
    value = text.strip()
    if (found := _MONTH.match(value)) is not None:
        year, number = int(found[1]), int(found[2])
        if 1 <= number <= 12 and year >= 1900:
            return month(year, number)
    elif (found := _QUARTER.match(value)) is not None and int(found[1]) >= 1900:
        return quarter(int(found[1]), int(found[2]))
    raise InvalidInput(f"period '{text}' is not a month or a quarter", hint=PERIOD_HINT)


def period_of_dates(start: dt.date, end: dt.date) -> str:
    """The label of a stored comment's period: a month or quarter label when it is one, else the dates."""
    for candidate in (month(start.year, start.month), quarter(start.year, (start.month - 1) // 3 + 1)):
        if (candidate.start, candidate.end) == (start, end):
            return candidate.label
    return f"{start.isoformat()}–{end.isoformat()}"

