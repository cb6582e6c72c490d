"""Erlang B and Erlang C, vectorised and stable to 10,000+ Erlangs (reference §15).

No ``A**N / N!`` anywhere: whole agent counts use the Erlang B recurrence ``B(n) = A·B(n-1) / (n + A·B(n-1))``
(run once over problems sorted by N, so the cost is the sum of the N, not N times the problem count);
fractional agents and big N use log space, ``log B = N ln A - A - lgamma(N+1) - ln Q(N+1, A)`` with
``Q = scipy.special.gammaincc`` (the continuous Erlang B), and a short series for ``1/B`` where Q underflows
(N far below A).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

FloatArray = npt.NDArray[np.float64]
_RECURRENCE_MAX_N = 400
_RECURRENCE_MIN_PROBLEMS = 64


def _log_inv_b_series(n: FloatArray, a: FloatArray) -> FloatArray:
    """log(1/B) = log Σ_m Π_{i<m} (N - i)/A for N well below A (terms shrink at least like (N/A)^m)."""
    ratio = np.clip(n / a, 0.0, 1.0 - 1e-12)
    terms = int(np.ceil(np.max(45.0 / -np.log(ratio), initial=1.0))) + 2
    i = np.arange(terms, dtype=float)
    factors = np.clip(n[:, None] - i[None, :], 0.0, None) / a[:, None]
    with np.errstate(divide="ignore"):
        log_terms = np.concatenate([np.zeros((n.size, 1)), np.cumsum(np.log(factors), axis=1)], axis=1)
    return special.logsumexp(log_terms, axis=1)


def log_erlang_b(agents: npt.ArrayLike, traffic_erlangs: npt.ArrayLike) -> FloatArray:
    """ln B(N, A) for real N >= 0 (continuous Erlang B); 0 at N = 0, -inf at A = 0 < N."""
    n, a = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(agents, traffic_erlangs))
    out = np.zeros(n.shape)
    pos = (a > 0) & (n > 0)
    out[(a <= 0) & (n > 0)] = -np.inf
    if not pos.any():
        return out
    npos, apos = n[pos], a[pos]
    with np.errstate(divide="ignore"):
        log_q = np.log(special.gammaincc(npos + 1.0, apos))
    vals = npos * np.log(apos) - apos - special.gammaln(npos + 1.0) - log_q
    low = log_q < -500.0  # Q underflows or nearly: N far below A
    if low.any():
        vals[low] = -_log_inv_b_series(npos[low], apos[low])
    out[pos] = vals
    return out


def _erlang_b_recurrence(n: npt.NDArray[np.int64], a: FloatArray) -> FloatArray:
    order = np.argsort(n, kind="stable")
    n_sorted, a_sorted = n[order], a[order]
    b = np.ones(n.size)
    top = int(n_sorted[-1]) if n.size else 0
    starts = np.searchsorted(n_sorted, np.arange(1, top + 1), side="left")
    for k, start in enumerate(starts, start=1):
        ab = a_sorted[start:] * b[start:]
        b[start:] = ab / (k + ab)
    out = np.empty(n.size)
    out[order] = b
    return out


def erlang_b(agents: npt.ArrayLike, traffic_erlangs: npt.ArrayLike) -> FloatArray:
    """Blocking probability B(N, A), vectorised. Whole N in bulk: recurrence; otherwise log space."""
    n, a = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(agents, traffic_erlangs))
    shape = n.shape
    n, a = n.ravel(), a.ravel()
    out = np.empty(n.size)
    whole = (np.mod(n, 1.0) == 0) & (n <= _RECURRENCE_MAX_N)
    if whole.sum() < _RECURRENCE_MIN_PROBLEMS:
        whole[:] = False
    if whole.any():
        out[whole] = _erlang_b_recurrence(n[whole].astype(np.int64), a[whole])
    rest = ~whole
    if rest.any():
        out[rest] = np.exp(log_erlang_b(n[rest], a[rest]))
    return out.reshape(shape)


def erlang_b_step(agents: npt.ArrayLike, blocking: npt.ArrayLike, traffic_erlangs: npt.ArrayLike) -> FloatArray:
    """B(N+1) from B(N): the recurrence, one step (``agents`` is the new N+1)."""
    ab = np.asarray(traffic_erlangs, dtype=float) * np.asarray(blocking, dtype=float)
    return np.asarray(ab / (np.asarray(agents, dtype=float) + ab), dtype=float)


@dataclass(frozen=True)
class QueueMetrics:
    """Per-interval queue measures (NaN = undefined, shown as null)."""

    service_level: FloatArray
    wait_probability: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    abandon_probability: FloatArray


def erlang_c_from_b(agents: FloatArray, blocking: FloatArray, traffic_erlangs: FloatArray, aht_s: FloatArray,
                    answer_within_s: FloatArray) -> QueueMetrics:
    """Erlang C measures from N, B(N) and A (reference §15, steps 5-6 for N <= A and A = 0)."""
    n, b, a, aht, t = np.broadcast_arrays(agents, blocking, traffic_erlangs, aht_s, answer_within_s)
    n, b, a, aht, t = (np.asarray(x, dtype=float) for x in (n, b, a, aht, t))
    stable = (n > a) & (a > 0)
    idle = a <= 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = n - a
        wait = np.where(stable, n * b / (n - a * (1.0 - b)), np.where(idle, 0.0, 1.0))
        sl = np.where(stable, np.clip(1.0 - wait * np.exp(-gap * t / aht), 0.0, 1.0), np.where(idle, np.nan, 0.0))
        asa = np.where(stable, wait * aht / gap, np.nan)
        occ = np.where(n > 0, np.minimum(a / n, 1.0), np.nan)
    return QueueMetrics(service_level=sl, wait_probability=wait, asa_s=asa, occupancy=occ,
                        abandon_probability=np.full(n.shape, np.nan))


def erlang_c(agents: npt.ArrayLike, traffic_erlangs: npt.ArrayLike, aht_s: npt.ArrayLike,
             answer_within_s: npt.ArrayLike) -> QueueMetrics:
    """Erlang C (M/M/N) measures for real N (fractional what-ifs use the continuous Erlang B)."""
    n, a, aht, t = (np.asarray(x, dtype=float) for x in np.broadcast_arrays(agents, traffic_erlangs, aht_s,
                                                                             answer_within_s))
    return erlang_c_from_b(n, erlang_b(n, a), a, aht, t)
