"""Who calls again: customers whose issue was not resolved, or who gave up waiting, come back.

A contact that will come back picks a later inbound contact (hours to days later, a few after the
7-day FCR window) and that contact becomes the same customer's. Chains are allowed (a repeat can
itself be unresolved), so customer ids are resolved to the first contact of each chain.
"""

from __future__ import annotations

import numpy as np

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def _lags(rng: np.random.Generator, n: int) -> np.ndarray:
    """Time until an unresolved customer comes back: same day for some, most within the week, some later."""
    kind = rng.random(n)
    same_day = rng.exponential(3 * HOUR_MS, n)
    week = rng.uniform(0.5 * DAY_MS, 7 * DAY_MS, n)
    late = rng.uniform(7 * DAY_MS, 12 * DAY_MS, n)
    return np.where(kind < 0.35, same_day, np.where(kind < 0.9, week, late)).astype(np.int64) + 60_000


def link_repeats(
    rng: np.random.Generator,
    *,
    arrived_ms: np.ndarray,
    unresolved: np.ndarray,
    gave_up: np.ndarray,
    can_be_repeat: np.ndarray,
) -> np.ndarray:
    """Parent contact of each contact (-1 = a first contact). `unresolved` contacts come back after
    `_lags`; `gave_up` ones (abandoned, timed out) half the time try again within the hour or so."""
    n = len(arrived_ms)
    targets = np.flatnonzero(can_be_repeat)
    targets = targets[np.argsort(arrived_ms[targets], kind="stable")]
    target_times = arrived_ms[targets]
    retry = gave_up & (rng.random(n) < 0.5)
    sources = np.flatnonzero(unresolved | retry)
    lag = np.where(unresolved[sources], _lags(rng, len(sources)), rng.exponential(40 * 60_000, len(sources)) + 60_000)
    pos = np.searchsorted(target_times, arrived_ms[sources] + lag.astype(np.int64))
    pos = pos + rng.integers(0, 12, len(pos))  # not always the very next contact, which would favour early mornings
    ok = pos < len(targets)
    sources, pos = sources[ok], pos[ok]
    chosen = targets[pos]
    order = np.argsort(arrived_ms[sources], kind="stable")
    sources, chosen = sources[order], chosen[order]
    _, first = np.unique(chosen, return_index=True)  # each later contact repeats at most one earlier one
    parent = np.full(n, -1, dtype=np.int64)
    parent[chosen[first]] = sources[first]
    return parent


def chain_roots(parent: np.ndarray) -> np.ndarray:
    """The first contact of each contact's chain (pointer jumping)."""
    root = np.where(parent >= 0, parent, np.arange(len(parent)))
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt
