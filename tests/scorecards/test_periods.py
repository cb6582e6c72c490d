"""Scorecard periods: ISO weeks, months, quarters; labels and parsing."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.core.errors import InvalidInput
from callboard.scorecards.periods import parse_period, period_containing


def test_periods_containing_a_day() -> None:
    day = dt.date(2026, 3, 4)  # a Wednesday
    assert period_containing("week", day).start == dt.date(2026, 3, 2)
    assert period_containing("week", day).label == "2026-W10"
    assert (period_containing("month", day).start, period_containing("month", day).end) == (
        dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    q = period_containing("quarter", day)
    assert (q.start, q.end, q.label) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026-Q1")
    assert period_containing("month", dt.date(2026, 12, 9)).end == dt.date(2026, 12, 31)


def test_parse_labels_and_days_and_history() -> None:
    assert parse_period("month", "2026-02").end == dt.date(2026, 2, 28)
    assert parse_period("month", "2026-Q2").kind == "quarter"  # an explicit label wins over the default kind
    assert parse_period("week", "2026-03-04").label == "2026-W10"
    assert [p.label for p in parse_period("month", "2026-02").last(3)] == ["2025-12", "2026-01", "2026-02"]
    with pytest.raises(InvalidInput):
        parse_period("month", "March")
