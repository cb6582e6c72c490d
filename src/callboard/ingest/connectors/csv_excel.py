"""The generic CSV / Excel connector: one file + its mapping -> one LoadBatch.

Read (csv_excel_read) -> check the mapped columns exist -> parse and validate every field in bulk,
quarantining failing rows with their physical line (csv_excel_fields) -> build the canonical tables
(csv_excel_build). Large files are parsed in chunks so the caller can show progress.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from callboard.ingest.connectors.csv_excel_build import build_contacts, build_intervals
from callboard.ingest.connectors.csv_excel_fields import ParsedRows, parse_rows, resolve_columns
from callboard.ingest.connectors.csv_excel_read import LINE, RawTable, read_raw
from callboard.ingest.mapping import Mapping
from callboard.records.batch import LoadBatch

CHUNK_ROWS = 250_000
Progress = Callable[[int, int], None]


def read_file(
    path: Path,
    mapping: Mapping,
    *,
    source: str | None = None,
    progress: Progress | None = None,
    raw: RawTable | None = None,
) -> LoadBatch:
    """`raw`: the file already read with `mapping.file` (mapping inference reads it once for both)."""
    raw = raw if raw is not None else read_raw(path, mapping.file)
    columns = resolve_columns(path, raw, mapping)
    parsed = _parse_in_chunks(path, raw, mapping, columns, progress)
    name = source or mapping.source
    batch = LoadBatch(source=name, file=str(path), file_sha256=raw.file_sha256)
    batch.rows_read = raw.rows_read
    batch.rejections = sorted([*raw.rejections, *parsed.rejections], key=lambda r: (r.line or 0))
    batch.dst_ambiguous = parsed.dst_ambiguous
    if parsed.frame.height:
        build = build_contacts if mapping.kind == "contacts" else build_intervals
        for table_name, table in build(parsed.frame, mapping, name).items():
            batch.add(table_name, table)
    return batch


def _parse_in_chunks(
    path: Path, raw: RawTable, mapping: Mapping, columns: dict[str, int], progress: Progress | None
) -> ParsedRows:
    total = raw.frame.height
    if progress:
        progress(0, total)
    if total <= CHUNK_ROWS:
        parsed = parse_rows(path, raw, mapping, columns)
        if progress:
            progress(total, total)
        return parsed
    frames, rejections, dst = [], [], 0
    for start in range(0, total, CHUNK_ROWS):
        part = RawTable(
            raw.headers, raw.frame.slice(start, CHUNK_ROWS), [], 0, raw.header_line, raw.file_sha256,
            raw.excel_1904, raw.delimiter, raw.header_text, raw.careful,
        )
        parsed = parse_rows(path, part, mapping, columns)
        frames.append(parsed.frame)
        rejections.extend(parsed.rejections)
        dst += parsed.dst_ambiguous
        if progress:
            progress(min(start + CHUNK_ROWS, total), total)
    frame = pl.concat(frames, how="vertical") if frames else raw.frame.select(LINE)
    return ParsedRows(frame, rejections, dst)
