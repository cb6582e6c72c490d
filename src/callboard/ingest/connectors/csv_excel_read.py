"""Read a CSV or Excel file into string columns with the 1-based physical line of every row.

CSV: a fast bulk read with pyarrow (all columns as strings). It is trusted only when the file decodes,
holds no NUL byte, every line is exactly one record (so row i sits on line header + 1 + i) and every
record has the header's field count. Otherwise the careful reader walks the file line by line: a line
with a NUL byte, undecodable bytes, broken quoting or the wrong number of fields is quarantined on its
own and the lines after it are read normally, so one bad row never costs the good ones.
Excel files are read by csv_excel_xlsx into the same RawTable.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from callboard.core.errors import InvalidInput
from callboard.ingest.mapping import FileOptions
from callboard.records.batch import Rejection

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
MAX_RECORD_LINES = 200  # a quoted field may span lines, but an unclosed quote must not swallow the file
RAW_CHARS = 500
LINE = "__line"

_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook saved as .csv?)",
    b"\xd0\xcf\x11\xe0": "an old Office file (.xls)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\x1f\x8b": "gzip-compressed data",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "an SQLite database",
}


@dataclass
class RawTable:
    """String cells (columns c0..cN, blanks as ''), the physical line of each row, structural rejects."""

    headers: list[str]
    frame: pl.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    header_line: int = 1
    file_sha256: str | None = None
    excel_1904: bool | None = None
    delimiter: str = ","
    header_text: str = ""
    careful: bool = False


def is_excel(path: Path, opts: FileOptions) -> bool:
    if opts.format:
        return opts.format == "xlsx"
    return path.suffix.lower() in EXCEL_SUFFIXES


def check_file(path: Path) -> None:
    if not path.exists():
        raise InvalidInput(f"{path}: no such file", hint="check the path")
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory", hint="name the CSV or Excel files to load")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})", hint="check the file's permissions") from exc


def read_raw(path: Path, opts: FileOptions) -> RawTable:
    check_file(path)
    if is_excel(path, opts):
        from callboard.ingest.connectors.csv_excel_xlsx import read_excel

        return read_excel(path, opts)
    return read_csv(path, opts)


# --------------------------------------------------------------------------------------------- CSV


def columns_named(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def sniff_binary(path: Path, head: bytes) -> None:
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            hint = "save it as .xlsx or set file.format: xlsx" if magic == b"PK\x03\x04" else "export the data as CSV"
            raise InvalidInput(f"{path}: this is {what}, not a CSV text file", hint=hint)
    sample = head[:8192]
    if sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
        if controls > max(8, len(sample) // 20):
            raise InvalidInput(
                f"{path}: looks like a binary file ({controls} control bytes in the first {len(sample)})",
                hint="export the data as CSV text (or UTF-16 text with its byte-order mark)",
            )


def decode_to_utf8(path: Path, data: bytes, encoding: str) -> tuple[bytes, str]:
    """Bytes to UTF-8 where the whole file decodes; else the original bytes and the codec to use per line."""
    try:
        codec = codecs.lookup(encoding)
    except LookupError as exc:
        raise InvalidInput(
            f"{path}: unknown encoding '{encoding}' in the mapping",
            hint="use utf-8, utf-8-sig, cp1252, latin-1 or utf-16",
        ) from exc
    if data.startswith(codecs.BOM_UTF8):
        return data[3:], "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or codec.name.startswith(("utf-16", "utf-32")):
        name = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else codec.name
        try:
            return data.decode(name).lstrip("\ufeff").encode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{path}: cannot be read as {name} (byte {exc.start})", hint="set file.encoding to the file's encoding"
            ) from exc
    if codec.name == "utf-8":
        return data, "utf-8"
    try:
        return data.decode(codec.name).encode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data, codec.name


def _check_sample(path: Path, data: bytes, offset: int, encoding: str) -> None:
    """The first 64 KiB of data must decode: otherwise the whole file is in another encoding."""
    sample = data[offset : offset + 65_536]
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError as exc:
        line = data[:offset + exc.start].count(b"\n") + 1
        other = "cp1252" if encoding == "utf-8" else "utf-8"
        raise InvalidInput(
            f"{path}:{line}: the file is not {encoding} (byte 0x{sample[exc.start]:02x})",
            hint=f"set file.encoding in the mapping (for example {other})",
        ) from exc


def _line_offsets(data: bytes, count: int) -> int:
    """Byte offset of the start of line `count + 1` (0-based count of lines to skip)."""
    pos = 0
    for _ in range(count):
        nxt = data.find(b"\n", pos)
        if nxt < 0:
            return len(data)
        pos = nxt + 1
    return pos


def _split_header(text: str, opts: FileOptions) -> list[str]:
    try:
        row = next(csv.reader([text], delimiter=opts.delimiter, quotechar=opts.quote))
    except (csv.Error, StopIteration):
        row = text.split(opts.delimiter)
    return [h.strip().lstrip("\ufeff") for h in row]


def read_csv(path: Path, opts: FileOptions) -> RawTable:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise InvalidInput(f"{path}: the file is empty", hint="export the data again, with its header row")
    sniff_binary(path, data[:8192])
    data, encoding = decode_to_utf8(path, data, opts.encoding)
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")  # classic Mac line ends
    header_start = _line_offsets(data, opts.header_row - 1)
    header_end = data.find(b"\n", header_start)
    header_end = len(data) if header_end < 0 else header_end
    header_bytes = data[header_start:header_end].rstrip(b"\r")
    _check_sample(path, data, header_start, encoding)
    header_text = header_bytes.decode(encoding, errors="replace")
    if not header_text.strip():
        raise InvalidInput(
            f"{path}:{opts.header_row}: the header row is empty",
            hint="set file.header_row to the line with the column names",
        )
    headers = _split_header(header_text, opts)
    body = data[header_end + 1 :]
    first_line = opts.header_row + 1
    table = None
    if encoding == "utf-8" and b"\x00" not in body:
        table = _bulk(body, len(headers), opts)
    if table is not None:
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.with_columns(pl.int_range(first_line, first_line + frame.height, dtype=pl.Int64).alias(LINE))
        return RawTable(headers, frame, [], frame.height, opts.header_row, sha, None, opts.delimiter, header_text)
    rows, lines, rejections, read = _careful(path, body, first_line, headers, opts, encoding)
    columns = list(zip(*rows)) if rows else [() for _ in headers]
    names = columns_named(len(headers))
    frame = pl.DataFrame(
        {name: pl.Series(name, list(col), dtype=pl.Utf8) for name, col in zip(names, columns, strict=True)}
    ).with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
    return RawTable(headers, frame, rejections, read, opts.header_row, sha, None, opts.delimiter, header_text, True)


def _physical_lines(body: bytes) -> int:
    stripped = body.rstrip(b"\r\n")
    return stripped.count(b"\n") + 1 if stripped else 0


def _bulk(body: bytes, ncols: int, opts: FileOptions) -> pa.Table | None:
    lines = _physical_lines(body)
    names = columns_named(ncols)
    if lines == 0:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=opts.delimiter,
                quote_char=opts.quote,
                double_quote=True,
                newlines_in_values=opts.quote.encode() in body,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None
    if table.num_rows != lines:  # a quoted newline or a blank line: line numbers would drift
        return None
    last = body.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    if last.count(opts.quote.encode()) % 2:  # a quote opened on the last line and closed by the end of file
        return None
    return table


def _parse_record(text: str, opts: FileOptions, *, strict: bool = False) -> list[str] | None:
    """One record's fields. Lenient by default, like the bulk reader ('"ab"cd' -> 'abcd', 'x"y' stays);
    strict refuses a quoted field left open, which tells a record that continues on the next line."""
    try:
        rows = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=opts.delimiter, quotechar=opts.quote, strict=strict)
        )
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def _fit(fields: list[str] | None, ncols: int) -> list[str] | None:
    if fields is not None and len(fields) == ncols + 1 and fields[-1] == "":
        fields = fields[:-1]  # a trailing delimiter
    return fields


class _Lines:
    """The body's physical lines (without line ends) and how records span them."""

    def __init__(self, body: bytes, opts: FileOptions, ncols: int, encoding: str) -> None:
        self.lines = [b[:-1] if b.endswith(b"\r") else b for b in body.split(b"\n")]
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        self.opts = opts
        self.ncols = ncols
        self.encoding = encoding
        self.quote = opts.quote.encode()

    def standalone(self, k: int) -> bool:
        """Line k is a complete record on its own (right field count, quotes well formed)."""
        text = self.lines[k].decode(self.encoding, errors="replace")
        fields = _fit(_parse_record(text, self.opts, strict=True), self.ncols)
        return fields is not None and len(fields) == self.ncols

    def extent(self, i: int) -> tuple[int, bool]:
        """(end line, exclusive; quotes closed?) of the record starting on line i.

        A quote opened on line i continues the record until the quotes balance. One that never closes
        (end of file, MAX_RECORD_LINES or max_field_chars) ends the record at once, plus the following
        lines that are no record of their own, so the good lines after a stray quote are read afresh.
        """
        quotes = self.lines[i].count(self.quote)
        if quotes % 2 == 0 or self.standalone(i):
            return i + 1, True
        size, j = 0, i + 1
        while quotes % 2 == 1 and j < len(self.lines) and j - i < MAX_RECORD_LINES:
            if size > self.opts.max_field_chars:
                break
            quotes += self.lines[j].count(self.quote)
            size += len(self.lines[j])
            j += 1
        if quotes % 2 == 0:
            return j, True
        end = i + 1
        while end < j and not self.standalone(end):
            end += 1
        return end, False


def _careful(
    path: Path, body: bytes, first_line: int, headers: list[str], opts: FileOptions, encoding: str
) -> tuple[list[list[str]], list[int], list[Rejection], int]:
    file = str(path)
    ncols = len(headers)
    physical = _Lines(body, opts, ncols, encoding)
    rows: list[list[str]] = []
    lines: list[int] = []
    rejections: list[Rejection] = []
    read = 0

    def reject(lineno: int, reason: str, raw: bytes, column: str | None = None) -> None:
        text = raw.decode(encoding, errors="replace").replace("\x00", "\\x00")
        rejections.append(Rejection(file, lineno, column, reason, text[:RAW_CHARS]))

    def nul_column(raw: bytes) -> str | None:
        cells = _parse_record(raw.decode(encoding, errors="replace"), opts) or []
        index = next((k for k, cell in enumerate(cells) if "\x00" in cell), None)
        return headers[index] if index is not None and index < ncols else None

    i, n = 0, len(physical.lines)
    while i < n:
        lineno = first_line + i
        if not physical.lines[i].strip():
            i += 1
            continue
        read += 1
        end, closed = physical.extent(i)
        chunk = b"\n".join(physical.lines[i:end])
        if b"\x00" in chunk:
            reject(lineno, "the line contains a NUL byte", chunk, nul_column(chunk))
            i = end
            continue
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError as exc:
            reject(lineno, f"not valid {encoding} (byte 0x{chunk[exc.start]:02x}); set file.encoding", chunk)
            i = end
            continue
        if not closed:
            reject(lineno, "broken quoting: a quote opened here is never closed", chunk)
            i = end
            continue
        fields = text.split(opts.delimiter) if opts.quote not in text else _parse_record(text, opts)
        if fields is None:
            # quotes balance but do not make fields: reject this line only, read the next lines afresh
            reason = "broken quoting (a quote inside an unquoted field or text after a closing quote)"
            reject(lineno, reason, physical.lines[i])
            i += 1
            continue
        fields = _fit(fields, ncols)
        assert fields is not None
        if len(fields) != ncols:
            reject(lineno, f"expected {ncols} fields, found {len(fields)} (delimiter {opts.delimiter!r})", chunk)
            i = end
            continue
        rows.append(fields)
        lines.append(lineno)
        i = end
    return rows, lines, rejections, read
