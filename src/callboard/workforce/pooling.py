"""Multi-skill pooling: several queues served by one shared pool of agents, rounding only at the end.

In a shared FIFO pool every queue sees the same wait, so the pool is one M/M/N (Erlang C, or Erlang A with
patience) with the summed calls and the workload-weighted AHT. The pool needs the fewest whole agents that meet
every queue's target at that queue's threshold; the occupancy cap and shrinkage apply once, to the pool total.
Each queue's share of the pool is reported as a *fraction of agents* (by workload), never rounded per queue:
rounding each queue first over-staffs (pyworkforce #41). ``separate_agents_raw`` staffs each queue alone, for
the comparison.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from callboard.core.errors import InvalidInput
from callboard.workforce.erlang_c import FloatArray
from callboard.workforce.erlang_exact import occupancy_floor_agents
from callboard.workforce.staffing import StaffingResult, evaluate, required_agents


@dataclass(frozen=True)
class PoolResult:
    """Per interval (pool) and per queue x interval (shares), queues on axis 0."""

    pool: StaffingResult  # the shared pool: agents_raw, agents (after shrinkage), measures at the strictest T
    pooled_aht_s: FloatArray  # (intervals,) workload-weighted AHT
    service_level_by_queue: FloatArray  # (queues, intervals): the pool's SL at each queue's threshold
    agents_share: FloatArray  # (queues, intervals): fractional agents per queue, by workload; sums to agents_raw
    separate_agents_raw: FloatArray  # (queues, intervals): each queue staffed alone (whole agents each)

    @property
    def pooling_saving_agents(self) -> FloatArray:
        """Agents on the phones saved per interval by pooling instead of staffing the queues separately."""
        return np.asarray(self.separate_agents_raw.sum(axis=0) - self.pool.agents_raw, dtype=float)


def pooled_required_agents(*, calls: npt.ArrayLike, interval_s: float, aht_s: npt.ArrayLike,
                           answer_within_s: npt.ArrayLike, target_sl: npt.ArrayLike | None = None,
                           target_asa_s: npt.ArrayLike | None = None, max_occupancy: float | None = None,
                           shrinkage: npt.ArrayLike = 0.0, patience_s: float | None = None) -> PoolResult:
    """``calls``: (queues, intervals); ``aht_s``: the same shape, or one per queue; ``answer_within_s``, ``target_sl``, ``target_asa_s``: one per
    queue (or one for all). Returns the pool's staffing per interval and each queue's fractional share."""
    c = np.atleast_2d(np.asarray(calls, dtype=float))
    queues, intervals = c.shape
    aht_in = np.asarray(aht_s, dtype=float)
    if aht_in.ndim == 1:  # one AHT per queue
        if aht_in.size != queues:
            raise InvalidInput(f"aht_s: one value per queue ({queues}), or a (queues, intervals) array")
        aht_in = aht_in[:, None]
    aht = np.broadcast_to(aht_in, c.shape)
    if target_sl is None and target_asa_s is None:
        raise InvalidInput("give target_sl and/or target_asa_s for the pooled queues")
    per_queue = np.broadcast_to(np.asarray(answer_within_s, dtype=float), (queues,))
    sl = None if target_sl is None else np.broadcast_to(np.asarray(target_sl, dtype=float), (queues,))
    asa = None if target_asa_s is None else np.broadcast_to(np.asarray(target_asa_s, dtype=float), (queues,))
    work = np.where(c > 0, c * np.where(c > 0, aht, 0.0), 0.0)
    total_calls = c.sum(axis=0)
    pooled_aht = np.where(total_calls > 0, work.sum(axis=0) / np.where(total_calls > 0, total_calls, 1.0), np.nan)
    need = np.zeros(intervals)
    for q in range(queues):
        r = required_agents(calls=total_calls, interval_s=interval_s, aht_s=pooled_aht,
                            answer_within_s=per_queue[q], target_sl=None if sl is None else sl[q],
                            target_asa_s=None if asa is None else asa[q], patience_s=patience_s)
        need = np.maximum(need, r.agents_for_target)
    traffic = np.where(total_calls > 0, work.sum(axis=0) / interval_s, 0.0)
    cap = 1.0 if max_occupancy is None else max_occupancy
    raw = np.where(traffic > 0, np.maximum(need, occupancy_floor_agents(traffic, cap)), 0.0)
    pool = evaluate(agents=raw, calls=total_calls, interval_s=interval_s, aht_s=pooled_aht,
                    answer_within_s=per_queue.min(), patience_s=patience_s, shrinkage=shrinkage)
    pool = dataclasses.replace(pool, agents_for_target=need)
    by_queue = evaluate(agents=raw[None, :], calls=total_calls[None, :], interval_s=interval_s,
                        aht_s=pooled_aht[None, :], answer_within_s=per_queue[:, None], patience_s=patience_s)
    total_work = work.sum(axis=0)
    share = np.where(total_work > 0, raw * work / np.where(total_work > 0, total_work, 1.0), 0.0)
    separate = required_agents(calls=c, interval_s=interval_s, aht_s=aht, answer_within_s=per_queue[:, None],
                               target_sl=None if sl is None else sl[:, None],
                               target_asa_s=None if asa is None else asa[:, None], max_occupancy=max_occupancy,
                               patience_s=patience_s)
    return PoolResult(pool=pool, pooled_aht_s=pooled_aht, service_level_by_queue=by_queue.service_level,
                      agents_share=share, separate_agents_raw=separate.agents_raw)
