"""The scheduler's requirement from the staffing plan: forecast -> staffing -> schedule.

The schedule covers on-queue agents: per 30-minute slot, the plan's `agents_raw` summed over queues (the
scheduler places breaks and lunches itself, so break shrinkage is not added twice), rounded up. A plan on a
60-minute grid fills both half hours; on a 15-minute grid a slot takes the larger of its two quarters.
Slots the plan does not cover stay None, so the caller can fall back to history for them.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from callboard.workforce.schedule_requirement import utc_to_local

SLOT_MIN = 30


def requirement_from_plan(totals: list[tuple[dt.datetime, float]], interval_minutes: int,
                          days: tuple[dt.date, ...], *, tz: str = "UTC") -> np.ndarray:
    """`totals`: (interval start, naive UTC; on-queue agents) per plan interval. Returns days x 48 floats,
    NaN where the plan has no interval."""
    per_day = 1440 // SLOT_MIN
    req = np.full((len(days), per_day), np.nan)
    index = {day: i for i, day in enumerate(days)}
    for start, agents in totals:
        local = utc_to_local(start, tz)
        minute = local.hour * 60 + local.minute
        for offset in range(0, max(interval_minutes, SLOT_MIN), SLOT_MIN) if interval_minutes >= SLOT_MIN else (0,):
            at = local + dt.timedelta(minutes=offset)
            row = index.get(at.date())
            if row is None:
                continue
            slot = ((minute + offset) % 1440) // SLOT_MIN
            need = float(math.ceil(agents - 1e-9)) if agents > 0 else 0.0
            req[row, slot] = need if np.isnan(req[row, slot]) else max(req[row, slot], need)
    return req


def merge_with_history(plan: np.ndarray, history: np.ndarray) -> np.ndarray:
    """The plan where it has a value, the history-based requirement elsewhere."""
    return np.where(np.isnan(plan), history, plan)
