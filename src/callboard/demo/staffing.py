"""Workforce planning, demo-sized: give every agent a regular weekday shift so staffing follows demand.

For each pool, the agents a typical Wednesday needs per 15-minute bucket (Erlang C on volume x curve x
mean handle time) are spread over the pool's agents greedily: each agent takes the start time whose
8.5-hour shift covers the most still-uncovered workload (at least 1.5 agents in every open bucket),
then a few sweeps re-place each agent given all the others (coordinate descent on the squared gap).
"""

from __future__ import annotations

import numpy as np

from callboard.demo.handling import PROFILES as HANDLING
from callboard.demo.handling import mean_handle_s
from callboard.demo.org import Org
from callboard.demo.roster import SHIFT_MIN
from callboard.demo.traffic import PROFILES as TRAFFIC
from callboard.demo.traffic import intraday_curve

_BUCKETS = SHIFT_MIN // 15
# Earliest and latest weekday shift start (minutes after midnight) per role.
_START_RANGE = {"voice": (480, 690), "chat": (480, 810), "email": (420, 690)}


def erlang_c_servers(traffic_erlangs: float, aht_s: float, *, sl: float = 0.8, threshold_s: float = 20.0) -> int:
    """Fewest servers that answer `sl` of contacts within `threshold_s` (Erlang C)."""
    if traffic_erlangs <= 0:
        return 0
    n, blocking = 0, 1.0
    while True:
        n += 1
        blocking = traffic_erlangs * blocking / (n + traffic_erlangs * blocking)  # Erlang B recursion
        if n <= traffic_erlangs:
            continue
        wait_prob = n * blocking / (n - traffic_erlangs * (1 - blocking))
        if 1 - wait_prob * np.exp(-(n - traffic_erlangs) * threshold_s / aht_s) >= sl:
            return n


def pool_demand(org: Org, pool: str, weekday: int = 2) -> np.ndarray:
    """Agents wanted per 15-minute bucket on a typical day: Erlang C at 80/20 for live channels
    (chat servers are lanes, three per agent), workload at 85% occupancy for email and messaging."""
    live = np.zeros(96)
    live_aht = np.zeros(96)
    asynchronous = np.zeros(96)
    lanes = 3 if pool == "chat" else 1
    for q in org.queues:
        if q.pool != pool or q.queue_id not in TRAFFIC:
            continue
        traffic = TRAFFIC[q.queue_id]
        contacts = traffic.base_daily * traffic.weekly[weekday] * intraday_curve(traffic.curve, weekday)
        handle = mean_handle_s(HANDLING[q.queue_id])
        if HANDLING[q.queue_id].patience_s is None:
            asynchronous += contacts * handle / 900.0 / 0.85
        else:
            live += contacts * handle / 900.0
            live_aht += contacts * handle
    counts = np.where(live > 0, live_aht / np.maximum(live, 1e-9) / 900.0, 0.0)  # contacts per bucket
    servers = [
        erlang_c_servers(float(a), float(a * 900.0 / c)) if c > 0 else 0 for a, c in zip(live, counts)
    ]
    return (np.array(servers, dtype=float) + asynchronous) / lanes


def regular_starts(org: Org) -> dict[int, int]:
    """Agent index -> weekday shift start (minutes after midnight)."""
    starts: dict[int, int] = {}
    for pool in ("care", "tech", "sales", "chat", "email"):
        members = [a for a in range(len(org.agents)) if pool in (org.pool_on(a, 0), org.pool_on(a, org.days - 1))]
        members = [a for a in members if a not in starts]
        if not members:
            continue
        role = org.agents[members[0]].role
        lo, hi = _START_RANGE[role]
        demand = pool_demand(org, pool)
        residual = demand / demand.sum() * len(members) * _BUCKETS
        residual = np.where(demand > 0, np.maximum(residual, 1.5), 0.0)  # someone is always there while open
        options = list(range(lo, hi + 1, 30))
        for sweep in range(6):  # greedy first, then re-place each agent given everyone else (least squares)
            for a in members:
                if sweep:
                    residual[starts[a] // 15 : starts[a] // 15 + _BUCKETS] += 1.0
                cover = [residual[m // 15 : m // 15 + _BUCKETS].sum() for m in options]
                starts[a] = options[int(np.argmax(cover))]
                residual[starts[a] // 15 : starts[a] // 15 + _BUCKETS] -= 1.0
    return starts
