"""The least time any loader needs to get each benchmark file into Callboard's canonical tables.

Issue targets for ingest speed (CSV 1M rows/s, queue_log 300k lines/s, Amazon Connect CTRs 100k records/s)
are time budgets: rows / target rate. This script measures, for each benchmark file, two pieces of work that
every loader has to do and that DuckDB itself does as fast as it can, with no checks at all:

  * parse: DuckDB's own CSV reader of the file into an in-memory table (CSV, queue_log); for the Connect JSON,
    the file read and cut into records and each record's fields extracted by DuckDB's `json_transform` (faster
    here than DuckDB's `read_json` of the whole file);
  * write: the canonical tables that file becomes (contacts, queue entries, agent segments, agent states:
    the rows Callboard's connector produces, read once beforehand and not timed) stored into a fresh
    DuckDB file with bare `CREATE TABLE ... AS SELECT * FROM <arrow table>`, one transaction: no keys,
    no de-duplication, no quarantine; at DuckDB's default row groups (122,880 rows) and at the store's
    (65,536), the faster of the two counting.

floor = parse + write. Both steps already use both cores (CPU seconds above wall seconds), so they do not
overlap into less. When the floor alone is over the budget, the target cannot be met on this machine with
the data model issue 3 asks for (queue entries and agent segments are their own records, §1-§2 grain).

    uv run python bench/ingest_floor.py                  # CSV 1M rows, queue_log ~1M lines, CTR 200k records
    uv run python bench/ingest_floor.py --repeats 5 --only csv
Last line: one JSON object with each source's parse_s, write_s, floor_s, budget_s and floor_vs_budget.
"""

from __future__ import annotations

import argparse
import json
import mmap
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).parent))

import ingest as csv_bench  # noqa: E402 - bench siblings
import ingest_connect  # noqa: E402
import ingest_queue_log  # noqa: E402

from callboard.core.settings import load_settings  # noqa: E402
from callboard.ingest.connector_run import read_stream  # noqa: E402
from callboard.ingest.connectors.connect_ctr_parse import AttributeKeys, _structure  # noqa: E402
from callboard.ingest.connectors.connect_json_fast import unchecked_lines  # noqa: E402
from callboard.ingest.connectors.csv_excel import read_file  # noqa: E402
from callboard.ingest.mapping import load_mapping  # noqa: E402
from callboard.ingest.registry import get_connector  # noqa: E402
from callboard.records.batch import LoadBatch  # noqa: E402
from callboard.runtime import build_runtime  # noqa: E402
from callboard.store.upsert import ROW_GROUP_ROWS  # noqa: E402

TARGETS = {"csv": 1_000_000, "queue_log": 300_000, "connect_ctr": 100_000}  # rows (lines, records) per second
_DUCKDB_ROW_GROUP = 122_880  # DuckDB's default rows per row group


def _median(run: Callable[[], float], repeats: int) -> float:
    return statistics.median(run() for _ in range(repeats))


def parse_s(sql: str) -> float:
    con = duckdb.connect()
    start = time.perf_counter()
    con.execute(f"CREATE TABLE raw AS {sql}")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def write_s(batch: LoadBatch, work: Path, row_group_rows: int = _DUCKDB_ROW_GROUP) -> float:
    """A bare write of the batch's tables into a fresh file attached with `row_group_rows`, handed over in
    batches of that size (as the store does), one transaction."""
    db = work / "floor-write.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect()
    con.execute(f"ATTACH '{db}' AS floor (ROW_GROUP_SIZE {row_group_rows})")
    con.execute("USE floor")
    tables = {name: pa.Table.from_batches(t.combine_chunks().to_batches(max_chunksize=row_group_rows), schema=t.schema)
              for name, t in batch.tables.items() if t.num_rows}
    for name, table in tables.items():
        con.register(f"_in_{name}", table)
    start = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    for name in tables:
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _in_{name}')
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def best_write_s(batch: LoadBatch, work: Path, repeats: int) -> float:
    """The faster of DuckDB's default row groups and the store's (ROW_GROUP_ROWS): the least a write needs."""
    return min(_median(lambda: write_s(batch, work, rows), repeats) for rows in (_DUCKDB_ROW_GROUP, ROW_GROUP_ROWS))


def _connector_batch(name: str, path: Path, work: Path) -> LoadBatch:
    runtime = build_runtime(load_settings(work / f"read-{name}"))
    try:
        return read_stream(get_connector(name), path, store=runtime.store, settings=runtime.settings, options={},
                           source=None)
    finally:
        runtime.close()


def _figures(rows: int, target: int, parse: float, write: float, batch: LoadBatch) -> dict[str, object]:
    budget = rows / target
    return {"rows": rows, "canonical_rows": {n: t.num_rows for n, t in batch.tables.items() if t.num_rows},
            "parse_s": round(parse, 3), "write_s": round(write, 3), "floor_s": round(parse + write, 3),
            "budget_s": round(budget, 3), "floor_vs_budget": round((parse + write) / budget, 2)}


def measure_csv(work: Path, rows: int, repeats: int) -> dict[str, object]:
    path, mapping = work / "calls.csv", work / "calls.yaml"
    csv_bench.make_file(path, rows)
    mapping.write_text(csv_bench.MAPPING)
    batch = read_file(path, load_mapping(mapping))
    parse = _median(lambda: parse_s(f"SELECT * FROM read_csv('{path}', header=true)"), repeats)
    return _figures(rows, TARGETS["csv"], parse, best_write_s(batch, work, repeats), batch)


def measure_queue_log(work: Path, lines: int, repeats: int) -> dict[str, object]:
    path = work / "queue_log"
    written = ingest_queue_log.make_log(path, lines)
    batch = _connector_batch("queue-log", path, work)
    parse = _median(lambda: parse_s(f"SELECT * FROM read_csv('{path}', delim='|', header=false, quote='', "
                                    "escape='', null_padding=true, all_varchar=true)"), repeats)
    return _figures(written, TARGETS["queue_log"], parse, best_write_s(batch, work, repeats), batch)


def json_parse_s(path: Path) -> float:
    """The file read, cut into records (Callboard's bulk line cut) and each record's fields extracted by DuckDB's
    json_transform with the connector's structure: faster than DuckDB's read_json of the same file here, and
    with no check, typing or building at all."""
    con = duckdb.connect()
    structure = _structure(AttributeKeys()).replace("'", "''")
    start = time.perf_counter()
    with path.open("rb") as handle:  # mapped into memory, as the connector reads it
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    table, _ = unchecked_lines(data, 1, 1) or (None, 0)
    assert table is not None
    con.register("lines", pa.Table.from_batches(table.to_batches(max_chunksize=16_384)))
    con.execute(f"CREATE TABLE parsed AS SELECT json_transform(text, '{structure}') AS r FROM lines")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def measure_connect(work: Path, records: int, repeats: int) -> dict[str, object]:
    path = ingest_connect.write_json_lines(work / "ctr.jsonl", ingest_connect.make_records(records))
    batch = _connector_batch("connect-ctr", path, work)
    parse = _median(lambda: json_parse_s(path), repeats)
    return _figures(records, TARGETS["connect_ctr"], parse, best_write_s(batch, work, repeats), batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows (1000000)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="queue_log lines, about (1000000)")
    parser.add_argument("--records", type=int, default=200_000, help="Amazon Connect CTRs (200000)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=["csv", "queue_log", "connect_ctr"])
    args = parser.parse_args()
    steps = {"csv": lambda w: measure_csv(w, args.rows, args.repeats),
             "queue_log": lambda w: measure_queue_log(w, args.lines, args.repeats),
             "connect_ctr": lambda w: measure_connect(w, args.records, args.repeats)}
    figures: dict[str, object] = {}
    for name, step in steps.items():
        if args.only and name != args.only:
            continue
        with tempfile.TemporaryDirectory(prefix=f"callboard-floor-{name}-") as tmp:
            found = step(Path(tmp))
        figures[name] = found
        print(f"{name:12} {found['rows']:>9,} rows  parse {found['parse_s']:.2f} s + write {found['write_s']:.2f} s "
              f"= floor {found['floor_s']:.2f} s  vs budget {found['budget_s']:.2f} s "
              f"({found['floor_vs_budget']:.2f}x)  canonical rows {found['canonical_rows']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
