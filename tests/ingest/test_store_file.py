"""The DuckDB store file: row groups of Callboard's size, one instance per file shared by every store object in a
process, and the file released (unlocked) when the last of them closes."""

from __future__ import annotations

import datetime as dt
import gc
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from callboard.core.errors import Conflict
from callboard.records.batch import LoadBatch
from callboard.records.schemas import TABLES
from callboard.store.duckdb_store import ROW_GROUP_ROWS, DuckDBStore


def _contacts(count: int) -> LoadBatch:
    schema = TABLES["contacts"]
    columns = {f.name: pa.nulls(count, f.type) for f in schema if f.name != "batch_id"}
    columns["source"] = pa.array(["csv"] * count)
    columns["contact_id"] = pa.array([f"c{i}" for i in range(count)])
    columns["channel"] = pa.array(["voice"] * count)
    columns["direction"] = pa.array(["inbound"] * count)
    columns["bot_only"] = columns["is_open"] = pa.array([False] * count)
    columns["arrived_at"] = pa.array([dt.datetime(2026, 11, 2, 9, 0)] * count, pa.timestamp("us"))
    batch = LoadBatch(source="csv", file="calls.csv", file_sha256=None)
    batch.add("contacts", pa.table(columns))
    return batch


def test_a_load_is_stored_in_row_groups_of_callboards_size(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "analytics.duckdb")
    try:
        store.load(_contacts(150_000))
        # rows per row group: the segments of the first column's values (a row group may hold several)
        rows = store.raw.execute(
            """SELECT row_group_id, sum(count) FROM pragma_storage_info('contacts')
            WHERE column_path = '[0]' GROUP BY row_group_id ORDER BY row_group_id"""
        ).fetchall()
    finally:
        store.close()
    # 150,000 rows at 65,536 per row group: 65,536 + 65,536 + 18,928 (DuckDB's default would be 122,880 + 27,120)
    assert [count for _, count in rows] == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 150_000 - 2 * ROW_GROUP_ROWS]


def test_two_stores_on_one_file_share_it_and_the_last_close_releases_it(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    first, second = DuckDBStore(path), DuckDBStore(path)
    first.load(_contacts(3))
    assert second.count("contacts") == 3  # the same database, not a copy
    assert second.cursor().execute("SELECT count(*) FROM contacts").fetchone() == (3,)
    first.close()
    first.close()  # a second close is harmless and does not close the other store's file
    assert second.count("contacts") == 3
    second.close()
    # released: another process can open the file now (DuckDB locks a file per process)
    probe = "import duckdb, sys; print(duckdb.connect(sys.argv[1]).execute('SELECT count(*) FROM contacts').fetchone()[0])"
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "3"


def test_a_store_dropped_without_close_releases_the_file(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    DuckDBStore(path).load(_contacts(2))  # never closed: released when garbage-collected, as a connection was
    gc.collect()  # (CPython frees it at once; a cycle would wait for the collector)
    con = duckdb.connect(str(path))  # would fail if this process still had the file attached under another name
    assert con.execute("SELECT count(*) FROM contacts").fetchone() == (2,)
    con.close()


def test_a_file_held_by_another_process_is_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    DuckDBStore(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(60)", str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(Conflict, match="held by another Callboard process"):
            DuckDBStore(path)
    finally:
        holder.kill()
        holder.wait()
