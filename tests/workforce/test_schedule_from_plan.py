"""Forecast -> staffing -> schedule: the plan's on-queue agents become the scheduler's 30-minute requirement."""

from __future__ import annotations

import datetime as dt

import numpy as np

from callboard.workforce.schedule_from_plan import merge_with_history, requirement_from_plan

DAY = dt.date(2026, 3, 2)


def test_hourly_plan_fills_both_half_hours_rounded_up() -> None:
    # 09:00 needs 3.2 on-queue agents (-> 4 in slots 18 and 19); 10:00 needs 0 (-> 0 in 20 and 21)
    totals = [(dt.datetime(2026, 3, 2, 9), 3.2), (dt.datetime(2026, 3, 2, 10), 0.0)]
    req = requirement_from_plan(totals, 60, (DAY,))
    assert req[0, 18] == 4 and req[0, 19] == 4 and req[0, 20] == 0 and req[0, 21] == 0
    assert np.isnan(req[0, 17]) and np.isnan(req[0, 22])  # not covered by the plan


def test_quarter_hour_plan_takes_the_larger_quarter() -> None:
    # 09:00 -> 2.0 and 09:15 -> 2.5 share slot 18: max(2, ceil 2.5 = 3) = 3
    totals = [(dt.datetime(2026, 3, 2, 9, 0), 2.0), (dt.datetime(2026, 3, 2, 9, 15), 2.5)]
    assert requirement_from_plan(totals, 15, (DAY,))[0, 18] == 3


def test_local_time_zone_and_history_fallback() -> None:
    # 08:00 UTC is 09:00 in Lisbon summer time (UTC+1): slot 18 of the local day
    totals = [(dt.datetime(2026, 7, 6, 8, 0), 1.5)]
    req = requirement_from_plan(totals, 30, (dt.date(2026, 7, 6),), tz="Europe/Lisbon")
    assert req[0, 18] == 2
    history = np.full((1, 48), 7.0)
    merged = merge_with_history(req, history)
    assert merged[0, 18] == 2 and merged[0, 0] == 7
