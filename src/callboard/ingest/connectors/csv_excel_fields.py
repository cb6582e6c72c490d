"""Raw string columns -> typed canonical columns; a row whose value fails is quarantined, not loaded.

Each mapped field is parsed for all rows at once (polars). A row's first failing field gives its
`Rejection(file, line, field=source column, reason, raw=the row)`. Times are converted from the
file's zone to naive UTC here; DST-fold times take the earlier instant and are counted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from callboard.core.errors import InvalidInput
from callboard.ingest import values as V
from callboard.ingest.connectors.csv_excel_read import LINE, RAW_CHARS, RawTable
from callboard.ingest.mapping import REQUIRED, FieldSpec, Mapping, as_list, fields_for
from callboard.records.batch import Rejection

RAW_OUTCOME = "__raw_outcome"
LATE = "__late_"  # prefix: the later instant of a DST-fold timestamp


@dataclass
class ParsedRows:
    frame: pl.DataFrame  # accepted rows: typed canonical columns, LINE, helper columns
    rejections: list[Rejection]
    dst_ambiguous: int


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lstrip("\ufeff")).casefold()


def resolve_columns(path: Path, raw: RawTable, mapping: Mapping) -> dict[str, int]:
    """Source column name -> position; a mapped column missing from the header stops the file."""
    exact = {h: i for i, h in reversed(list(enumerate(raw.headers)))}
    loose = {_norm(h): i for i, h in reversed(list(enumerate(raw.headers)))}
    found: dict[str, int] = {}
    for name, spec in mapping.fields.items():
        for column in spec.columns():
            index = exact.get(column, loose.get(_norm(column)))
            if index is None:
                raise _missing(path, raw, mapping, name, column)
            found[column] = index
    return found


def _missing(path: Path, raw: RawTable, mapping: Mapping, name: str, column: str) -> InvalidInput:
    shown = ", ".join(f"'{h}'" for h in raw.headers[:25]) + (" ..." if len(raw.headers) > 25 else "")
    delimiter = mapping.file.delimiter
    for other in (";", ",", "\t", "|"):
        if other != delimiter and len(raw.headers) <= 2 and raw.header_text.count(other) >= 1:
            return InvalidInput(
                f"{path}:{raw.header_line}: column '{column}' ({name}) not found: the header splits into "
                f"{len(raw.headers)} column(s) on {delimiter!r} but contains {other!r}",
                hint=f"the file looks delimited by {other!r}: set file.delimiter: {other!r} in the mapping",
            )
    return InvalidInput(
        f"{path}:{raw.header_line}: column '{column}' ({name}) is not in the header; found {shown}",
        hint=f"fix fields.{name} in the mapping to name one of these columns, or set file.header_row",
    )


class _Errors:
    """First failure per row, in field order; turned into Rejections only for the bad rows."""

    def __init__(self, n: int) -> None:
        self.bad = pl.Series("bad", [False] * n, dtype=pl.Boolean)
        self.items: list[tuple[pl.Series, str, str, pl.Series]] = []

    def add(self, mask: pl.Series, column: str, reason: str, shown: pl.Series) -> None:
        mask = mask.fill_null(False) & ~self.bad
        if mask.any():
            self.items.append((mask, column, reason, shown))
            self.bad = self.bad | mask

    def rejections(self, file: str, raw: RawTable) -> list[Rejection]:
        out: list[Rejection] = []
        cells = raw.frame.drop(LINE)
        for mask, column, reason, shown in self.items:
            index = mask.arg_true()
            lines = raw.frame[LINE].gather(index).to_list()
            texts = shown.gather(index).to_list()
            for k, row in enumerate(index.to_list()):
                value = "" if texts[k] is None else str(texts[k])
                value = value if len(value) <= 80 else value[:77] + "..."
                line_text = raw.delimiter.join(v or "" for v in cells.row(row))
                out.append(Rejection(file, lines[k], column, reason.replace("{value}", value), line_text[:RAW_CHARS]))
        return out


class _Cells:
    def __init__(self, raw: RawTable, columns: dict[str, int]) -> None:
        self.raw = raw
        self.columns = columns
        self._cache: dict[tuple[int, str | None], pl.Series] = {}

    def get(self, column: str, extract: str | None = None) -> pl.Series:
        key = (self.columns[column], extract)
        if key not in self._cache:
            s = V.clean(self.raw.frame[f"c{self.columns[column]}"])
            if extract:
                s = s.str.extract(extract, 1)
            self._cache[key] = s
        return self._cache[key]

    def extract_failures(self, column: str, extract: str | None) -> pl.Series | None:
        if not extract:
            return None
        return (self.get(column).is_not_null() & self.get(column, extract).is_null()).fill_null(False)


def _epoch(mapping: Mapping, raw: RawTable) -> str:
    if mapping.file.excel_epoch != "auto":
        return mapping.file.excel_epoch
    return "1904" if raw.excel_1904 else "1900"


def parse_rows(path: Path, raw: RawTable, mapping: Mapping, columns: dict[str, int]) -> ParsedRows:
    n = raw.frame.height
    file = str(path)
    errors = _Errors(n)
    limit = mapping.file.max_field_chars
    for index, header in enumerate(raw.headers):
        column = raw.frame[f"c{index}"]
        if not (column.str.len_bytes() > limit).any():  # bytes >= characters: a cheap first look
            continue
        too_long = (column.str.len_chars() > limit).fill_null(False)
        if too_long.any():
            errors.add(too_long, header, f"the field is longer than {mapping.file.max_field_chars} characters "
                       "(file.max_field_chars)", raw.frame[f"c{index}"])
    cells = _Cells(raw, columns)
    kinds = fields_for(mapping.kind)
    out: dict[str, pl.Series] = {}
    ambiguous: list[pl.Series] = []
    epoch = _epoch(mapping, raw)
    for name, spec in mapping.fields.items():
        kind = kinds[name]
        if kind == "timestamp":
            utc, amb, late = _timestamp(name, spec, cells, mapping, epoch, errors, n)
            out[name] = utc
            ambiguous.append(amb)
            if mapping.kind == "intervals":
                out[LATE + name] = late
            continue
        if spec.constant is not None:
            out[name] = _constant(name, kind, spec, mapping, n)
            continue
        assert spec.column is not None
        s = cells.get(spec.column, spec.extract)
        failed = cells.extract_failures(spec.column, spec.extract)
        if failed is not None:
            errors.add(failed, spec.column, f"'{{value}}' does not match extract {spec.extract!r} ({name})",
                       cells.get(spec.column))
        parsed = _value(name, kind, spec, s, mapping)
        errors.add(parsed.bad, spec.column, f"{parsed.reason} ({name})", s)
        out[name] = parsed.values
        if kind == "outcome":
            out[RAW_OUTCOME] = s
    for name in REQUIRED[mapping.kind]:
        spec = mapping.fields[name]
        column = spec.column or spec.date or name
        errors.add(out[name].is_null(), column, f"blank, but {name} is required", pl.Series([None] * n, dtype=pl.Utf8))
    if mapping.kind == "intervals":
        counts = [out[c] for c in ("offered", "answered", "abandoned") if c in out]
        none = pl.select(pl.all_horizontal([c.is_null() for c in counts])).to_series()
        mapped = [c for c in ("offered", "answered", "abandoned") if c in mapping.fields]
        column = mapping.fields[mapped[0]].column or mapped[0]
        errors.add(none, column or "offered", "the row has no offered, answered or abandoned count",
                   pl.Series([None] * n, dtype=pl.Utf8))
    keep = ~errors.bad
    frame = pl.DataFrame(out).with_columns(raw.frame[LINE]) if out else raw.frame.select(LINE)
    frame = frame.filter(keep)
    if mapping.kind == "contacts" and "contact_id" not in mapping.fields:
        frame = frame.with_columns(pl.Series("contact_id", _row_hashes(raw.frame.filter(keep)), dtype=pl.Utf8))
    dst = sum(int((a & keep).sum()) for a in ambiguous)
    return ParsedRows(frame, errors.rejections(file, raw), dst)


def _row_hashes(frame: pl.DataFrame) -> list[str]:
    """A stable id from the row's content, so re-ingesting a file without an id column adds nothing."""
    cells = frame.drop(LINE)
    joined = cells.select(pl.concat_str([pl.col(c).fill_null("") for c in cells.columns], separator="\x1f"))
    return ["h" + hashlib.blake2b(t.encode(), digest_size=12).hexdigest() for t in joined.to_series().to_list()]


def _value(name: str, kind: str, spec: FieldSpec, s: pl.Series, mapping: Mapping) -> V.Parsed:
    opts = mapping.file
    fmt = spec.format if isinstance(spec.format, str) else None
    if kind == "string":
        return V.Parsed(s, pl.Series([False] * len(s), dtype=pl.Boolean), "")
    if kind in ("channel", "direction", "outcome"):
        return V.parse_enum(s, kind, spec.values)
    if kind == "bool":
        return V.parse_bool(s, spec.true_values or opts.true_values, spec.false_values or opts.false_values)
    if kind == "count":
        return V.parse_count(s, decimal=opts.decimal, thousands=opts.thousands)
    if kind == "score":
        return V.parse_score(s, mapping.scale(name), decimal=opts.decimal, thousands=opts.thousands)
    if kind == "percent":
        return V.parse_percent(s, fmt, decimal=opts.decimal, thousands=opts.thousands)
    if kind == "duration":
        return V.parse_duration(s, fmt, decimal=opts.decimal, thousands=opts.thousands)
    raise AssertionError(kind)


def _constant(name: str, kind: str, spec: FieldSpec, mapping: Mapping, n: int) -> pl.Series:
    text = str(spec.constant).lower() if isinstance(spec.constant, bool) else str(spec.constant)
    one = pl.Series([text], dtype=pl.Utf8)
    parsed = _value(name, kind, spec, one, mapping)
    if parsed.bad[0] or parsed.values[0] is None:
        raise InvalidInput(
            f"mapping fields.{name}.constant: {parsed.reason.replace('{value}', text)}",
            hint="fix the constant in the mapping",
        )
    return pl.repeat(parsed.values[0], n, dtype=parsed.values.dtype, eager=True).alias(name)


def _timestamp(
    name: str, spec: FieldSpec, cells: _Cells, mapping: Mapping, epoch: str, errors: _Errors, n: int
) -> tuple[pl.Series, pl.Series, pl.Series]:
    opts = mapping.file
    num = {"decimal": opts.decimal, "thousands": opts.thousands}
    if spec.constant is not None:
        s = pl.Series([str(spec.constant)] * n, dtype=pl.Utf8)
        values, bad, is_local = V.parse_datetime_column(s, spec.formats(), epoch=epoch, **num)
        if n and bad[0]:
            raise InvalidInput(f"mapping fields.{name}.constant: '{spec.constant}' is not a date/time")
    elif spec.column is not None:
        s = cells.get(spec.column, spec.extract)
        formats = spec.formats() or ["iso"]
        values, bad, is_local = V.parse_datetime_column(s, formats, epoch=epoch, **num)
        errors.add(bad, spec.column, f"'{{value}}' is not a valid date/time in format {' or '.join(formats)} ({name})",
                   s)
    else:
        assert spec.date is not None
        d = cells.get(spec.date)
        date_formats = as_list(spec.date_format) or ["%Y-%m-%d"]
        dates, dbad = V.parse_date_only(d, date_formats, epoch=epoch, **num)
        errors.add(dbad, spec.date, f"'{{value}}' is not a valid date in format {' or '.join(date_formats)} ({name})",
                   d)
        times = None
        if spec.time is not None:
            t = cells.get(spec.time, spec.extract)
            time_formats = as_list(spec.time_format) or ["%H:%M:%S", "%H:%M"]
            times, tbad = V.parse_time_of_day(t, time_formats, **num)
            errors.add(tbad, spec.time, f"'{{value}}' is not a time of day in format {' or '.join(time_formats)} "
                       f"({name})", t)
            errors.add((d.is_not_null() & t.is_null()).fill_null(False), spec.time,
                       f"the time is blank; {name} needs both date and time", t)
        values = V.combine_date_time(dates, times)
        is_local = pl.Series([True] * n, dtype=pl.Boolean)
    local = V.to_utc(values, opts.time_zone)
    utc = pl.select(pl.when(is_local).then(local.utc).otherwise(values)).to_series().alias(name)
    late = pl.select(pl.when(is_local).then(local.utc_late).otherwise(values)).to_series()
    return utc, (local.ambiguous & is_local), late
