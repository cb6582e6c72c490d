"""Pure goal arithmetic: percentile, periods, projection, attainment and RAG, checked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from callboard.core.errors import InvalidInput
from callboard.goals.periods import period_bounds
from callboard.goals.progress import CURRENT, LINEAR, attainment, project, rag
from callboard.goals.suggest import history_weeks, percentile_linear


def test_percentile_linear_interpolation_by_hand() -> None:
    # [1, 2, 3, 4], q = 0.75: h = (4 - 1) * 0.75 = 2.25 -> x[2] + 0.25 (x[3] - x[2]) = 3 + 0.25 = 3.25
    assert percentile_linear([4, 1, 3, 2], 0.75) == pytest.approx(3.25)
    # q = 0.25: h = 0.75 -> 1 + 0.75 * (2 - 1) = 1.75
    assert percentile_linear([4, 1, 3, 2], 0.25) == pytest.approx(1.75)
    # five values, q = 0.25: h = 1 exactly -> x[1] = 200
    assert percentile_linear([500, 100, 300, 200, 400], 0.25) == 200
    assert percentile_linear([7.0], 0.75) == 7.0
    # the same definition as numpy's default
    values = [0.91, 0.73, 0.88, 0.64, 0.97, 0.81, 0.79]
    assert percentile_linear(values, 0.75) == pytest.approx(float(np.percentile(values, 75)))
    with pytest.raises(InvalidInput):
        percentile_linear([], 0.5)


def test_history_is_the_eight_full_weeks_before_the_start_week() -> None:
    # goal starts Wed 2026-03-04; its week starts Mon 03-02; 8 weeks before: Mon 01-05 .. Sun 03-01
    assert history_weeks(dt.date(2026, 3, 4)) == (dt.date(2026, 1, 5), dt.date(2026, 3, 1))


def test_period_bounds() -> None:
    assert period_bounds("week", dt.date(2026, 3, 4)) == period_bounds("week", dt.date(2026, 3, 8))
    week = period_bounds("week", dt.date(2026, 3, 4))
    assert (week.starts_on, week.ends_on, week.days) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8), 7)
    month = period_bounds("month", dt.date(2026, 2, 14))
    assert (month.starts_on, month.ends_on, month.days) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28), 28)
    quarter = period_bounds("quarter", dt.date(2026, 11, 24))
    assert (quarter.starts_on, quarter.ends_on, quarter.days) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), 92)
    custom = period_bounds("custom", dt.date(2026, 3, 10), dt.date(2026, 3, 19))
    assert custom.days == 10 and custom.elapsed_days(dt.date(2026, 3, 12)) == 3
    assert custom.elapsed_days(dt.date(2026, 3, 9)) == 0 and custom.elapsed_days(dt.date(2026, 4, 1)) == 10
    with pytest.raises(InvalidInput, match="before"):
        period_bounds("custom", dt.date(2026, 3, 10), dt.date(2026, 3, 1))
    with pytest.raises(InvalidInput, match="ends_on"):
        period_bounds("custom", dt.date(2026, 3, 10))


def test_projection() -> None:
    # a count: 120 handled in 10 of 30 days -> 120 * 30 / 10 = 360
    assert project(120, "count", 10, 30) == (360, LINEAR)
    # a rate or an average: the value so far
    assert project(0.83, "ratio", 10, 30) == (0.83, CURRENT)
    assert project(245.0, "seconds", 3, 31) == (245.0, CURRENT)
    assert project(None, "count", 0, 30) == (None, LINEAR)


def test_attainment_and_rag() -> None:
    assert attainment(0.72, 0.8, "higher") == pytest.approx(0.9)  # 0.72 / 0.8
    assert attainment(300, 240, "lower") == pytest.approx(0.8)  # 240 / 300
    # higher is better, target 0.80, amber band 0.05: 0.80 green, 0.76 amber (short by 0.04), 0.74 red (0.06)
    assert rag(0.80, 0.80, "higher", 0.05) == "green"
    assert rag(0.76, 0.80, "higher", 0.05) == "amber"
    assert rag(0.75, 0.80, "higher", 0.05) == "amber"  # short by exactly the band: still amber
    assert rag(0.74, 0.80, "higher", 0.05) == "red"
    # lower is better, target 240 s, band 24 s: 230 green, 260 amber (over by 20), 270 red (over by 30)
    assert rag(230, 240, "lower", 24) == "green"
    assert rag(260, 240, "lower", 24) == "amber"
    assert rag(270, 240, "lower", 24) == "red"
    assert rag(None, 240, "lower", 24) == "none"
