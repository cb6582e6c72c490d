"""A second source: the legacy ACD that still runs Collections reports only 30-minute aggregates.

Source `legacy_acd`, queue `q_collections`, weekdays 08:00-18:00. Each row carries counts and sums
(offered, answered, abandoned, answered within 20 s, summed wait and handle time), so aggregate KPIs
(service level, ASA, AHT) have data from a source without contact records.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from callboard.demo.arrow_util import constant, ints, timestamps
from callboard.demo.org import LEGACY_SOURCE, Org
from callboard.demo.traffic import LEGACY_PER_WEEKDAY

INTERVAL_S = 1800
THRESHOLD_S = 20.0


def build_interval_stats(rng: np.random.Generator, org: Org, scale: float) -> pa.Table:
    weekday = np.array([(org.start + dt.timedelta(days=d)).weekday() for d in range(org.days)])
    days = np.flatnonzero(weekday < 5)
    slots = np.arange(16, 36)  # 08:00 .. 17:30 starts
    hours = slots / 2 + 0.25
    curve = 0.6 + np.exp(-(((hours - 10.5) / 1.5) ** 2)) + 0.7 * np.exp(-(((hours - 14.5) / 1.7) ** 2))
    curve = curve / curve.sum()
    day_factor = np.array([1.15, 1.05, 1.0, 0.97, 0.92])[weekday[days]] * np.exp(rng.normal(0, 0.08, len(days)))
    lam = LEGACY_PER_WEEKDAY * scale * day_factor[:, None] * curve[None, :]
    offered = rng.poisson(lam).ravel()
    start_ms = (days[:, None] * 86_400_000 + slots[None, :] * INTERVAL_S * 1000).ravel()
    n = len(offered)
    answer_rate = np.clip(rng.normal(0.93, 0.03, n), 0.75, 1.0)
    answered = rng.binomial(offered, answer_rate)
    abandoned = offered - answered
    sl = np.clip(rng.normal(0.8, 0.1, n), 0.3, 1.0)
    within = rng.binomial(answered, sl)
    asa_s = rng.gamma(2.0, 9.0, n) * (1.3 - sl)
    aht_s = rng.normal(330.0, 40.0, n).clip(180, 600)
    interval_start = timestamps(start_ms, org.start)
    record_id = pc.binary_join_element_wise(
        constant("q_collections", n), pc.strftime(interval_start, format="%Y%m%dT%H%M"), "-"
    )
    return pa.table(
        {
            "source": constant(LEGACY_SOURCE, n),
            "record_id": record_id,
            "interval_start": interval_start,
            "interval_s": ints(np.full(n, INTERVAL_S), pa.int32()),
            "queue_id": constant("q_collections", n),
            "channel": constant("voice", n),
            "agent_id": pa.nulls(n, pa.string()),
            "offered": ints(offered),
            "answered": ints(answered),
            "abandoned": ints(abandoned),
            "answered_within_threshold": ints(within),
            "threshold_s": pa.array(np.full(n, THRESHOLD_S)),
            "wait_answered_ms": ints((answered * asa_s * 1000).astype(np.int64)),
            "handled": ints(answered),
            "handle_ms": ints((answered * aht_s * 1000).astype(np.int64)),
        }
    )
