"""What a connector hands to the store: canonical Arrow tables plus the rows it rejected."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from callboard.records.schemas import TABLES


def input_schema(name: str) -> pa.Schema:
    """The schema a connector fills: the canonical one without `batch_id`, which the store stamps."""
    schema = TABLES[name]
    index = schema.get_field_index("batch_id")
    return schema if index < 0 else schema.remove(index)


@dataclass(frozen=True)
class Rejection:
    """One quarantined input row: where it was, which field, why, and the raw text (truncated)."""

    file: str
    line: int | None
    field: str | None
    reason: str
    raw: str | None = None


@dataclass(frozen=True)
class Cursor:
    """Where a connector stopped in one stream (usually a file path), saved with the load it belongs to.

    `position` is connector-defined (bytes consumed for a log), `fingerprint` tells a rotated or replaced
    file from the one read, `state` is connector-owned JSON (e.g. lines of calls still in progress).
    """

    connector: str
    stream: str
    position: int = 0
    fingerprint: str | None = None
    state: str | None = None


@dataclass
class LoadBatch:
    """Rows parsed from one input file, keyed by canonical table name, validated against TABLES.

    `rows_read` counts input records (lines or objects), `dst_ambiguous` naive local times that fell in
    a DST fold and took the earlier instant.
    """

    source: str
    file: str
    file_sha256: str | None
    tables: dict[str, pa.Table] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    dst_ambiguous: int = 0
    cursor: Cursor | None = None

    def add(self, name: str, table: pa.Table) -> None:
        schema = input_schema(name)
        missing = [n for n in schema.names if n not in table.column_names]
        if missing:
            raise ValueError(f"{name} rows lack columns {missing}")
        cast = table.select(schema.names).cast(schema)
        if name in self.tables:
            self.tables[name] = pa.concat_tables([self.tables[name], cast])
        else:
            self.tables[name] = cast


@dataclass(frozen=True)
class LoadReport:
    """Printed after every load: read, loaded, updated, duplicates skipped, rejected."""

    batch_id: str
    source: str
    file: str
    rows_read: int
    loaded: int
    updated: int
    duplicates: int
    rejected: int
    dst_ambiguous: int
    unmapped_identities: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (
            f"{self.file}: read {self.rows_read}, loaded {self.loaded}, updated {self.updated}, "
            f"duplicates skipped {self.duplicates}, rejected {self.rejected}"
        )
        if self.dst_ambiguous:
            text += f", ambiguous DST times {self.dst_ambiguous} (earlier instant taken)"
        return text
