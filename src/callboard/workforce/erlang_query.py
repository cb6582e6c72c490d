"""One interval, as the CLI (`callboard erlang`) and the API (/api/v1/erlang) answer it: same names, same JSON."""

from __future__ import annotations

from typing import Any

import numpy as np

from callboard.workforce.staffing import evaluate, required_agents


def erlang_answer(*, calls: float, interval_s: float, aht_s: float, answer_within_s: float,
                  target_sl: float | None = None, target_asa_s: float | None = None,
                  max_abandon: float | None = None, max_occupancy: float | None = None, shrinkage: float = 0.0,
                  patience_s: float | None = None, agents: float | None = None) -> dict[str, Any]:
    """Search the staffing for the targets, or (``agents`` given) evaluate that many agents on the phones.

    Keys: model, inputs, traffic_erlangs, agents_raw, agents (after shrinkage), service_level, wait_probability,
    asa_s, occupancy, abandon_probability (with patience_s), and with ``agents`` plus targets ``meets_targets``.
    """
    common: dict[str, Any] = {"calls": calls, "interval_s": interval_s, "aht_s": aht_s,
                              "answer_within_s": answer_within_s, "shrinkage": shrinkage, "patience_s": patience_s}
    if agents is None:
        result = required_agents(target_sl=target_sl, target_asa_s=target_asa_s, max_abandon=max_abandon,
                                 max_occupancy=max_occupancy, **common)
        mode = "required"
    else:
        result = evaluate(agents=agents, **common)
        mode = "evaluate"
    record = result.record()
    out: dict[str, Any] = {"mode": mode, "model": record["model"], "calls": calls, "interval_s": interval_s,
                           "aht_s": aht_s, "answer_within_s": answer_within_s, "target_sl": target_sl,
                           "target_asa_s": target_asa_s, "max_abandon": max_abandon, "max_occupancy": max_occupancy,
                           "shrinkage": shrinkage, "patience_s": patience_s,
                           "traffic_erlangs": record["traffic_erlangs"]}
    if mode == "required":
        out["agents_for_target"] = record["agents_for_target"]
    for key in ("agents_raw", "agents", "service_level", "wait_probability", "asa_s", "occupancy"):
        out[key] = record[key]
    if patience_s is not None:
        out["abandon_probability"] = record["abandon_probability"]
    if mode == "evaluate" and any(x is not None for x in (target_sl, target_asa_s, max_abandon)):
        out["meets_targets"] = _meets(out, target_sl, target_asa_s, max_abandon, max_occupancy)
    return out


def _meets(out: dict[str, Any], target_sl: float | None, target_asa_s: float | None, max_abandon: float | None,
           max_occupancy: float | None) -> bool:
    if out["calls"] == 0:
        return True
    checks = [target_sl is None or (out["service_level"] or 0.0) >= target_sl,
              target_asa_s is None or (out["asa_s"] is not None and out["asa_s"] <= target_asa_s),
              max_abandon is None or (out.get("abandon_probability", np.nan) or 0.0) <= max_abandon,
              max_occupancy is None or (out["occupancy"] is not None and out["occupancy"] <= max_occupancy)]
    return all(checks)
