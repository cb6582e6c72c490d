"""Callboard's queueing API (issue 7 item 1): import from here.

* ``required_agents(calls=, interval_s=, aht_s=, answer_within_s=, target_sl= | target_asa_s= | max_abandon=,
  max_occupancy=, shrinkage=, patience_s=) -> StaffingResult``: fewest agents per interval (arrays broadcast).
* ``evaluate(agents=, calls=, interval_s=, aht_s=, answer_within_s=, patience_s=, shrinkage=) -> StaffingResult``:
  measures for a given (possibly fractional) staffing.
* ``erlang_b``, ``log_erlang_b``, ``erlang_c``, ``erlang_a``: the raw models (QueueMetrics of arrays).
* ``pooled_required_agents`` (pooling.py): one shared pool for several queues, rounding only at the end.
* ``chat_required_agents``, ``backlog_required_agents`` (digital.py): chat with concurrency, email backlog.
* ``apply_shrinkage``, ``occupancy_floor_agents``, ``ceil_tol``, ``exact_ratio``: exact rounding rules.

See docs/erlang.md.
"""

from __future__ import annotations

from callboard.workforce.erlang_a import erlang_a
from callboard.workforce.erlang_c import QueueMetrics, erlang_b, erlang_c, log_erlang_b
from callboard.workforce.erlang_exact import apply_shrinkage, ceil_tol, exact_ratio, occupancy_floor_agents
from callboard.workforce.staffing import StaffingResult, evaluate, required_agents

__all__ = ["QueueMetrics", "StaffingResult", "apply_shrinkage", "ceil_tol", "erlang_a", "erlang_b", "erlang_c",
           "evaluate", "exact_ratio", "log_erlang_b", "occupancy_floor_agents", "required_agents"]
