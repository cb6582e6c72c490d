"""Idempotent upsert of one LoadBatch inside an open DuckDB transaction.

Contacts are replaced whole (the contact row and its queue entries and agent segments) when a newer
version arrives: a later `updated_at`, or an open conversation now closed. Other facts are inserted
when their key is new. Everything else counts as a duplicate skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from callboard.records.batch import LoadBatch
from callboard.records.schemas import CONTACT_CHILDREN, KEYS, TABLES

ROW_GROUP_ROWS = 65_536
"""Rows per DuckDB row group in the store file (DuckDB's default is 122,880); batches are handed over in row groups.

A load compresses and writes its row groups in parallel, one per core. At the default, a typical daily file (200k
Amazon Connect records: 182k contacts, 200k queue entries, 164k segments) fills under two row groups per table and
writes in 0.82 s, mostly on one core; at 65,536 it writes in 0.59 s. Queries over 1M contacts run as fast either
way (bench/kpi.py); see docs/performance.md."""
_STANDALONE = ("agent_states", "survey_responses", "interval_stats", "transcript_turns", "conversation_metrics",
               "qa_scores", "qa_item_results")
_DIMENSIONS = ("agents", "queues", "team_memberships")
_CLOSABLE = ("agent_states",)  # rows with an `ended_at` that a later load may fill in


@dataclass(frozen=True)
class UpsertCounts:
    loaded: int
    updated: int
    duplicates: int


def _columns(name: str) -> str:
    return ", ".join(f'"{c}"' for c in TABLES[name].names)


def _insert_select(name: str, source_sql: str, batch_id: str) -> str:
    cols = [c for c in TABLES[name].names if c != "batch_id"]
    select = ", ".join(f's."{c}"' for c in cols)
    target = ", ".join(f'"{c}"' for c in cols)
    if "batch_id" not in TABLES[name].names:  # tables another service owns (QA scores): no load batch
        return f"INSERT INTO \"{name}\" ({target}) SELECT {select} FROM {source_sql}"
    return f"INSERT INTO \"{name}\" ({target}, \"batch_id\") SELECT {select}, '{batch_id}' FROM {source_sql}"


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _register(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> list[str]:
    names = []
    for name, table in batch.tables.items():
        # DuckDB scans a one-chunk Arrow table on one thread; row-group-sized batches let it use all cores.
        # Many small chunks (a lazily built table) are slower still: they are merged first (queue_log: 1.4 s
        # for its tables in one chunk, 1.95 s in eight).
        if table.num_columns and table.column(0).num_chunks > 1:
            table = table.combine_chunks()
        chunked = pa.Table.from_batches(table.to_batches(max_chunksize=ROW_GROUP_ROWS), schema=table.schema)
        con.register(f"_in_{name}", chunked)
        names.append(f"_in_{name}")
    return names


def _all_new(con: duckdb.DuckDBPyConnection, name: str = "contacts",
             keys: tuple[str, ...] = ("source", "contact_id")) -> bool:
    """True when the batch repeats no key of table `name`, neither within itself nor against the store."""
    key_list = ", ".join(f'"{k}"' for k in keys)
    if _scalar(con, f"SELECT count(*) - count(DISTINCT ({key_list})) FROM _in_{name}"):
        return False
    join = " AND ".join(f'e."{k}" = i."{k}"' for k in keys)
    return not _scalar(con, f'SELECT count(*) FROM _in_{name} i WHERE EXISTS (SELECT 1 FROM "{name}" e WHERE {join})')


def _apply_contacts(con: duckdb.DuckDBPyConnection, batch: LoadBatch, batch_id: str) -> UpsertCounts:
    if "contacts" not in batch.tables:
        return UpsertCounts(0, 0, 0)
    if _all_new(con):
        # Fast path (a first load of a file): nothing to de-duplicate or replace, insert straight from Arrow.
        for name in ("contacts", *CONTACT_CHILDREN):
            if name in batch.tables:
                con.execute(_insert_select(name, f"_in_{name} s", batch_id))
        return UpsertCounts(loaded=batch.tables["contacts"].num_rows, updated=0, duplicates=0)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _latest AS
        SELECT * EXCLUDE (rn) FROM (
          SELECT *, row_number() OVER (PARTITION BY source, contact_id
                                       ORDER BY updated_at DESC NULLS LAST, is_open ASC) AS rn
          FROM _in_contacts) WHERE rn = 1"""
    )
    in_batch_dups = batch.tables["contacts"].num_rows - _scalar(con, "SELECT count(*) FROM _latest")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _cls AS
        SELECT i.source, i.contact_id,
          CASE WHEN e.contact_id IS NULL THEN 'new'
               WHEN i.updated_at > e.updated_at
                 OR (e.updated_at IS NULL AND i.updated_at IS NOT NULL)
                 OR (e.is_open AND NOT i.is_open) THEN 'newer'
               ELSE 'duplicate' END AS cls
        FROM _latest i LEFT JOIN contacts e ON e.source = i.source AND e.contact_id = i.contact_id"""
    )
    counts = dict(con.execute("SELECT cls, count(*) FROM _cls GROUP BY cls").fetchall())
    if counts.get("newer"):
        for name in (*CONTACT_CHILDREN, "contacts"):
            con.execute(
                f"""DELETE FROM "{name}" WHERE (source, contact_id) IN
                (SELECT (source, contact_id) FROM _cls WHERE cls = 'newer')"""
            )
    keep = "(SELECT l.* FROM _latest l JOIN _cls c USING (source, contact_id) WHERE c.cls <> 'duplicate') s"
    con.execute(_insert_select("contacts", keep, batch_id))
    for child in CONTACT_CHILDREN:
        if child not in batch.tables:
            continue
        rows = (
            f"(SELECT x.* FROM _in_{child} x JOIN _cls c USING (source, contact_id) "
            f"WHERE c.cls <> 'duplicate' "
            f"QUALIFY row_number() OVER (PARTITION BY {', '.join('x.' + k for k in KEYS[child])}) = 1) s"
        )
        con.execute(_insert_select(child, rows, batch_id))
    return UpsertCounts(
        loaded=counts.get("new", 0),
        updated=counts.get("newer", 0),
        duplicates=counts.get("duplicate", 0) + in_batch_dups,
    )


def _apply_standalone(con: duckdb.DuckDBPyConnection, name: str, batch: LoadBatch, batch_id: str) -> UpsertCounts:
    keys = KEYS[name]
    if _all_new(con, name, keys):
        # Fast path (a first load): no stored row shares a key, so nothing closes, repeats or de-duplicates.
        con.execute(_insert_select(name, f"_in_{name} s", batch_id))
        return UpsertCounts(loaded=batch.tables[name].num_rows, updated=0, duplicates=0)
    join = " AND ".join(f'e."{k}" = x."{k}"' for k in keys)
    partition = ", ".join(f'x."{k}"' for k in keys)
    updated = 0
    if name in _CLOSABLE:
        # A state interval stored while still open (no end yet) is replaced by its closed version.
        closes = f"(SELECT 1 FROM _in_{name} x WHERE {join} AND x.ended_at IS NOT NULL)"
        updated = _scalar(con, f'SELECT count(*) FROM "{name}" e WHERE e.ended_at IS NULL AND EXISTS {closes}')
        if updated:
            con.execute(f'DELETE FROM "{name}" e WHERE e.ended_at IS NULL AND EXISTS {closes}')
    order = " ORDER BY x.ended_at DESC NULLS LAST" if name in _CLOSABLE else ""
    fresh = (
        f"(SELECT x.* FROM _in_{name} x WHERE NOT EXISTS (SELECT 1 FROM \"{name}\" e WHERE {join}) "
        f"QUALIFY row_number() OVER (PARTITION BY {partition}{order}) = 1) s"
    )
    before = _scalar(con, f'SELECT count(*) FROM "{name}"')
    con.execute(_insert_select(name, fresh, batch_id))
    inserted = _scalar(con, f'SELECT count(*) FROM "{name}"') - before
    return UpsertCounts(
        loaded=inserted - updated, updated=updated, duplicates=batch.tables[name].num_rows - inserted
    )


def _apply_dimension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    keys = KEYS[name]
    join = " AND ".join(f'e."{k}" = x."{k}"' for k in keys)
    partition = ", ".join(f'x."{k}"' for k in keys)
    con.execute(
        f'INSERT INTO "{name}" ({_columns(name)}) SELECT x.* FROM _in_{name} x '
        f'WHERE NOT EXISTS (SELECT 1 FROM "{name}" e WHERE {join}) '
        f"QUALIFY row_number() OVER (PARTITION BY {partition}) = 1"
    )


def _record_quarantine(con: duckdb.DuckDBPyConnection, batch: LoadBatch, batch_id: str, now: dt.datetime) -> None:
    if not batch.rejections:
        return
    rows = pa.table(
        {
            "batch_id": [batch_id] * len(batch.rejections),
            "source": [batch.source] * len(batch.rejections),
            "file": [r.file for r in batch.rejections],
            "line": pa.array([r.line for r in batch.rejections], pa.int64()),
            "field": pa.array([r.field for r in batch.rejections], pa.string()),
            "reason": [r.reason for r in batch.rejections],
            "raw": pa.array([None if r.raw is None else r.raw[:2000] for r in batch.rejections], pa.string()),
            "quarantined_at": pa.array([now] * len(batch.rejections), pa.timestamp("us")),
        }
    )
    con.register("_in_quarantine", rows)
    con.execute(f'INSERT INTO quarantine ({_columns("quarantine")}) SELECT * FROM _in_quarantine')
    con.unregister("_in_quarantine")


def _save_cursor(con: duckdb.DuckDBPyConnection, batch: LoadBatch, now: dt.datetime) -> None:
    cursor = batch.cursor
    assert cursor is not None
    con.execute("DELETE FROM connector_cursors WHERE connector = ? AND stream = ?", [cursor.connector, cursor.stream])
    con.execute(
        f"INSERT INTO connector_cursors ({_columns('connector_cursors')}) VALUES (?,?,?,?,?,?)",
        [cursor.connector, cursor.stream, cursor.position, cursor.fingerprint, cursor.state, now],
    )


def apply_batch(
    con: duckdb.DuckDBPyConnection, batch: LoadBatch, *, batch_id: str, started_at: dt.datetime
) -> UpsertCounts:
    """Write the batch; the caller owns the transaction."""
    registered = _register(con, batch)
    try:
        total = _apply_contacts(con, batch, batch_id)
        for name in _STANDALONE:
            if name in batch.tables:
                part = _apply_standalone(con, name, batch, batch_id)
                total = UpsertCounts(
                    total.loaded + part.loaded, total.updated + part.updated, total.duplicates + part.duplicates
                )
        for name in _DIMENSIONS:
            if name in batch.tables:
                _apply_dimension(con, name)
        finished = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        _record_quarantine(con, batch, batch_id, finished)
        if batch.cursor is not None:
            _save_cursor(con, batch, finished)
        con.execute(
            f'INSERT INTO load_batches ({_columns("load_batches")}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
            [
                batch_id, batch.source, batch.file, batch.file_sha256, started_at, finished, batch.rows_read,
                total.loaded, total.updated, total.duplicates, len(batch.rejections), batch.dst_ambiguous,
            ],
        )
        return total
    finally:
        for name in registered:
            con.unregister(name)
