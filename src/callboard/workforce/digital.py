"""Digital channels: chat with concurrency, and email (deferred work) backlog staffing.

* **Chat**: an agent works ``concurrency`` chats at once, so each agent is that many servers ("slots") of an
  Erlang queue whose service time is ``handle_s`` (one chat's elapsed handling time at that concurrency). The
  fewest slots meeting the target (then the occupancy cap on slots) become agents = ceil(slots / concurrency),
  exact (the concurrency is read as a decimal p/q); the measures are those of agents x concurrency slots.
* **Email backlog**: every item must be finished within ``clear_within_s`` of arriving (arrivals counted at
  the start of their interval: conservative). Each interval's work (items x aht_s) is spread evenly over its
  window [arrival, arrival + clear_within_s]; summing the spreads gives a capacity that meets every deadline
  (at any time the capacity delivered so far covers all work already due), and is smooth. The opening backlog
  is due ``clear_within_s`` after the start. Work spread past the horizon is reported, not dropped.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from callboard.core.errors import InvalidInput
from callboard.workforce.erlang_c import FloatArray
from callboard.workforce.erlang_exact import apply_shrinkage, exact_ratio, occupancy_floor_agents
from callboard.workforce.staffing import IntArray, StaffingResult, evaluate, required_agents


@dataclass(frozen=True)
class ChatStaffingResult:
    concurrency: float
    slots_raw: FloatArray  # Erlang servers (chats handled at once) before rounding to whole agents
    staffing: StaffingResult  # agents_raw = chat agents on line; measures at agents_raw x concurrency slots


def _ceil_div_ratio(values: FloatArray, ratio: float) -> IntArray:
    frac = exact_ratio(ratio)
    if frac <= 0:
        raise InvalidInput("concurrency must be > 0")
    p, q = frac.numerator, frac.denominator  # ceil(n / (p/q)) = ceil(n·q / p)
    n = values.astype(np.int64)
    return np.asarray((n * q + p - 1) // p, dtype=np.int64)


def chat_required_agents(*, chats: npt.ArrayLike, interval_s: npt.ArrayLike, handle_s: npt.ArrayLike,
                         answer_within_s: npt.ArrayLike, concurrency: float, target_sl: npt.ArrayLike | None = None,
                         target_asa_s: npt.ArrayLike | None = None, max_abandon: npt.ArrayLike | None = None,
                         max_occupancy: float | None = None, shrinkage: npt.ArrayLike = 0.0,
                         patience_s: npt.ArrayLike | None = None) -> ChatStaffingResult:
    """Chat agents per interval: Erlang on slots, then whole agents, then shrinkage (all exact)."""
    slots = required_agents(calls=chats, interval_s=interval_s, aht_s=handle_s, answer_within_s=answer_within_s,
                            target_sl=target_sl, target_asa_s=target_asa_s, max_abandon=max_abandon,
                            max_occupancy=max_occupancy, patience_s=patience_s)
    agents_raw = _ceil_div_ratio(slots.agents_raw, concurrency).astype(float)
    at = evaluate(agents=agents_raw * concurrency, calls=chats, interval_s=interval_s, aht_s=handle_s,
                  answer_within_s=answer_within_s, patience_s=patience_s)
    staffing = dataclasses.replace(at, agents_for_target=slots.agents_for_target, agents_raw=agents_raw,
                                   agents=apply_shrinkage(agents_raw, np.broadcast_to(shrinkage, agents_raw.shape)))
    return ChatStaffingResult(concurrency=float(concurrency), slots_raw=slots.agents_raw, staffing=staffing)


@dataclass(frozen=True)
class BacklogResult:
    workload_s: FloatArray  # handling work needed in each interval (agent-seconds)
    agents_fractional: FloatArray  # workload_s / interval_s
    agents_raw: IntArray  # whole agents after the occupancy cap
    agents: IntArray  # after shrinkage, exact
    carried_over_s: float  # work due after the last interval (spread beyond the horizon)


def backlog_required_agents(*, items: npt.ArrayLike, interval_s: float, aht_s: npt.ArrayLike,
                            clear_within_s: float, backlog_items: float = 0.0, max_occupancy: float | None = None,
                            shrinkage: npt.ArrayLike = 0.0) -> BacklogResult:
    """Agents per interval so every item (and the opening backlog) is handled within ``clear_within_s``."""
    arrivals = np.asarray(items, dtype=float)
    if arrivals.ndim != 1 or np.any(arrivals < 0) or backlog_items < 0:
        raise InvalidInput("items: one non-negative count per interval; backlog_items >= 0")
    if not interval_s > 0 or not clear_within_s > 0:
        raise InvalidInput("interval_s and clear_within_s must be > 0")
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), arrivals.shape)
    work = np.where(arrivals > 0, arrivals * aht, 0.0)
    if backlog_items:
        work = work.copy()
        work[0] += backlog_items * float(aht[0])
    span = int(np.ceil(clear_within_s / interval_s - 1e-12))
    starts = np.arange(span) * interval_s
    kernel = (np.minimum(starts + interval_s, clear_within_s) - starts) / clear_within_s  # sums to 1
    spread = np.convolve(work, kernel)
    load_s = spread[: arrivals.size]
    carried = float(spread[arrivals.size:].sum())
    fractional = load_s / interval_s
    raw = occupancy_floor_agents(fractional, 1.0 if max_occupancy is None else max_occupancy)
    return BacklogResult(workload_s=load_s, agents_fractional=fractional, agents_raw=raw,
                         agents=apply_shrinkage(raw, np.broadcast_to(shrinkage, raw.shape)), carried_over_s=carried)
