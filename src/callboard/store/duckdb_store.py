"""The default analytics store: one DuckDB file, loaded from Arrow in one transaction per load."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
import weakref
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from callboard.core.errors import Conflict, unreadable_store
from callboard.records.batch import Cursor, LoadBatch, LoadReport
from callboard.records.schemas import TABLES
from callboard.store import control
from callboard.store.base import IbisTables
from callboard.store.ddl import create_statements
from callboard.store.upsert import ROW_GROUP_ROWS, apply_batch

_DATABASE_ALIAS = "store"
_OPEN: dict[str, tuple[duckdb.DuckDBPyConnection, bool, int]] = {}  # file -> (instance, read-only, users)
_OPEN_LOCK = threading.Lock()
# What DuckDB says when the file it attaches is not a readable database, and what that means to a user.
_NOT_A_STORE = {
    "not a valid DuckDB database file": "not a DuckDB database file",
    "Corrupt database file": "corrupt: a checksum does not match",
    "Could not read enough bytes": "cut short: the file ends early",
    "Is a directory": "it is a folder",
}


def _connect(path: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the store file, attached with Callboard's row group size.

    A file is attached once per process and every store object on it gets its own connection to that instance
    (as `duckdb.connect(path)` shares one instance per file): a second ATTACH of the same file would fail."""
    if path == ":memory:":
        return duckdb.connect(path)
    key = str(Path(path).resolve())
    with _OPEN_LOCK:
        instance, opened_read_only, users = _OPEN.get(key, (None, read_only, 0))
        if instance is None:
            instance = duckdb.connect()
            mode = ", READ_ONLY" if read_only else ""
            quoted = path.replace("'", "''")
            try:
                instance.execute(f"ATTACH '{quoted}' AS {_DATABASE_ALIAS} (ROW_GROUP_SIZE {ROW_GROUP_ROWS}{mode})")
            except BaseException:
                instance.close()
                raise
        elif opened_read_only and not read_only:
            raise Conflict(f"the analytics store {path} is open read-only in this process",
                           hint="close the read-only store first")
        _OPEN[key] = (instance, opened_read_only, users + 1)
        con = instance.cursor()
    con.execute(f"USE {_DATABASE_ALIAS}")
    return con


def _release(path: str) -> None:
    """One store object on the file is done; the last one closes the instance (and DuckDB checkpoints the file)."""
    if path == ":memory:":
        return
    key = str(Path(path).resolve())
    with _OPEN_LOCK:
        instance, opened_read_only, users = _OPEN.pop(key, (None, False, 0))
        if instance is None:
            return
        if users > 1:
            _OPEN[key] = (instance, opened_read_only, users - 1)
        else:
            instance.close()


class DuckDBStore(IbisTables):
    """Analytics tables in a DuckDB file (or in memory for `:memory:`), queried through Ibis."""

    backend_name = "duckdb"

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.raw = _connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            reason = next((why for marker, why in _NOT_A_STORE.items() if marker in str(exc)), None)
            if reason is not None:  # checked first: "in block at location" would pass for a lock below
                raise unreadable_store("analytics store", self.path, reason) from exc
            if "lock" in str(exc).lower():
                raise Conflict(
                    f"the analytics store {self.path} is held by another Callboard process",
                    hint="while `callboard serve` runs, the CLI routes through it; otherwise stop the other process",
                ) from exc
            raise
        self._finalizer = weakref.finalize(self, _release, self.path)  # on close(), or when the store is dropped
        self.raw.execute("SET enable_progress_bar = false")  # our CLI draws its own progress
        if not read_only:
            for statement in create_statements():
                self.raw.execute(statement)
        self.con = ibis.duckdb.from_connection(self.raw)
        self._changes = 0  # bumped by every write through this object (see data_version)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Another connection to the same store (its own transactions: safe beside a loader in another thread)."""
        cursor = self.raw.cursor()
        if self.path != ":memory:":
            cursor.execute(f"USE {_DATABASE_ALIAS}")
        return cursor

    @property
    def data_version(self) -> tuple[object, ...]:
        """Changes whenever the stored data may have: a counter of this object's loads, identity mappings and
        table replacements, plus load_batches' count and latest finish (loads by another process or
        connection). Caches of query results are keyed on it (KpiService), so they are never stale."""
        row = self.raw.execute("SELECT count(*), max(finished_at) FROM load_batches").fetchone()
        return (self._changes, *(row or ()))

    def note_change(self) -> None:
        """Tell result caches the data changed: for code that writes through `raw` instead of load()."""
        self._changes += 1

    def to_pyarrow(self, expr: ir.Expr) -> pa.Table:
        return self.con.to_pyarrow(expr)

    def sql_to_pyarrow(self, sql: str) -> pa.Table:
        """Run SQL that Ibis compiled earlier for this store (the KPI service caches it per request)."""
        return self.raw.execute(sql).fetch_arrow_table()

    def to_sql(self, expr: ir.Expr) -> str:
        return str(ibis.to_sql(expr, dialect="duckdb"))

    def count(self, name: str) -> int:
        return int(self.raw.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # type: ignore[index]

    def load(self, batch: LoadBatch, *, batch_id: str | None = None) -> LoadReport:
        """Apply one batch in one transaction: all of it lands, or (on any failure or kill) none of it."""
        batch_id = batch_id or uuid.uuid4().hex
        started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self.raw.execute("BEGIN TRANSACTION")
        try:
            counts = apply_batch(self.raw, batch, batch_id=batch_id, started_at=started)
            self.raw.execute("COMMIT")
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        finally:
            self._changes += 1
        return LoadReport(
            batch_id=batch_id,
            source=batch.source,
            file=batch.file,
            rows_read=batch.rows_read,
            loaded=counts.loaded,
            updated=counts.updated,
            duplicates=counts.duplicates,
            rejected=len(batch.rejections),
            dst_ambiguous=batch.dst_ambiguous,
        )

    # -- control tables ------------------------------------------------------------------------
    def read_cursor(self, connector: str, stream: str) -> Cursor | None:
        return control.read_cursor(self.raw, connector, stream)

    def identity_rows(self, source: str | None = None) -> list[tuple[str, str, str]]:
        """(source, source identity, agent id) triples, ordered."""
        return control.identity_rows(self.raw, source)

    def known_agent_ids(self) -> set[str]:
        return control.known_agent_ids(self.raw)

    def map_identities(self, rows: list[tuple[str, str, str]]) -> int:
        """Save identity mappings and rewrite stored rows, in one transaction; returns rows rewritten."""
        self.raw.execute("BEGIN TRANSACTION")
        try:
            rewritten = control.map_identities(self.raw, rows)
            self.raw.execute("COMMIT")
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        finally:
            self._changes += 1
        return rewritten

    def replace_table(self, name: str, table: pa.Table) -> None:
        """Replace a small dimension table (team memberships, agent or queue names) whole, in one transaction."""
        if name not in ("team_memberships", "agents", "queues"):
            raise ValueError(f"{name} is not a replaceable dimension")
        self.raw.execute("BEGIN TRANSACTION")
        try:
            self.raw.execute(f'DELETE FROM "{name}"')
            self.raw.register("_replacement", table)
            self.raw.execute(f'INSERT INTO "{name}" SELECT * FROM _replacement')
            self.raw.unregister("_replacement")
            self.raw.execute("COMMIT")
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        finally:
            self._changes += 1

    def export_parquet(self, directory: Path) -> None:
        """Write every table as Parquet, the hand-over format for Spark."""
        directory.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            self.raw.execute(f"COPY \"{name}\" TO '{directory / (name + '.parquet')}' (FORMAT parquet)")

    def close(self) -> None:
        self.raw.close()
        self._finalizer()  # runs once
