"""SQL helpers the Amazon Connect connectors share: one in-memory DuckDB per read, typed field parsing.

Every JSON field is first extracted as text (`json_transform` to VARCHAR, so a wrong type never
errors), then parsed here. A value that is present but does not parse is reported, field by field, so
the record is quarantined with the field's name instead of silently becoming NULL.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from callboard.ingest.connectors.connect_json import RAW_CHARS
from callboard.records.batch import Rejection


def connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose naive times are read as UTC (Amazon Connect stamps are UTC)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def arrow(rel: duckdb.DuckDBPyRelation | duckdb.DuckDBPyConnection) -> pa.Table:
    """A query result as one Arrow table (DuckDB 1.4 hands out a RecordBatchReader)."""
    out = rel.arrow()
    return out.read_all() if isinstance(out, pa.RecordBatchReader) else out


def ts(expr: str) -> str:
    """An ISO 8601 text to a naive UTC timestamp (an offset, if any, is applied); NULL if it does not parse."""
    return f"(try_cast({expr} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"


def seconds_to_ms(expr: str) -> str:
    """Whole (or decimal) seconds to integer milliseconds, exactly (decimal arithmetic, no float)."""
    return f"CAST(round(try_cast({expr} AS DECIMAL(18,3)) * 1000) AS BIGINT)"


def count(expr: str) -> str:
    return f"try_cast({expr} AS INTEGER)"


def bad_ts(expr: str) -> str:
    """True when the field is present but is not a timestamp."""
    return f"({expr} IS NOT NULL AND {ts(expr)} IS NULL)"


def bad_seconds(expr: str) -> str:
    """True when the field is present but is not a number of seconds >= 0."""
    return f"({expr} IS NOT NULL AND coalesce({seconds_to_ms(expr)} < 0, true))"


def bad_count(expr: str) -> str:
    return f"({expr} IS NOT NULL AND coalesce({count(expr)} < 0, true))"


def first_problem(checks: list[tuple[str, str, str]]) -> tuple[str, str]:
    """Two SQL expressions: the first failing field's name and its reason, from (condition, field, reason)."""
    field = "CASE " + " ".join(f"WHEN {c} THEN '{f}'" for c, f, _ in checks) + " END"
    reason = "CASE " + " ".join(f"WHEN {c} THEN {r}" for c, _, r in checks) + " END"
    return field, reason


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_CHUNK_ROWS = 16_384  # several Arrow batches, so DuckDB parses on every core


def typed_rows(
    con: duckdb.DuckDBPyConnection, records: pa.Table, *, structure: str, columns: str,
    checks: list[tuple[str, str, str]],
) -> None:
    """Parse every record's JSON once into temp table `_typed`: the typed `columns` (SQL over struct `r`)
    plus bad_field and bad_reason (the first failing check). The rows stay in DuckDB (no round trip).
    Raises duckdb.Error if some text is not valid JSON."""
    chunked = pa.Table.from_batches(records.to_batches(max_chunksize=_CHUNK_ROWS), schema=records.schema)
    con.register("_rec", chunked)
    bad_field, bad_reason = first_problem(
        [("NOT regexp_matches(_text_head, '^\\s*[{]')", "", "'not a JSON object'"), *checks]
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _typed AS
        WITH x AS (SELECT record, line, left(text, 64) AS _text_head,
                          json_transform(text, {quote(structure)}) AS r FROM _rec),
             y AS (SELECT record, line, _text_head, r, {columns} FROM x)
        SELECT * EXCLUDE (r, _text_head), {bad_field} AS bad_field, {bad_reason} AS bad_reason FROM y"""
    )
    con.execute("CREATE OR REPLACE TEMP VIEW _good AS SELECT * EXCLUDE (bad_field, bad_reason) FROM _typed "
                "WHERE bad_field IS NULL")


def drop_invalid(con: duckdb.DuckDBPyConnection, records: pa.Table, file: str) -> tuple[pa.Table, list[Rejection]]:
    """Records DuckDB cannot read as JSON, as rejections; the rest."""
    con.register("_all", records)
    valid = arrow(con.sql("SELECT * FROM _all WHERE coalesce(json_valid(text), false) ORDER BY record"))
    bad = con.execute(
        "SELECT record, line, text FROM _all WHERE NOT coalesce(json_valid(text), false) ORDER BY record"
    ).fetchall()
    return valid, [Rejection(file, line, None, f"record {record}: not valid JSON", text[:RAW_CHARS])
                   for record, line, text in bad]


def field_rejections(con: duckdb.DuckDBPyConnection, file: str) -> list[Rejection]:
    """Rejections for the rows of `_typed` that failed a check, with the record's raw text from `_rec`."""
    bad = con.execute(
        """SELECT t.record, t.line, t.bad_field, t.bad_reason, r.text FROM _typed t JOIN _rec r USING (record)
           WHERE t.bad_field IS NOT NULL ORDER BY t.record"""
    ).fetchall()
    return [Rejection(file, line, field or None, f"record {record}: {reason}", (text or "")[:RAW_CHARS])
            for record, line, field, reason, text in bad]
