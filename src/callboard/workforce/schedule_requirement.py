"""A stand-in requirement per 30-minute slot until a staffing plan is given: the handled workload of the same
weekday over the past weeks, divided by a target occupancy, rounded up.

required agents (day, slot) = ceil( mean over the last `weeks` same weekdays of handle_s(slot) / 1800
                                    / occupancy )
Handle time is talk + hold + ACW of the agent segments connected in the slot (organisation-local wall
clock). The staffing plan (workforce/staffing_plan*.py) replaces this when a planner builds one.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import numpy as np

from callboard.store.base import AnalyticsStore
from callboard.workforce.schedule_store import handled_seconds_by_slot


def local_to_utc(day: dt.date, minute: int, tz: str) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    if tz == "UTC":
        return local
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(dt.timezone.utc).replace(tzinfo=None)


def utc_to_local(stamp: dt.datetime, tz: str) -> dt.datetime:
    if tz == "UTC":
        return stamp
    return stamp.replace(tzinfo=dt.timezone.utc).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def requirement_from_history(store: AnalyticsStore, days: tuple[dt.date, ...], *, tz: str = "UTC",
                             weeks: int = 4, occupancy: float = 0.85, slot_min: int = 30) -> np.ndarray:
    per_day = 1440 // slot_min
    first = min(days) - dt.timedelta(weeks=weeks)
    rows = handled_seconds_by_slot(store, local_to_utc(first, 0, tz), local_to_utc(max(days), 0, tz))
    by_key: dict[tuple[dt.date, int], float] = {}
    for stamp, seconds in rows:
        local = utc_to_local(stamp, tz)
        key = (local.date(), (local.hour * 60 + local.minute) // slot_min)
        by_key[key] = by_key.get(key, 0.0) + seconds
    req = np.zeros((len(days), per_day))
    for i, day in enumerate(days):
        past = [day - dt.timedelta(weeks=k) for k in range(1, weeks + 1)]
        for slot in range(per_day):
            busy = sum(by_key.get((p, slot), 0.0) for p in past) / weeks / (slot_min * 60)
            req[i, slot] = math.ceil(busy / occupancy - 1e-9) if busy > 0 else 0
    return req
