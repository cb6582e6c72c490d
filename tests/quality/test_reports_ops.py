"""QA operations reports on six hand-made evaluation records (fail-rate trends come from the KPI catalog:
tests/quality/test_fail_rates_catalog.py and the qa.fail_rates cases in tests/metrics/cases_quality.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.quality.evaluation_source import EvalRecord, ItemResult
from callboard.quality.ops_reports import dispute_stats, evaluator_productivity, working_days


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute)


def rec(i: int, ev: str, contact_day: int, created: dt.datetime, submitted: dt.datetime | None,
        items: dict[str, bool], *, state: str = "submitted", calibration: bool = False, disputed: bool = False,
        overturned: bool = False) -> EvalRecord:
    failed_sections = ("s1",) if any(items.values()) else ()
    return EvalRecord(i, "a1", ev, "demo", f"c{i}", at(contact_day, 8), created, submitted, state, 80.0,
                      calibration, items=tuple(ItemResult(q, "s1", f) for q, f in items.items()),
                      failed_sections=failed_sections, sections=("s1",), disputed=disputed, overturned=overturned)


RECORDS = [
    rec(1, "ann", 2, at(3, 9), at(3, 9, 20), {"q1": True, "q2": False}, disputed=True, overturned=True,
        state="resolved"),  # 20 min
    rec(2, "ann", 3, at(3, 10), at(3, 10, 10), {"q1": False, "q2": False}, disputed=True, state="resolved"),  # 10
    rec(3, "ann", 10, at(5, 9), at(5, 9, 30), {"q1": True}),  # 30 min; contact in the week of 9 March
    rec(4, "bob", 4, at(4, 9), at(4, 9, 40), {"q1": False, "q2": True}, state="acknowledged"),  # 40 min
    rec(5, "bob", 4, at(4, 11), at(4, 11, 5), {"q1": True}, calibration=True),  # never counts
    rec(6, "bob", 4, at(4, 12), None, {"q1": True}, state="draft"),  # never counts
]


def test_evaluator_productivity() -> None:
    # 2-8 March holds 5 working days. ann submitted r1, r2 (3 March) and r3 (5 March): 3 in 2 active days
    # -> 1.5 per active day, 3/5 = 0.6 per working day; minutes 20, 10, 30 -> median 20, mean 20.
    # bob: r4 only -> 1 per active day, 0.2 per working day, 40 minutes.
    assert working_days(dt.date(2026, 3, 2), dt.date(2026, 3, 8)) == 5
    ann, bob = evaluator_productivity(RECORDS, from_date=dt.date(2026, 3, 2), to_date=dt.date(2026, 3, 8))
    assert (ann.evaluator, ann.evaluations, ann.active_days) == ("ann", 3, 2)
    assert ann.per_active_day == pytest.approx(1.5) and ann.per_working_day == pytest.approx(0.6)
    assert ann.median_minutes == pytest.approx(20) and ann.mean_minutes == pytest.approx(20)
    assert (bob.evaluations, bob.per_working_day, bob.median_minutes) == (1, pytest.approx(0.2), pytest.approx(40))


def test_dispute_and_overturn_rates() -> None:
    # ann: 3 counted, 2 disputed, 1 overturned -> dispute 2/3, overturn 1/2; bob: 1 counted, none disputed
    ann, bob = dispute_stats(RECORDS)
    assert ann.dispute_rate == pytest.approx(2 / 3) and ann.overturn_rate == pytest.approx(0.5)
    assert bob.evaluations == 1 and bob.dispute_rate == 0 and bob.overturn_rate is None
