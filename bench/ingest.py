"""CSV ingest benchmark: Callboard's `ingest csv` path vs DuckDB's own CSV reader, same file, same run.

Generates a call export of N rows (default 1M), then times, interleaved, median of --repeats:
  * callboard: IngestService.ingest_csv into a fresh DuckDB store (parse, validate, quarantine, upsert,
    one transaction) - the full path a user runs;
  * duckdb_read_csv: `CREATE TABLE AS SELECT * FROM read_csv(...)` into a fresh DuckDB file (no validation,
    no canonical tables): the floor for "get the rows into the file".
Last line: one JSON object with rows, callboard_s, duckdb_read_csv_s, rows_per_s, ratio. With
`--connectors`, the same object also carries the platform connectors' figures (bench/ingest_queue_log.py:
queue_log_lines_per_s, follow_latency_p95_s; bench/ingest_connect.py: connect_ctr_records_per_s), each with
its own DuckDB-reader baseline measured in the same run.

    uv run python bench/ingest.py --rows 1000000 --connectors
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime

MAPPING = """\
source: benchpbx
kind: contacts
file: {time_zone: UTC}
fields:
  contact_id: Call ID
  arrived_at: {column: Start Time, format: "%Y-%m-%d %H:%M:%S"}
  queue_id: Queue
  agent_id: Agent
  customer_id: Caller
  wait_ms: {column: Wait Time, format: seconds}
  talk_ms: {column: Talk Time, format: seconds}
  hold_ms: {column: Hold Time, format: seconds}
  acw_ms: {column: Wrap Up, format: seconds}
"""


def make_file(path: Path, rows: int) -> None:
    i = pl.col("i")
    pl.DataFrame({"i": pl.int_range(0, rows, eager=True)}).select(
        ("C" + i.cast(pl.Utf8)).alias("Call ID"),
        (pl.datetime(2026, 1, 1) + pl.duration(seconds=i * 3)).dt.strftime("%Y-%m-%d %H:%M:%S").alias("Start Time"),
        pl.when(i % 3 == 0).then(pl.lit("Sales")).otherwise(pl.lit("Support")).alias("Queue"),
        ("agent" + (i % 197).cast(pl.Utf8)).alias("Agent"),
        ("+4420" + (i * 7919 % 400_000).cast(pl.Utf8)).alias("Caller"),
        (i % 300).alias("Wait Time"),
        (i % 900 + 30).alias("Talk Time"),
        (i % 7 * 10).alias("Hold Time"),
        (i % 60).alias("Wrap Up"),
    ).write_csv(path)


def run_callboard(csv: Path, mapping: Path, work: Path) -> float:
    data_dir = work / "cb"
    shutil.rmtree(data_dir, ignore_errors=True)
    runtime = build_runtime(load_settings(data_dir))
    try:
        start = time.perf_counter()
        [report] = runtime.ingest.ingest_csv([csv], mapping=mapping)
        elapsed = time.perf_counter() - start
    finally:
        runtime.close()
    assert report.rejected == 0 and report.loaded == report.rows_read, report.summary()
    return elapsed


def run_duckdb(csv: Path, work: Path) -> float:
    db = work / "plain.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    start = time.perf_counter()
    con.execute(f"CREATE TABLE calls AS SELECT * FROM read_csv('{csv}', header=true)")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connectors", action="store_true", help="also measure queue_log and Amazon Connect CTRs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="callboard-bench-") as tmp:
        work = Path(tmp)
        csv, mapping = work / "calls.csv", work / "calls.yaml"
        make_file(csv, args.rows)
        mapping.write_text(MAPPING)
        run_callboard(csv, mapping, work)  # warm-up: imports, first-query planning
        ours, floor = [], []
        for _ in range(args.repeats):
            ours.append(run_callboard(csv, mapping, work))
            floor.append(run_duckdb(csv, work))
        cb, dd = statistics.median(ours), statistics.median(floor)
    print(f"rows {args.rows:,}  callboard {cb:.2f} s ({args.rows / cb:,.0f} rows/s)  "
          f"duckdb read_csv {dd:.2f} s  ratio {cb / dd:.2f}x")
    figures: dict[str, object] = {"rows": args.rows, "callboard_s": round(cb, 3), "duckdb_read_csv_s": round(dd, 3),
                                  "rows_per_s": round(args.rows / cb), "ratio_to_duckdb_read_csv": round(cb / dd, 2)}
    if args.connectors:
        import ingest_connect
        import ingest_queue_log

        figures.update({f"queue_log.{k}": v for k, v in ingest_queue_log.measure().items()})
        figures.update({f"connect.{k}": v for k, v in ingest_connect.measure().items()})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
