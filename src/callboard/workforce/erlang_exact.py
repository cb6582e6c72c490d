"""Exact rounding for staffing: decimal ratios as fractions, integer ceilings, a tolerance-aware ceil.

Two rules, both vectorised:

* **Shrinkage** (``agents = ceil(agents_raw / (1 - s))``) is done in exact integer arithmetic: the agent count is
  an integer and the ratio ``s`` is parsed from its shortest decimal string (``repr``) as ``p/q``, so
  ``ceil(N·q / (q - p)) = (N·q + q - p - 1) // (q - p)``. 21 agents at 30% shrinkage give 30, never 31
  (floats: ``21 / 0.7 = 30.000000000000004``).
* **Occupancy cap** (``ceil(traffic / max_occupancy)``) divides a traffic that is itself a float product of the
  inputs, so it uses a *tolerance-aware* ceiling: the cap ratio is exact (``p/q``) and a quotient within
  ``CEIL_REL_TOL`` (1e-9, relative) above an integer counts as that integer. Float error is ~1e-16 relative;
  no real input is specified to 1e-9, so the tolerance never hides a real fraction of an agent.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from callboard.core.errors import InvalidInput

CEIL_REL_TOL = 1e-9
_INT64_SAFE = 2**62


def exact_ratio(value: float | str | Fraction) -> Fraction:
    """The decimal a user typed, exactly: ``0.7`` -> 7/10 (from the shortest round-trip string of a float)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise InvalidInput(f"not a number: {value!r}") from exc
    number = float(value)
    if not np.isfinite(number):
        raise InvalidInput(f"not a finite number: {value!r}")
    return Fraction(repr(number))


def ceil_tol(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Ceiling that treats values within CEIL_REL_TOL (relative, at least absolute 1e-9) above an integer as it."""
    x = np.asarray(values, dtype=float)
    slack = CEIL_REL_TOL * np.maximum(1.0, np.abs(x))
    return np.ceil(x - slack).astype(np.int64)


def apply_shrinkage(agents_raw: npt.ArrayLike, shrinkage: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Scheduled agents ``ceil(agents_raw / (1 - shrinkage))`` in exact integer arithmetic (vectorised).

    ``agents_raw`` must be whole agents; ``shrinkage`` in [0, 1), one value or one per interval.
    """
    raw = np.asarray(agents_raw)
    if raw.size and not np.all(np.equal(np.mod(raw, 1), 0)):
        raise InvalidInput("shrinkage applies to whole agents; round agents_raw first")
    raw_i = raw.astype(np.int64)
    shrink = np.asarray(shrinkage, dtype=float)
    raw_b, shrink_b = np.broadcast_arrays(raw_i, shrink)
    out = np.empty(raw_b.shape, dtype=np.int64)
    for s in np.unique(shrink_b):
        frac = exact_ratio(float(s))
        if not 0 <= frac < 1:
            raise InvalidInput(f"shrinkage must be in [0, 1): {float(s)}", hint="a fraction: 0.3, not 30")
        p, q = frac.numerator, frac.denominator
        mask = shrink_b == s
        n = raw_b[mask]
        if n.size and int(n.max()) * q < _INT64_SAFE:
            out[mask] = (n * q + (q - p) - 1) // (q - p)
        else:  # huge denominators: Python integers, still exact
            out[mask] = [(int(k) * q + (q - p) - 1) // (q - p) for k in n]
    return out


def occupancy_floor_agents(traffic_erlangs: npt.ArrayLike, max_occupancy: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Fewest agents keeping occupancy ``traffic / agents`` at or under the cap: tolerance-aware ceil."""
    traffic = np.asarray(traffic_erlangs, dtype=float)
    cap = np.asarray(max_occupancy, dtype=float)
    traffic_b, cap_b = np.broadcast_arrays(traffic, cap)
    out = np.empty(traffic_b.shape, dtype=np.int64)
    for c in np.unique(cap_b):
        frac = exact_ratio(float(c))
        if not 0 < frac <= 1:
            raise InvalidInput(f"max_occupancy must be in (0, 1]: {float(c)}", hint="a fraction: 0.85, not 85")
        mask = cap_b == c
        out[mask] = ceil_tol(traffic_b[mask] * frac.denominator / frac.numerator)
    return out
