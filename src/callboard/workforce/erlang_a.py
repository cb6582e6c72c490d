"""Erlang A (M/M/N+M: exponential patience), vectorised (reference §15).

Birth-death chain on k contacts in the system. In units of π_N (the chain's mass at k = N), with
a = Nμ/θ and b = λ/θ (μ = 1/AHT, θ = 1/patience):

* below N:  L = Σ_{k<N} π_k = 1/B(N, A) - 1            (Erlang B, log space)
* queue:    t_j = π_{N+j} = Π_{i=1..j} b/(a+i),  W = Σ_j t_j   (log-space cumulative sums, truncated once the
  terms fall below e^-45 of the peak)
* answered: t_j·a/(a+j+1) (the telescoped chance that a contact with j ahead is not abandoned)
* answered within T: the sum of t_j·a/(a+j+1)·F_j(T) over the hypoexponential F_j has the closed form
  M - a/(a+1)·exp(b - y - θT - NμT)·S(a+1, y),  y = b·e^{-θT},  S(c, y) = Σ_k y^k / Π_{i=1..k}(c+i)
  (the incomplete-gamma identity of Garnett, Mandelbaum & Reiman; the tests check it against an independent
  uniformization of the chain).
* abandon: θ·Σ_j j·t_j / λ;  ASA over answered contacts: Σ_j t_j·a/(a+j+1)·Σ_{m=1..j+1} 1/(Nμ+mθ).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from callboard.workforce.erlang_c import FloatArray, QueueMetrics, log_erlang_b

_CELLS_PER_CHUNK = 1_500_000
_TAIL_LOG = 45.0


def _terms_needed(a: FloatArray, b: FloatArray) -> npt.NDArray[np.int64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        decay = np.where(a > b, _TAIL_LOG * b / np.maximum(a - b, 1e-300), np.inf)
    tail = np.minimum(decay, np.sqrt(2.2 * _TAIL_LOG * np.maximum(b, 0.0)) + 2.0)
    return np.ceil(np.maximum(b - a, 0.0) + tail + 5.0).astype(np.int64)


def _log_sum_cumprod(steps: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Terms t_0 = 1, t_j = exp(Σ_{i<=j} steps_i): returns (row max of log t, exp(log t - max))."""
    log_t = np.zeros((steps.shape[0], steps.shape[1] + 1))
    np.cumsum(steps, axis=1, out=log_t[:, 1:])
    top = log_t.max(axis=1)
    return top, np.exp(log_t - top[:, None])


def _chunk(a: FloatArray, b: FloatArray, theta_t: FloatArray, mu_t: FloatArray, patience_s: FloatArray,
           terms: int) -> dict[str, FloatArray]:
    j = np.arange(terms + 1, dtype=float)[None, :]
    a2 = a[:, None]
    log = np.log
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        top, e = _log_sum_cumprod(log(b)[:, None] - log(a2 + j[:, 1:]))
        inv_rate = 1.0 / (a2 + j + 1.0)
        e_served = e * (a2 * inv_rate)  # share not abandoned: Nμ/(Nμ + (j+1)θ)
        mean_wait = np.cumsum(inv_rate, axis=1) * patience_s[:, None]  # Σ_{m<=j+1} 1/(Nμ+mθ)
        y = b * np.exp(-theta_t)
        top_y, e_y = _log_sum_cumprod(log(y)[:, None] - log(a2 + 1.0 + j[:, 1:]))
        log_late = log(a) - log(a + 1.0) + b - y - theta_t - mu_t + top_y + log(e_y.sum(axis=1))
        return {"log_w": top + log(e.sum(axis=1)), "log_m": top + log(e_served.sum(axis=1)),
                "log_jt": top + log((e * j).sum(axis=1)),
                "log_wait_served": top + log((e_served * mean_wait).sum(axis=1)), "log_late": log_late}


def _queue_sums(a: FloatArray, b: FloatArray, theta_t: FloatArray, mu_t: FloatArray,
                patience_s: FloatArray) -> dict[str, FloatArray]:
    """The series for every interval, in groups of similar length (sorted), each group under a cell budget."""
    terms = _terms_needed(a, b)
    order = np.argsort(terms, kind="stable")
    sorted_terms = terms[order]
    keys = ("log_w", "log_m", "log_jt", "log_wait_served", "log_late")
    out = {k: np.empty(a.size) for k in keys}
    start = 0
    while start < a.size:
        limit = int(sorted_terms[start] * 1.5) + 16  # similar lengths only: little padding
        stop = int(np.searchsorted(sorted_terms, limit, side="right"))
        stop = max(start + 1, min(stop, start + max(1, _CELLS_PER_CHUNK // (limit + 1))))
        idx = order[start:stop]
        part = _chunk(a[idx], b[idx], theta_t[idx], mu_t[idx], patience_s[idx], int(sorted_terms[stop - 1]))
        for k in keys:
            out[k][idx] = part[k]
        start = stop
    return out


def erlang_a(agents: npt.ArrayLike, traffic_erlangs: npt.ArrayLike, aht_s: npt.ArrayLike,
             patience_s: npt.ArrayLike, answer_within_s: npt.ArrayLike) -> QueueMetrics:
    """Erlang A measures for real N >= 0 (any N is stable when patience is finite)."""
    n, a_erl, aht, pat, t = (np.asarray(x, dtype=float).ravel() for x in
                             np.broadcast_arrays(agents, traffic_erlangs, aht_s, patience_s, answer_within_s))
    shape = np.broadcast_shapes(*(np.shape(x) for x in (agents, traffic_erlangs, aht_s, patience_s,
                                                          answer_within_s)))
    size = n.size
    sl = np.full(size, np.nan)
    wait = np.zeros(size)
    asa = np.full(size, np.nan)
    abandon = np.zeros(size)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, 0.0, np.nan)
    busy = a_erl > 0
    if busy.any():
        nb, ab, ahtb, patb, tb = n[busy], a_erl[busy], aht[busy], pat[busy], t[busy]
        a_ = nb * patb / ahtb  # Nμ/θ
        b_ = ab * patb / ahtb  # λ/θ
        sums = _queue_sums(a_, b_, tb / patb, nb * tb / ahtb, patb)
        log_b = log_erlang_b(nb, ab)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_l = np.where(nb > 0, np.log1p(-np.exp(log_b)) - log_b, -np.inf)
            log_total = np.logaddexp(log_l, sums["log_w"])
            wait_b = np.exp(sums["log_w"] - log_total)
            answered = np.exp(sums["log_m"] - log_total)
            late = np.where(nb > 0, np.exp(sums["log_late"] - log_total), 0.0)
            below = np.exp(log_l - log_total)
            sl_b = np.clip(below + np.maximum(answered - late, 0.0), 0.0, 1.0)
            abandon_b = np.clip(np.exp(sums["log_jt"] - np.log(b_) - log_total), 0.0, 1.0)
            served = below + answered
            asa_b = np.where(served > 0, np.exp(sums["log_wait_served"] - log_total) / served, np.nan)
            occ_b = np.where(nb > 0, np.minimum(ab * (1.0 - abandon_b) / nb, 1.0), np.nan)
        sl[busy], wait[busy], abandon[busy], asa[busy], occ[busy] = sl_b, wait_b, abandon_b, asa_b, occ_b
    return QueueMetrics(service_level=sl.reshape(shape), wait_probability=wait.reshape(shape),
                        asa_s=asa.reshape(shape), occupancy=occ.reshape(shape),
                        abandon_probability=abandon.reshape(shape))
