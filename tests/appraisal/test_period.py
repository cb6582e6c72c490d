"""Appraisal periods: months and quarters by name, their days, the period before, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.appraisal.period import parse_period, period_of_dates
from callboard.core.errors import InvalidInput


def test_month_and_quarter_days() -> None:
    october = parse_period("2026-10")
    assert (october.kind, october.start, october.end, october.days) == ("month", dt.date(2026, 10, 1),
                                                                        dt.date(2026, 10, 31), 31)
    q3 = parse_period("2026-q3")
    assert (q3.label, q3.start, q3.end, q3.days) == ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), 92)
    assert parse_period("2024-02").end == dt.date(2024, 2, 29)  # leap year


def test_previous_crosses_the_year() -> None:
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert [p.label for p in parse_period("2026-02").history(3)] == ["2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "Oct 2026", "", "2026-10-01", "26-10"])
def test_bad_periods_say_how_to_write_one(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_period(text)
    assert "YYYY-MM" in (caught.value.hint or "")


def test_labels_of_stored_dates() -> None:
    assert period_of_dates(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == "2026-10"
    assert period_of_dates(dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == "2026-Q3"
    assert period_of_dates(dt.date(2026, 7, 3), dt.date(2026, 7, 9)) == "2026-07-03–2026-07-09"
