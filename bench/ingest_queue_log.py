"""Asterisk queue_log ingest benchmark: parse + load speed, and `--follow` latency.

Generates a realistic queue_log of N lines (default 1M: ~340k calls over ~6 days, 250 agents, three
queues; answered calls with and without missed rings, abandons, timeouts, exit keys, blind transfers,
pauses), warms the process up on a three-call log in another store (warm_up_s: imports, first queries;
modules_imported_while_timed counts modules first loaded inside the timed ingest and should be 0, so
one-off import costs are not counted as lines per second), then:

  * queue_log_lines_per_s: `IngestService.ingest("queue-log", ...)` into a fresh DuckDB file (read,
    parse, build every table, quarantine check, one-transaction upsert) - the path a user runs;
  * duckdb_read_csv_lines_per_s: DuckDB's own CSV reader splitting the same file into a table (no
    canonical rows, no checks): the floor for "get the lines into the file", for the ratio (median of three
    runs around the ingest); queue_log_cpu_s / duckdb_read_csv_cpu_s: process CPU seconds of each, the
    figure to compare on a loaded machine (cpu_ratio_to_duckdb_read_csv);
  * follow_latency_p95_s: the service's follow loop (poll 0.5 s) tails a new file in the same store;
    20 times, one call's lines are appended and the time until its contact is queryable is measured.

Last line: one JSON object.

    uv run python bench/ingest_queue_log.py --lines 1000000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import polars as pl

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime

T0 = 1_767_225_600  # 2026-01-01 00:00:00 UTC
AGENTS = 250
CALL_SPACING_S = 2


def _line(*parts: pl.Expr) -> pl.Expr:
    return pl.concat_str(list(parts), separator="|")


def make_log(path: Path, lines: int) -> int:
    """Write about `lines` lines (a whole number of calls); return the exact count written."""
    calls = max(1, int(lines / 2.87))  # 2.87 lines per call on average (see the mix below)
    i = pl.col("i")
    base = pl.DataFrame({"i": pl.int_range(0, calls, eager=True)}).with_columns(
        (T0 + i * CALL_SPACING_S).alias("t0"),
        pl.format("{}.{}", T0 + i * CALL_SPACING_S, i).alias("callid"),
        pl.when(i % 3 == 0).then(pl.lit("sales")).when(i % 3 == 1).then(pl.lit("support")).otherwise(pl.lit("billing"))
        .alias("queue"),
        pl.format("PJSIP/{}", 1000 + i % AGENTS).alias("agent"),
        (i * 7919 % 120).alias("wait"), (30 + i * 104_729 % 300).alias("talk"), (i % 20).alias("kind"),
        ("+4420" + (i * 7919 % 400_000).cast(pl.Utf8)).alias("caller"),
    )
    t, cid, q, ag = pl.col("t0"), pl.col("callid"), pl.col("queue"), pl.col("agent")
    w, talk, kind = pl.col("wait"), pl.col("talk"), pl.col("kind")
    s = pl.Utf8

    def ev(frame: pl.DataFrame, at: pl.Expr, agent: pl.Expr, event: str, *data: pl.Expr) -> pl.DataFrame:
        return frame.select(at.alias("t"), _line(at.cast(s), cid, q, agent, pl.lit(event), *[d.cast(s) for d in data])
                            .alias("text"))

    answered = base.filter(kind >= 4)
    parts = [
        ev(base, t, pl.lit("NONE"), "ENTERQUEUE", pl.lit(""), pl.col("caller"), pl.lit(1)),
        ev(base.filter(kind == 4), t + w // 2, pl.format("PJSIP/{}", 1000 + (pl.col("i") + 7) % AGENTS),
           "RINGNOANSWER", pl.lit(15000)),
        ev(answered, t + w, ag, "CONNECT", w, pl.format("{}.{}", t + w, pl.col("i") + 1), pl.lit(4)),
        ev(answered.filter(kind == 5), t + w + talk, ag, "BLINDTRANSFER", pl.lit("2000"), pl.lit("from-internal"), w,
           talk, pl.lit(1)),
        ev(answered.filter(kind >= 6), t + w + talk, ag, "COMPLETECALLER", w, talk, pl.lit(1)),
        ev(base.filter(kind <= 2), t + w, pl.lit("NONE"), "ABANDON", pl.lit(1), pl.lit(1), w),
        ev(base.filter(kind == 3), t + w, pl.lit("NONE"), "EXITWITHTIMEOUT", pl.lit(1), pl.lit(1), w),
        ev(base.filter(pl.col("i") % 97 == 0), t + 1, ag, "PAUSE", pl.lit("Break")).with_columns(
            pl.col("text").str.replace(r"^(\d+)\|[^|]*\|", "${1}|NONE|")),
        ev(base.filter(pl.col("i") % 97 == 0), t + 301, ag, "UNPAUSE", pl.lit("")).with_columns(
            pl.col("text").str.replace(r"^(\d+)\|[^|]*\|", "${1}|NONE|")),
    ]
    text = pl.concat(parts).sort("t", maintain_order=True).get_column("text")
    path.write_text("\n".join(text.to_list()) + "\n", encoding="utf-8")
    return text.len()


def _call_lines(callid: str, at: int) -> str:
    return (f"{at}|{callid}|sales|NONE|ENTERQUEUE||+44201|1\n"
            f"{at + 3}|{callid}|sales|PJSIP/1001|CONNECT|3|{callid}9|2\n"
            f"{at + 60}|{callid}|sales|PJSIP/1001|COMPLETECALLER|3|57|1\n")


def follow_latencies(runtime: object, work: Path, appends: int = 20, timeout_s: float = 30.0) -> list[float]:
    """Append one call at a time to a followed file; seconds until each contact is queryable."""
    service = runtime.ingest  # type: ignore[attr-defined]
    reader = runtime.store.cursor()  # type: ignore[attr-defined]  # own connection: safe beside the follower
    path = work / "followed_queue_log"
    path.write_text(_call_lines("seed.0", T0 - 100), encoding="utf-8")
    stop = threading.Event()
    thread = threading.Thread(target=service.follow, args=("queue-log", [path]),
                              kwargs={"on_report": lambda r: None, "stop": stop}, daemon=True)
    thread.start()
    latencies = []
    try:
        for n in range(appends):
            callid = f"follow.{n}"
            start = time.perf_counter()
            with path.open("a", encoding="utf-8") as handle:
                handle.write(_call_lines(callid, T0 - 90 + n * 100))
            while reader.execute("SELECT count(*) FROM contacts WHERE contact_id = ?", [callid]).fetchone()[0] == 0:
                if time.perf_counter() - start > timeout_s:
                    raise TimeoutError(f"{callid} not loaded within {timeout_s} s")
                time.sleep(0.01)
            latencies.append(time.perf_counter() - start)
            time.sleep(0.13 * (n % 4))  # appends land at different points of the poll cycle
    finally:
        stop.set()
        thread.join(timeout=10)
    return latencies


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def duckdb_floor(path: Path, work: Path) -> tuple[float, float]:
    """(wall s, process CPU s) of DuckDB's read_csv splitting the file into a fresh table."""
    db = work / "floor.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    start, cpu = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE q AS SELECT * FROM read_csv('{path}', delim='|', header=false, quote='', "
                "escape='', null_padding=true, all_varchar=true)")
    elapsed, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    con.close()
    return elapsed, cpu_s


def duckdb_floor_s(path: Path, work: Path) -> float:
    return duckdb_floor(path, work)[0]


def warm_up(work: Path) -> float:
    """Ingest three calls into a throw-away store first, as bench/ingest.py does for CSV: the process's
    one-time costs (imports - DuckDB's first parameterised query imports pandas, about 1 CPU s when no
    bytecode cache is written - and first-query planning) are not lines per second. Returns its seconds."""
    start = time.perf_counter()
    small = work / "warm_queue_log"
    small.write_text("".join(_call_lines(f"warm.{n}", T0 - 1000 + n * 100) for n in range(3)), encoding="utf-8")
    runtime = build_runtime(load_settings(work / "warm"))
    try:
        runtime.ingest.ingest("queue-log", [small])
    finally:
        runtime.close()
    return time.perf_counter() - start


def measure(lines: int = 1_000_000, follow: bool = True) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cb-bench-qlog-") as tmp:
        work = Path(tmp)
        log = work / "queue_log"
        written = make_log(log, lines)
        # The floor is read before and after (median of 3 with the one after the ingest): on a shared machine
        # the load changes; CPU seconds (both readers run in this process) are the steadier comparison.
        floors = [duckdb_floor(log, work), duckdb_floor(log, work)]
        warm_s = warm_up(work)
        runtime = build_runtime(load_settings(work / "cb"))
        try:
            loaded = set(sys.modules)
            start, cpu = time.perf_counter(), time.process_time()
            [report] = runtime.ingest.ingest("queue-log", [log])
            elapsed, cpu_s = time.perf_counter() - start, time.process_time() - cpu
            late_imports = sorted(set(sys.modules) - loaded)  # one-off costs that are not lines per second
            assert report.rejected == 0 and report.rows_read == written, report.summary()
            floors.append(duckdb_floor(log, work))
            latencies = follow_latencies(runtime, work) if follow else []
        finally:
            runtime.close()
        floor = statistics.median(f[0] for f in floors)
        floor_cpu = statistics.median(f[1] for f in floors)
    figures = {
        "lines": written,
        "queue_log_s": round(elapsed, 3),
        "queue_log_cpu_s": round(cpu_s, 3),
        "queue_log_lines_per_s": round(written / elapsed),
        "duckdb_read_csv_lines_per_s": round(written / floor),
        "duckdb_read_csv_cpu_s": round(floor_cpu, 3),
        "ratio_to_duckdb_read_csv": round(elapsed / floor, 2),
        "cpu_ratio_to_duckdb_read_csv": round(cpu_s / floor_cpu, 2),
        "warm_up_s": round(warm_s, 3),
        "modules_imported_while_timed": len(late_imports),
    }
    if not latencies:
        return figures
    return {
        **figures,
        "follow_latency_p95_s": round(_p95(latencies), 3),
        "follow_latency_median_s": round(statistics.median(latencies), 3),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--no-follow", action="store_true", help="skip the follow-latency part (speed only)")
    args = parser.parse_args()
    print(json.dumps(measure(args.lines, follow=not args.no_follow)))
