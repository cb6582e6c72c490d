"""CREATE TABLE statements derived from the canonical Arrow schemas, so the two never drift."""

from __future__ import annotations

import pyarrow as pa

from callboard.records.schemas import TABLES

_SQL_TYPES: dict[pa.DataType, str] = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("us"): "TIMESTAMP",
}


def column_sql(field: pa.Field) -> str:
    null = "" if field.nullable else " NOT NULL"
    return f'"{field.name}" {_SQL_TYPES[field.type]}{null}'


def create_statements() -> list[str]:
    return [
        f'CREATE TABLE IF NOT EXISTS "{name}" ({", ".join(column_sql(f) for f in schema)})'
        for name, schema in TABLES.items()
    ]
