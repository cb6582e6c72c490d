"""Read an Excel workbook into the connector's RawTable (string cells + the sheet row of each row).

python-calamine reads the cells; they become canonical text (ISO dates, H:MM:SS durations, repr floats),
so the same parsers serve CSV and Excel. The workbook's 1904 flag is read from xl/workbook.xml so plain
serial numbers are converted with the right epoch (calamine already applies it to real date cells).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from pathlib import Path

import polars as pl

from callboard.core.errors import InvalidInput
from callboard.ingest.connectors.csv_excel_read import LINE, RawTable, columns_named
from callboard.ingest.mapping import FileOptions


def workbook_is_1904(path: Path) -> bool:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    match = re.search(r"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(\w+)\"", xml)
    return bool(match) and match.group(1).lower() in ("1", "true")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        total_us = round(value.total_seconds() * 1_000_000)
        sign = "-" if total_us < 0 else ""
        total_us = abs(total_us)
        seconds, micro = divmod(total_us, 1_000_000)
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        frac = f".{micro // 1000:03d}" if micro else ""
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}{frac}"
    return str(value)


def read_excel(path: Path, opts: FileOptions) -> RawTable:
    from python_calamine import CalamineWorkbook

    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken or non-Excel files
        raise InvalidInput(
            f"{path}: cannot be opened as an Excel workbook ({str(exc).splitlines()[0][:200]})",
            hint="save it again as .xlsx, or export CSV and set file.format: csv",
        ) from exc
    names = list(workbook.sheet_names)
    sheet_ref = opts.sheet if opts.sheet is not None else 0
    if isinstance(sheet_ref, int):
        if not 0 <= sheet_ref < len(names):
            raise InvalidInput(f"{path}: there is no sheet {sheet_ref}", hint=f"sheets: {', '.join(names)}")
        sheet = workbook.get_sheet_by_index(sheet_ref)
    else:
        if sheet_ref not in names:
            raise InvalidInput(f"{path}: there is no sheet '{sheet_ref}'", hint=f"sheets: {', '.join(names)}")
        sheet = workbook.get_sheet_by_name(sheet_ref)
    cells = sheet.to_python(skip_empty_area=False)
    if len(cells) < opts.header_row:
        raise InvalidInput(f"{path}: the sheet has no row {opts.header_row} for the header", hint="set file.header_row")
    header_cells = cells[opts.header_row - 1]
    while header_cells and cell_text(header_cells[-1]).strip() == "":
        header_cells = header_cells[:-1]
    headers = [cell_text(c).strip() for c in header_cells]
    ncols = len(headers)
    if ncols == 0:
        raise InvalidInput(f"{path}: row {opts.header_row} is empty", hint="set file.header_row to the header row")
    columns: list[list[str]] = [[] for _ in range(ncols)]
    lines: list[int] = []
    for index in range(opts.header_row, len(cells)):
        row = cells[index]
        texts = [cell_text(row[k]) if k < len(row) else "" for k in range(ncols)]
        if not any(t.strip() for t in texts):
            continue
        for k, text in enumerate(texts):
            columns[k].append(text)
        lines.append(index + 1)
    names = columns_named(ncols)
    frame = pl.DataFrame({name: pl.Series(name, col, dtype=pl.Utf8) for name, col in zip(names, columns, strict=True)})
    frame = frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
    return RawTable(
        headers, frame, [], frame.height, opts.header_row, sha, workbook_is_1904(path), ",", ",".join(headers)
    )
