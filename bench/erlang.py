"""Erlang C staffing benchmark: Callboard vs pyworkforce 0.5.1 on the same 4,800 problems, in one run.

    cd /work/main && uv run python bench/erlang.py                # 96 intervals x 50 queues, 5 repeats
    options: --intervals N, --queues N, --repeats N, --seed S, --max-occupancy O, --shrinkage H,
             --pyworkforce-repeats N

1. Builds 96 thirty-minute intervals x 50 queues (deterministic seed): a two-peak daily curve per queue with
   its own scale (1-400 calls per interval, never 0: pyworkforce rejects zero volume), whole-second AHTs
   120-600 s, T = 20 s, SL target 80%, max occupancy 85%, shrinkage 30%.
2. Solves every problem with `callboard.workforce.erlang.required_agents` (one vectorised call) and with
   `pyworkforce.queuing.ErlangC(...).required_positions(...)` (one call per problem; its units are minutes).
3. Compares: raw agents (on the phones, after the occupancy cap) and positions (after shrinkage) per problem.
   Any difference is checked in exact rational arithmetic (fractions.Fraction): a difference is "float ceil"
   when pyworkforce's value is the float ceiling and Callboard's the exact one; anything else is a failure.
4. Times `--repeats` rounds of each (medians). Exit 1 unless raw agents agree on every problem (apart from
   float-ceil cases, listed) and Callboard is at least 50x faster. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
from fractions import Fraction
from typing import Any

import numpy as np


def problems(intervals: int, queues: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """calls[q, i], aht_s[q, i]: whole calls and whole seconds, as a forecast rounded for planners."""
    rng = np.random.default_rng(seed)
    hours = np.arange(intervals) * 24.0 / intervals
    curve = 0.15 + np.exp(-((hours - 10.5) / 2.2) ** 2) + 0.8 * np.exp(-((hours - 15.0) / 2.0) ** 2)
    scale = rng.uniform(5, 250, size=(queues, 1))
    calls = np.maximum(1, np.round(scale * curve[None, :] * rng.uniform(0.85, 1.15, size=(queues, intervals))))
    aht = np.round(rng.uniform(120, 600, size=(queues, 1)) * rng.uniform(0.9, 1.1, size=(queues, intervals)))
    return calls.astype(float), aht.astype(float)


def run_callboard(calls: np.ndarray, aht_s: np.ndarray, args: argparse.Namespace) -> Any:
    from callboard.workforce.erlang import required_agents
    return required_agents(calls=calls, interval_s=1800.0, aht_s=aht_s, answer_within_s=args.answer_within_s,
                           target_sl=args.target_sl, max_occupancy=args.max_occupancy, shrinkage=args.shrinkage)


def run_pyworkforce(calls: np.ndarray, aht_s: np.ndarray, args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    from pyworkforce.queuing import ErlangC
    raw = np.empty(calls.shape, dtype=np.int64)
    positions = np.empty(calls.shape, dtype=np.int64)
    for idx in np.ndindex(calls.shape):
        out = ErlangC(transactions=float(calls[idx]), aht=float(aht_s[idx]) / 60.0, asa=args.answer_within_s / 60.0,
                      interval=30, shrinkage=args.shrinkage).required_positions(
            service_level=args.target_sl, max_occupancy=args.max_occupancy)
        raw[idx], positions[idx] = out["raw_positions"], out["positions"]
    return raw, positions


def timed(fn: Any, repeats: int) -> tuple[Any, float]:
    result, times = None, []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def classify(calls: np.ndarray, aht_s: np.ndarray, ours_target: np.ndarray, ours_raw: np.ndarray,
             ours_pos: np.ndarray, pw_raw: np.ndarray, pw_pos: np.ndarray,
             args: argparse.Namespace) -> dict[str, Any]:
    cap, shrink = Fraction(repr(args.max_occupancy)), Fraction(repr(args.shrinkage))
    counts = {"raw_equal": 0, "raw_float_ceil": 0, "raw_other": 0,
              "positions_equal": 0, "positions_float_ceil": 0, "positions_follow_raw": 0, "positions_other": 0}
    examples: list[dict[str, Any]] = []
    for idx in np.ndindex(calls.shape):
        traffic_exact = Fraction(int(calls[idx])) * Fraction(int(aht_s[idx])) / 1800
        raw_exact = max(int(ours_target[idx]), math.ceil(traffic_exact / cap))
        pw_float_cap = math.ceil((calls[idx] / 30) * (aht_s[idx] / 60) / args.max_occupancy)
        if pw_raw[idx] == ours_raw[idx]:
            counts["raw_equal"] += 1
        elif ours_raw[idx] == raw_exact and pw_raw[idx] == max(int(ours_target[idx]), pw_float_cap):
            counts["raw_float_ceil"] += 1
            examples.append({"queue": int(idx[0]), "interval": int(idx[1]), "what": "occupancy cap", "traffic_erlangs":
                             float(traffic_exact), "callboard": int(ours_raw[idx]), "pyworkforce": int(pw_raw[idx])})
        else:
            counts["raw_other"] += 1
        pos_exact = math.ceil(Fraction(int(pw_raw[idx])) / (1 - shrink))
        if pw_pos[idx] == ours_pos[idx]:
            counts["positions_equal"] += 1
        elif pw_raw[idx] == ours_raw[idx] and ours_pos[idx] == pos_exact and \
                pw_pos[idx] == math.ceil(pw_raw[idx] / (1 - args.shrinkage)):
            counts["positions_float_ceil"] += 1
            examples.append({"queue": int(idx[0]), "interval": int(idx[1]), "what": "shrinkage", "raw": int(pw_raw[idx]),
                             "float": float(pw_raw[idx] / (1 - args.shrinkage)), "callboard": int(ours_pos[idx]),
                             "pyworkforce": int(pw_pos[idx])})
        elif pw_raw[idx] != ours_raw[idx]:
            counts["positions_follow_raw"] += 1  # a raw difference (counted above) carried through shrinkage
        else:
            counts["positions_other"] += 1
    return {"counts": counts, "examples": examples}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--intervals", type=int, default=96)
    parser.add_argument("--queues", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pyworkforce-repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--target-sl", type=float, default=0.8)
    parser.add_argument("--answer-within-s", type=float, default=20.0)
    parser.add_argument("--max-occupancy", type=float, default=0.85)
    parser.add_argument("--shrinkage", type=float, default=0.3)
    args = parser.parse_args()

    calls, aht_s = problems(args.intervals, args.queues, args.seed)
    n = calls.size
    run_callboard(calls, aht_s, args)  # warm imports and caches
    ours, ours_s = timed(lambda: run_callboard(calls, aht_s, args), args.repeats)
    (pw_raw, pw_pos), pw_s = timed(lambda: run_pyworkforce(calls, aht_s, args), args.pyworkforce_repeats)
    report = classify(calls, aht_s, ours.agents_for_target, ours.agents_raw, ours.agents, pw_raw, pw_pos, args)
    counts = report["counts"]
    speedup = pw_s / ours_s
    traffic = ours.traffic_erlangs
    print(f"problems: {n} ({args.queues} queues x {args.intervals} intervals), traffic {traffic.min():.2f}-"
          f"{traffic.max():.2f} Erlangs, agents_raw {int(ours.agents_raw.min())}-{int(ours.agents_raw.max())}")
    print(f"callboard   : {ours_s * 1e3:9.2f} ms  ({ours_s / n * 1e6:7.3f} us/problem, median of {args.repeats})")
    print(f"pyworkforce : {pw_s * 1e3:9.2f} ms  ({pw_s / n * 1e6:7.3f} us/problem)")
    print(f"speed-up    : {speedup:9.1f}x")
    print(f"agreement   : {counts}")
    for ex in report["examples"][:20]:
        print(f"  float ceil differs: {ex}")
    if len(report["examples"]) > 20:
        print(f"  ... {len(report['examples']) - 20} more")
    ok = counts["raw_other"] == 0 and counts["positions_other"] == 0 and speedup >= 50
    summary = {"bench": "erlang", "problems": n, "queues": args.queues, "intervals": args.intervals,
               "callboard_s": round(ours_s, 6), "pyworkforce_s": round(pw_s, 6), "speedup": round(speedup, 1),
               "callboard_us_per_problem": round(ours_s / n * 1e6, 3),
               "pyworkforce_us_per_problem": round(pw_s / n * 1e6, 3), **counts,
               "float_ceil_examples": report["examples"][:5], "ok": ok,
               "python": platform.python_version(), "machine": platform.machine()}
    print(json.dumps(summary, default=lambda x: x.item() if hasattr(x, "item") else str(x)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
