"""Arrival curves: how many contacts reach each queue, on which day, at what time.

Daily volume = Wednesday base x weekday factor x trend x noise (x a month-start bill run for Billing and
one afternoon outage for Tech Support); within the day, 15-minute buckets follow a channel curve
(voice: open 08:00-20:00 on weekdays with a morning and an afternoon peak, Sales 09:00-18:00 and
closed on Sundays; chat: evenings too;
email and messaging: around the clock) and arrivals inside a bucket are uniform.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callboard.demo.org import Org

DAY_MS = 86_400_000
BUCKET_MS = 900_000
_HOURS = (np.arange(96) + 0.5) / 4.0  # bucket centres in hours


@dataclass(frozen=True)
class TrafficProfile:
    base_daily: float  # contacts on a typical Wednesday at scale 1
    weekly: tuple[float, ...]  # Mon..Sun factors
    curve: str


_VOICE_WEEK = (1.18, 1.05, 1.0, 0.97, 0.94, 0.4, 0.22)
_CHAT_WEEK = (1.12, 1.03, 1.0, 0.98, 0.95, 0.62, 0.5)
_EMAIL_WEEK = (1.25, 1.05, 1.0, 0.97, 0.94, 0.38, 0.3)

PROFILES: dict[str, TrafficProfile] = {
    "q_billing": TrafficProfile(600, _VOICE_WEEK, "voice"),
    "q_retention": TrafficProfile(105, _VOICE_WEEK, "voice"),
    "q_tech": TrafficProfile(410, _VOICE_WEEK, "voice"),
    "q_sales": TrafficProfile(220, (1.18, 1.05, 1.0, 0.97, 0.94, 0.45, 0.0), "sales"),
    "q_orders_chat": TrafficProfile(400, _CHAT_WEEK, "chat"),
    "q_messaging": TrafficProfile(115, _CHAT_WEEK, "messaging"),
    "q_email": TrafficProfile(180, _EMAIL_WEEK, "email"),
}
OUTBOUND_PER_WEEKDAY = 45
LEGACY_PER_WEEKDAY = 90


def _bump(centre: float, width: float) -> np.ndarray:
    return np.exp(-(((_HOURS - centre) / width) ** 2))


def _open(lo: float, hi: float) -> np.ndarray:
    return ((_HOURS >= lo) & (_HOURS < hi)).astype(float)


def intraday_curve(curve: str, weekday: int) -> np.ndarray:
    """Share of the day's contacts in each 15-minute bucket (sums to 1)."""
    if curve in ("voice", "sales"):
        if curve == "voice":
            hours = (8, 20) if weekday < 5 else (9, 17) if weekday == 5 else (10, 16)
        else:
            hours = (9, 18) if weekday < 5 else (10, 16) if weekday == 5 else (0, 0)
        shape = (0.65 + _bump(10.75, 1.7) + 0.75 * _bump(14.5, 1.9)) * _open(*hours)
    elif curve == "chat":
        hours = (8, 22) if weekday < 5 else (9, 21)
        shape = (0.35 + 0.8 * _bump(11.5, 1.8) + 0.55 * _bump(20.0, 1.5)) * _open(*hours)
    elif curve == "messaging":
        shape = 0.08 + 0.7 * _bump(12.5, 3.0) + 0.6 * _bump(20.5, 1.8)
    elif curve == "email":
        shape = 0.15 + _bump(11.0, 3.5) + 0.3 * _bump(21.0, 2.0)
    elif curve == "outbound":
        shape = _open(10, 17) * (1.0 - 0.5 * _open(12.5, 13.5))
    else:
        raise ValueError(f"unknown curve {curve}")
    total = shape.sum()
    return shape / total if total > 0 else shape


@dataclass(frozen=True)
class Arrivals:
    """Inbound and outbound contact arrivals, sorted by time (ms since the period start)."""

    t_ms: np.ndarray  # int64
    queue: np.ndarray  # int16 index into org.queues
    incident_day: int | None  # the day Tech Support had an outage, if the period is long enough


def _daily_volumes(rng: np.random.Generator, org: Org, scale: float) -> tuple[dict[str, np.ndarray], np.ndarray]:
    days = org.days
    dates = [org.start.date() + dt.timedelta(days=d) for d in range(days)]
    weekday = np.array([d.weekday() for d in dates])
    common = np.exp(rng.normal(0.0, 0.06, size=days))
    trend = 1.0 + 0.05 * np.arange(days) / max(1, days - 1)
    out = {}
    for queue_id, profile in PROFILES.items():
        own = np.exp(rng.normal(0.0, 0.05, size=days))
        vol = profile.base_daily * scale * np.asarray(profile.weekly)[weekday] * trend * common * own
        if queue_id == "q_billing":  # bills go out on the 1st: a three-day wave of billing calls
            vol *= np.where(np.array([d.day for d in dates]) <= 3, 1.3, 1.0)
        out[queue_id] = vol
    return out, weekday


def generate_arrivals(rng: np.random.Generator, org: Org, scale: float) -> Arrivals:
    volumes, weekday = _daily_volumes(rng, org, scale)
    incident = org.days - 19 if org.days >= 28 else None
    if incident is not None:
        while weekday[incident] >= 5:  # an outage on a weekday, so it shows
            incident -= 1
    day_base = (np.arange(org.days, dtype=np.int64) * DAY_MS)[:, None] + np.arange(96, dtype=np.int64) * BUCKET_MS
    times, queues = [], []
    for queue_id, vol in volumes.items():
        curve = PROFILES[queue_id].curve
        shares = np.stack([intraday_curve(curve, int(w)) for w in weekday])  # (days, 96)
        lam = vol[:, None] * shares
        if queue_id == "q_tech" and incident is not None:  # broadband outage, 09:00-15:00
            lam[incident] *= np.where((_HOURS >= 9) & (_HOURS < 15), 2.6, 1.0)
        counts = rng.poisson(lam)
        times.append(np.repeat(day_base.ravel(), counts.ravel()))
        queues.append(np.full(counts.sum(), org.queue_index(queue_id), dtype=np.int16))
    # Outbound sales calls on weekdays, spread by the dialer over 10:00-17:00.
    out_lam = np.where(weekday < 5, OUTBOUND_PER_WEEKDAY * scale, 0.0)[:, None] * intraday_curve("outbound", 0)
    counts = rng.poisson(out_lam)
    times.append(np.repeat(day_base.ravel(), counts.ravel()))
    queues.append(np.full(counts.sum(), org.queue_index("q_sales_outbound"), dtype=np.int16))
    t = np.concatenate(times)
    t = t + rng.integers(0, BUCKET_MS, size=len(t))
    q = np.concatenate(queues)
    order = np.lexsort((q, t))
    return Arrivals(t_ms=t[order], queue=q[order], incident_day=incident)
