"""Required agents and what-if evaluation, vectorised over intervals (reference §15 staffing steps).

``required_agents`` searches the fewest whole agents meeting every given target (service level, ASA,
abandonment), then applies the occupancy cap and shrinkage with exact rounding (erlang_exact). ``evaluate``
reports the measures for a given (possibly fractional) staffing. Without ``patience_s`` the model is Erlang C;
with it, Erlang A. Every argument broadcasts (one value or one per interval).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from callboard.core.errors import InvalidInput
from callboard.workforce.erlang_a import erlang_a
from callboard.workforce.erlang_c import FloatArray, QueueMetrics, erlang_b, erlang_b_step, erlang_c_from_b
from callboard.workforce.erlang_exact import apply_shrinkage, ceil_tol, exact_ratio, occupancy_floor_agents

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class StaffingResult:
    """One entry per interval (arrays of the broadcast input shape). NaN means undefined (null in JSON)."""

    model: str  # "erlang_c" or "erlang_a"
    calls: FloatArray
    traffic_erlangs: FloatArray
    agents_for_target: FloatArray  # fewest agents meeting the targets (before the occupancy cap); = agents_raw in evaluate
    agents_raw: FloatArray  # agents on the phones (after the occupancy cap, before shrinkage); may be fractional in evaluate
    agents: IntArray  # scheduled agents after shrinkage: ceil(agents_raw / (1 - shrinkage)), exact
    service_level: FloatArray
    wait_probability: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    abandon_probability: FloatArray  # NaN for Erlang C (no patience)

    def record(self, index: int | tuple[int, ...] = ()) -> dict[str, Any]:
        """One interval as a JSON-ready dict (NaN -> None, whole numbers -> int)."""
        out: dict[str, Any] = {"model": self.model}
        for f in fields(self):
            if f.name == "model":
                continue
            value = float(np.asarray(getattr(self, f.name))[index])
            if math.isnan(value):
                out[f.name] = None
            elif f.name in ("agents", "agents_raw", "agents_for_target") and value.is_integer():
                out[f.name] = int(value)
            else:
                out[f.name] = value
        if self.model == "erlang_c":
            out.pop("abandon_probability")
        return out

    def records(self) -> list[dict[str, Any]]:
        return [self.record(i) for i in np.ndindex(self.agents.shape)]


@dataclass(frozen=True)
class _Inputs:
    calls: FloatArray
    interval_s: FloatArray
    aht_s: FloatArray
    answer_within_s: FloatArray
    patience_s: FloatArray | None
    traffic: FloatArray


def _inputs(calls: npt.ArrayLike, interval_s: npt.ArrayLike, aht_s: npt.ArrayLike, answer_within_s: npt.ArrayLike,
            patience_s: npt.ArrayLike | None, *extra: npt.ArrayLike) -> tuple[_Inputs, tuple[FloatArray, ...]]:
    arrays = [calls, interval_s, aht_s, answer_within_s, *extra]
    if patience_s is not None:
        arrays.append(patience_s)
    b = [np.asarray(x, dtype=float) for x in np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in arrays])]
    c, interval, aht, within = b[:4]
    pat = b[-1] if patience_s is not None else None
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        raise InvalidInput("calls must be finite and >= 0")
    if np.any(~(interval > 0)):
        raise InvalidInput("interval_s must be > 0")
    busy = c > 0
    if np.any(~(aht[busy] > 0)) or np.any(~np.isfinite(aht[busy])):
        raise InvalidInput("aht_s must be > 0 where calls > 0")
    if np.any(~(within >= 0)):
        raise InvalidInput("answer_within_s must be >= 0")
    if pat is not None and np.any(~(pat > 0)):
        raise InvalidInput("patience_s must be > 0", hint="leave it out for Erlang C (no abandonment)")
    aht = np.where(busy, aht, 1.0)
    traffic = np.where(busy, c * aht / interval, 0.0)
    return _Inputs(c, interval, aht, within, pat, traffic), tuple(b[4:4 + len(extra)])


def _metrics(agents: FloatArray, inp: _Inputs) -> QueueMetrics:
    if inp.patience_s is None:
        return erlang_c_from_b(agents, erlang_b(agents, inp.traffic), inp.traffic, inp.aht_s, inp.answer_within_s)
    return erlang_a(agents, inp.traffic, inp.aht_s, inp.patience_s, inp.answer_within_s)


def _meets(m: QueueMetrics, sl: FloatArray, asa: FloatArray, abandon: FloatArray) -> npt.NDArray[np.bool_]:
    ok_sl = np.isnan(sl) | (m.service_level >= sl)
    ok_asa = np.isnan(asa) | (m.asa_s <= asa)
    ok_ab = np.isnan(abandon) | (m.abandon_probability <= abandon)
    return np.asarray(ok_sl & ok_asa & ok_ab)


def _search_erlang_c(inp: _Inputs, sl: FloatArray, asa: FloatArray) -> FloatArray:
    """Step 1: from N = floor(A) + 1 upward, B(N) from B(N-1) by the recurrence (all intervals at once)."""
    a = inp.traffic.ravel()
    n = np.where(a > 0, np.floor(a) + 1.0, 0.0)
    b = erlang_b(n, a)
    sl_f, asa_f = sl.ravel(), asa.ravel()
    ratio = (inp.answer_within_s / inp.aht_s).ravel()
    aht = inp.aht_s.ravel()
    idx = np.nonzero(a > 0)[0]
    while idx.size:
        ni, bi, ai = n[idx], b[idx], a[idx]
        gap = ni - ai
        wait = ni * bi / (ni - ai * (1.0 - bi))
        ok = np.ones(idx.size, dtype=bool)
        s, q = sl_f[idx], asa_f[idx]
        has_sl = ~np.isnan(s)
        if has_sl.any():
            ok &= ~has_sl | (1.0 - wait * np.exp(-gap * ratio[idx]) >= s)
        has_asa = ~np.isnan(q)
        if has_asa.any():
            ok &= ~has_asa | (wait * aht[idx] / gap <= q)
        idx = idx[~ok]
        n[idx] += 1.0
        b[idx] = erlang_b_step(n[idx], b[idx], a[idx])
    return n.reshape(inp.traffic.shape)


def _subset(inp: _Inputs, idx: npt.NDArray[np.intp]) -> _Inputs:
    def take(x: FloatArray) -> FloatArray:
        return np.broadcast_to(x, inp.traffic.shape).ravel()[idx]
    return _Inputs(take(inp.calls), take(inp.interval_s), take(inp.aht_s), take(inp.answer_within_s),
                   None if inp.patience_s is None else take(inp.patience_s), take(inp.traffic))


def _search_erlang_a(inp: _Inputs, sl: FloatArray, asa: FloatArray, abandon: FloatArray) -> FloatArray:
    """Smallest whole N meeting the targets (every measure is monotone in N): bracket, then bisection.

    The bracket starts from the Erlang C answer when there is an SL or ASA target (abandonment usually lowers
    the need) and a window of 2·sqrt(A) + 5 below it; where a guess is wrong it widens (doubling / down to 0).
    Only unresolved intervals are evaluated at each step.
    """
    shape = inp.traffic.shape
    a = inp.traffic.ravel()
    sl_f, asa_f, ab_f = (np.broadcast_to(x, shape).ravel() for x in (sl, asa, abandon))

    def meets(n: FloatArray, idx: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        return _meets(_metrics(n, _subset(inp, idx)), sl_f[idx], asa_f[idx], ab_f[idx])

    hi = np.where(a > 0, np.ceil(a) + 1.0, 0.0)
    has_c = ~np.isnan(sl_f) | ~np.isnan(asa_f)
    if has_c.any():
        c_inp = dataclasses.replace(inp, patience_s=None)
        n_c = _search_erlang_c(c_inp, np.where(np.isnan(sl_f), np.nan, sl_f).reshape(shape),
                               np.where(np.isnan(asa_f), np.nan, asa_f).reshape(shape)).ravel()
        hi = np.where(has_c & (a > 0), np.maximum(n_c, 1.0), hi)
    lo = np.full(a.size, -1.0)
    idx = np.nonzero(a > 0)[0]
    for _ in range(64):  # make hi feasible
        if not idx.size:
            break
        ok = meets(hi[idx], idx)
        lo[idx[~ok]] = hi[idx[~ok]]
        idx = idx[~ok]
        hi[idx] *= 2.0
    else:
        raise InvalidInput("no staffing meets the targets")
    guess = np.where(a > 0, np.maximum(hi - np.ceil(2.0 * np.sqrt(a) + 5.0), lo), lo)
    idx = np.nonzero((guess > lo) & (a > 0))[0]
    if idx.size:
        ok = meets(guess[idx], idx)
        lo[idx[~ok]] = guess[idx[~ok]]
        hi[idx[ok]] = guess[idx[ok]]  # lower than expected: search below it from -1
    idx = np.nonzero(hi - lo > 1)[0]
    while idx.size:
        mid = np.floor((lo[idx] + hi[idx]) / 2.0)
        ok = meets(np.maximum(mid, 0.0), idx)
        hi[idx[ok]] = mid[ok]
        lo[idx[~ok]] = mid[~ok]
        idx = idx[hi[idx] - lo[idx] > 1]
    return hi.reshape(shape)


def _target(value: npt.ArrayLike | None, name: str, low: float, high: float, inclusive_high: bool) -> FloatArray:
    if value is None:
        return np.asarray(np.nan)
    arr = np.asarray(value, dtype=float)
    bad = ~(arr >= low) | (arr > high) | ((arr == high) & (not inclusive_high))
    if np.any(bad):
        edge = "]" if inclusive_high else ")"
        raise InvalidInput(f"{name} must be in [{low:g}, {high:g}{edge}", hint="ratios are fractions: 0.8, not 80")
    return arr


def required_agents(*, calls: npt.ArrayLike, interval_s: npt.ArrayLike, aht_s: npt.ArrayLike,
                    answer_within_s: npt.ArrayLike, target_sl: npt.ArrayLike | None = None,
                    target_asa_s: npt.ArrayLike | None = None, max_abandon: npt.ArrayLike | None = None,
                    max_occupancy: npt.ArrayLike | None = None, shrinkage: npt.ArrayLike = 0.0,
                    patience_s: npt.ArrayLike | None = None) -> StaffingResult:
    """Fewest agents per interval meeting every given target, then the occupancy cap, then shrinkage.

    Zero-volume intervals need 0 agents. ``max_abandon`` needs ``patience_s`` (Erlang A).
    """
    if target_sl is None and target_asa_s is None and max_abandon is None:
        raise InvalidInput("give a target: target_sl, target_asa_s or max_abandon")
    if max_abandon is not None and patience_s is None:
        raise InvalidInput("max_abandon needs patience_s", hint="Erlang C has no abandonment; give --patience-s")
    sl = _target(target_sl, "target_sl", 0.0, 1.0, inclusive_high=False)
    asa = np.asarray(np.nan) if target_asa_s is None else np.asarray(target_asa_s, dtype=float)
    if target_asa_s is not None and np.any(~(asa > 0)):
        raise InvalidInput("target_asa_s must be > 0")
    abandon = _target(max_abandon, "max_abandon", 0.0, 1.0, inclusive_high=True)
    if max_abandon is not None and np.any(abandon <= 0):
        raise InvalidInput("max_abandon must be > 0 (some callers always abandon when patience is finite)")
    cap = _target(max_occupancy if max_occupancy is not None else 1.0, "max_occupancy", 0.0, 1.0, True)
    inp, (sl, asa, abandon, cap, shrink) = _inputs(calls, interval_s, aht_s, answer_within_s, patience_s,
                                                   sl, asa, abandon, cap, shrinkage)
    if patience_s is None:
        n_target = _search_erlang_c(inp, sl, asa)
    else:
        n_target = _search_erlang_a(inp, sl, asa, abandon)
    n_raw = np.where(inp.traffic > 0, np.maximum(n_target, occupancy_floor_agents(inp.traffic, cap)), 0.0)
    m = _metrics(n_raw, inp)
    return StaffingResult(
        model="erlang_c" if patience_s is None else "erlang_a", calls=inp.calls, traffic_erlangs=inp.traffic,
        agents_for_target=n_target, agents_raw=n_raw, agents=apply_shrinkage(n_raw, shrink),
        service_level=m.service_level, wait_probability=m.wait_probability, asa_s=m.asa_s, occupancy=m.occupancy,
        abandon_probability=m.abandon_probability)


def evaluate(*, agents: npt.ArrayLike, calls: npt.ArrayLike, interval_s: npt.ArrayLike, aht_s: npt.ArrayLike,
             answer_within_s: npt.ArrayLike, patience_s: npt.ArrayLike | None = None,
             shrinkage: npt.ArrayLike = 0.0) -> StaffingResult:
    """Measures for a given staffing: ``agents`` on the phones (fractional what-ifs allowed).

    Under-staffed (N <= traffic, Erlang C): service level 0, wait probability 1, ASA undefined (NaN).
    ``agents`` in the result is the scheduled count after shrinkage (exact for whole agents).
    """
    inp, (n, shrink) = _inputs(calls, interval_s, aht_s, answer_within_s, patience_s, agents, shrinkage)
    if np.any(~(n >= 0)) or np.any(~np.isfinite(n)):
        raise InvalidInput("agents must be finite and >= 0")
    m = _metrics(n, inp)
    whole = np.mod(n, 1.0) == 0
    if whole.all():
        scheduled = apply_shrinkage(n, shrink)
    else:
        scheduled = np.empty(n.shape, dtype=np.int64)
        scheduled[whole] = apply_shrinkage(n[whole], shrink[whole])
        part = ~whole
        for s in np.unique(shrink[part]):
            frac = exact_ratio(float(s))
            if not 0 <= frac < 1:
                raise InvalidInput("shrinkage must be in [0, 1)")
            mask = part & (shrink == s)
            scheduled[mask] = ceil_tol(n[mask] * frac.denominator / (frac.denominator - frac.numerator))
    return StaffingResult(
        model="erlang_c" if patience_s is None else "erlang_a", calls=inp.calls, traffic_erlangs=inp.traffic,
        agents_for_target=n, agents_raw=n, agents=scheduled, service_level=m.service_level,
        wait_probability=m.wait_probability, asa_s=m.asa_s, occupancy=m.occupancy,
        abandon_probability=m.abandon_probability)
