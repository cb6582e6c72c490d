"""Infer a mapping from a file's header and sample values (`callboard ingest csv FILE --suggest-mapping`).

Detects encoding, delimiter, header row and decimal separator; decides contacts vs intervals; matches
headers against common export names (synonyms.py) and keeps a match only when the real parser accepts
every sample value with the inferred format. The result is checked by parsing the sample with the
connector itself: a field that would reject sample rows is dropped (and said so), so the suggestion
loads its own sample with zero rejects.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from callboard.core.errors import InvalidInput
from callboard.ingest import values as V
from callboard.ingest.connectors.csv_excel_fields import parse_rows, resolve_columns
from callboard.ingest.connectors.csv_excel_read import (
    LINE,
    RawTable,
    check_file,
    is_excel,
    read_raw,
    sniff_binary,
)
from callboard.ingest.mapping import REQUIRED, FileOptions, IntervalOptions, Mapping, save_mapping
from callboard.ingest.connectors import csv_excel_infer as T
from callboard.ingest.connectors.csv_excel_synonyms import (
    DATE_PARTS,
    STRONG_INTERVAL,
    SYNONYMS,
    TIME_PARTS,
    header_base,
    matches,
)

SAMPLE_ROWS = 5000


@dataclass
class Suggestion:
    path: Path
    mapping: Mapping
    notes: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sample_rows: int = 0
    raw: RawTable | None = field(default=None, repr=False)  # the whole file as read with mapping.file


# ------------------------------------------------------------------------------------ file options


def sniff_file_options(path: Path, time_zone: str) -> FileOptions:
    check_file(path)
    if is_excel(path, FileOptions()):
        return FileOptions(format="xlsx", time_zone=time_zone, header_row=_excel_header_row(path))
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if not head.strip():
        raise InvalidInput(f"{path}: the file is empty", hint="export the data again, with its header row")
    sniff_binary(path, head)
    encoding = _encoding(head)
    text = _decode_head(head, encoding)
    delimiter, width, records = _delimiter(text)
    header_row = _header_row(records, width)
    decimal, thousands = _decimal(records, delimiter)
    return FileOptions(
        format="csv", encoding=encoding, delimiter=delimiter, decimal=decimal, thousands=thousands,
        header_row=header_row, time_zone=time_zone,
    )


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _decode_head(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="replace")
    cut = max(text.rfind("\n"), 0)
    return text[:cut] if len(head) >= (1 << 20) and cut else text


def _records(text: str, delimiter: str, limit: int = 200) -> list[tuple[int, list[str]]]:
    """(first physical line, fields) of the first records."""
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            if row and any(c.strip() for c in row):
                out.append((line, row))
            line = reader.line_num + 1
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def _delimiter(text: str) -> tuple[str, int, list[tuple[int, list[str]]]]:
    best = (",", 1, _records(text, ","), -1.0)
    for candidate in (",", ";", "\t", "|"):
        records = _records(text, candidate)
        if not records:
            continue
        widths = [len(r) for _, r in records]
        mode = max(set(widths), key=widths.count)
        if mode <= 1:
            continue
        share = widths.count(mode) / len(widths)
        score = share * 10 + min(mode, 50) / 50
        if score > best[3]:
            best = (candidate, mode, records, score)
    return best[0], best[1], best[2]


def _header_row(records: list[tuple[int, list[str]]], width: int) -> int:
    for line, row in records[:20]:
        cells = [c.strip() for c in row]
        if len(cells) >= width and sum(1 for c in cells if c) >= max(1, width // 2):
            if not all(re.fullmatch(r"[-+0-9.,:/% ]*", c) for c in cells if c):
                return line
    return records[0][0] if records else 1


def _decimal(records: list[tuple[int, list[str]]], delimiter: str) -> tuple[str, str | None]:
    comma = dot = grouped_dot = grouped_comma = 0
    for _, row in records[1:]:
        for cell in row:
            c = cell.strip().rstrip("%").strip()
            if re.fullmatch(r"-?\d+,\d+", c):
                comma += 1
            elif re.fullmatch(r"-?\d+\.\d+", c):
                dot += 1
            if re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", c):
                grouped_dot += 1
            if re.fullmatch(r"-?\d{1,3}(,\d{3})+\.\d+", c):
                grouped_comma += 1
    if grouped_dot or (comma > dot and delimiter != ","):
        return ",", "." if grouped_dot else None
    return ".", "," if grouped_comma else None


def _excel_header_row(path: Path) -> int:
    raw = read_raw(path, FileOptions(format="xlsx"))
    if raw.headers and all(h.strip() for h in raw.headers):
        return 1
    for index, row in enumerate(raw.frame.drop(LINE).head(20).iter_rows()):
        if sum(1 for c in row if c and c.strip()) >= max(1, len(raw.headers) // 2) and all(c.strip() for c in row):
            return int(raw.frame[LINE][index])
    return 1


# -------------------------------------------------------------------------------------------- fields


def _sample(raw: RawTable) -> RawTable:
    n = raw.frame.height
    if n <= SAMPLE_ROWS:
        frame = raw.frame
    else:
        head = raw.frame.head(SAMPLE_ROWS // 2)
        stride = max(1, (n - SAMPLE_ROWS // 2) // (SAMPLE_ROWS // 2))
        tail = raw.frame.slice(SAMPLE_ROWS // 2).gather_every(stride)
        frame = pl.concat([head, tail])
    return RawTable(raw.headers, frame, [], frame.height, raw.header_line, raw.file_sha256, raw.excel_1904,
                    raw.delimiter, raw.header_text)


def _kind(headers: list[str], columns: dict[str, pl.Series], opts: FileOptions) -> str:
    bases = [header_base(h)[0] for h in headers]
    if any(matches(b, SYNONYMS["contacts"]["contact_id"]) for b in bases):
        return "contacts"
    if any(b in STRONG_INTERVAL for b in bases):
        return "intervals"
    for header, base in zip(headers, bases):
        if base in ("answered", "abandoned", "handled"):
            counts = T.as_counts(columns[header], opts)
            if counts is not None and counts.max() is not None and counts.max() > 1:  # type: ignore[operator]
                return "intervals"
    return "contacts"


def suggest(
    path: Path, *, time_zone: str = "UTC", source: str | None = None, sl_threshold_s: float = 20.0
) -> Suggestion:
    opts = sniff_file_options(path, time_zone)
    raw = read_raw(path, opts)
    if raw.frame.height == 0:
        raise InvalidInput(
            f"{path}: no data rows below the header (line {raw.header_line}) to infer a mapping from",
            hint="give --mapping, or suggest one from a file that has data",
        )
    sample = _sample(raw)
    headers = raw.headers
    columns = {h: V.clean(sample.frame[f"c{i}"]) for i, h in reversed(list(enumerate(headers)))}
    kind = _kind(headers, columns, opts)
    chooser = T.Chooser(headers, columns, opts, kind, time_zone)
    chooser.assign(SYNONYMS[kind], DATE_PARTS[kind], TIME_PARTS[kind])
    intervals = IntervalOptions(service_level_threshold_s=sl_threshold_s)
    if kind == "intervals":
        intervals = T.interval_options(chooser, sl_threshold_s)
    fields = dict(chooser.fields)
    warnings = list(chooser.warnings)
    for name in REQUIRED[kind]:
        if name not in fields:
            raise InvalidInput(
                f"{path}: cannot tell which column holds {name} (columns: {', '.join(headers)})",
                hint=f"write the mapping by hand (docs/csv-mapping.md) and name the {name} column",
            )
    if kind == "intervals" and not any(f in fields for f in ("offered", "answered", "abandoned")):
        raise InvalidInput(
            f"{path}: looks like interval data but no offered/answered/abandoned column was recognised",
            hint="write the mapping by hand (docs/csv-mapping.md)",
        )
    mapping = Mapping(source=source or "csv", kind=kind, file=opts, intervals=intervals, fields=fields)  # type: ignore[arg-type]
    mapping = _drop_failing(path, sample, mapping, warnings)
    used = {c for spec in mapping.fields.values() for c in spec.columns()}
    unmapped = [h for h in headers if h not in used and h]
    return Suggestion(path, mapping, chooser.notes, unmapped, warnings, sample.frame.height, raw)


def _drop_failing(path: Path, sample: RawTable, mapping: Mapping, warnings: list[str]) -> Mapping:
    """Parse the sample with the real connector; drop optional fields that would reject rows."""
    for _ in range(len(mapping.fields) + 1):
        parsed = parse_rows(path, sample, mapping, resolve_columns(path, sample, mapping))
        if not parsed.rejections:
            return mapping
        column = parsed.rejections[0].field
        victims = [n for n, s in mapping.fields.items() if column in s.columns() and n not in REQUIRED[mapping.kind]]
        if not victims:
            warnings.append(f"{len(parsed.rejections)} sample row(s) fail: {parsed.rejections[0].reason}")
            return mapping
        fields = {n: s for n, s in mapping.fields.items() if n not in victims}
        warnings.append(f"left out {', '.join(victims)}: column '{column}' has values the parser rejects "
                        f"({parsed.rejections[0].reason})")
        mapping = mapping.model_copy(update={"fields": fields})
    return mapping


def write_suggestion(suggestion: Suggestion, out: Path) -> Path:
    m = suggestion.mapping
    lines = [
        f"# Callboard mapping suggested from {suggestion.path.name} ({suggestion.sample_rows} sample rows).",
        "# Review before relying on it (format: docs/csv-mapping.md):",
        f"# - file.time_zone is the organisation's zone ({m.file.time_zone}): the file does not say which zone"
        " its times are in.",
    ]
    if m.kind == "intervals":
        lines.append(
            f"# - intervals: {m.intervals.interval_minutes}-minute periods; service level counted against "
            f"{m.intervals.service_level_threshold_s:g} s over {m.intervals.service_level_basis}."
        )
    lines += [f"# - {w}" for w in suggestion.warnings]
    if suggestion.unmapped:
        lines.append(f"# Unmapped columns: {', '.join(suggestion.unmapped)}")
    if out.exists() and out.is_dir():
        raise InvalidInput(f"{out} is a directory", hint="give a file name such as mapping.yaml")
    return save_mapping(m, out, notes=suggestion.notes, header="\n".join(lines))

