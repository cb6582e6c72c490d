"""Split an Amazon Connect export file into JSON records, for the Amazon Connect connectors.

Amazon Connect exports reach Callboard in three shapes, all detected from the content:

* JSON lines (one object per line, what most pipelines write),
* one JSON array of objects (an API dump or a hand-made file),
* objects concatenated with no separator at all (Kinesis Data Firehose writes `{...}{...}`), possibly
  pretty-printed over many lines.

JSON lines and concatenated objects are cut into records in bulk (connect_json_fast) and checked by
DuckDB as it parses them; only a file in which some record fails, and arrays, are walked with the
standard library's streaming decoder (`JSONDecoder.raw_decode`). A span that does
not decode is quarantined on its own and the walk resumes at the next `{` that decodes to something
shaped like a top-level record (`looks_like_record`), so one broken record never costs its neighbours.
Gzip files (`.gz`, as Firehose can write them) are read transparently.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import mmap
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from callboard.core.errors import InvalidInput
from callboard.ingest.connectors.connect_json_fast import WS as _WS
from callboard.ingest.connectors.connect_json_fast import Content
from callboard.ingest.connectors.connect_json_fast import unchecked_concatenated, unchecked_lines
from callboard.ingest.connectors.gzip_files import GZIP_MAGIC, gunzip
from callboard.records.batch import Cursor, LoadBatch, Rejection

RAW_CHARS = 2000
RecordShape = Callable[[object], bool]
_DECODER = json.JSONDecoder()

_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="connect-sha256")


def _map(path: Path) -> Content:
    """The file mapped into memory: its records are sliced from the page cache with no copy (reading a 336 MB
    export into a new bytes object costs about 0.2 s more). An empty file is b""."""
    with path.open("rb") as handle:
        if not path.stat().st_size:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


class Digest:
    """The sha256 of a file's content, computed in a thread from `start()` (or when first needed).

    A connector starts it once DuckDB's parse, which keeps both cores busy, is over: hashing a 336 MB export
    takes 0.3 s of one core, free while the build and the store write leave a core idle."""

    def __init__(self, hasher: hashlib._Hash, rest: Content) -> None:
        self._hasher, self._rest = hasher, rest
        self._future: Future[str] | None = None

    def start(self) -> None:
        if self._future is None:
            self._future = _HASHER.submit(_finish, self._hasher, self._rest)

    def result(self) -> str:
        self.start()
        assert self._future is not None
        return self._future.result()


@dataclass(frozen=True)
class FileText:
    """The part of a file Callboard has not read yet, decoded, with where it starts."""

    data: Content  # the unread content (decompressed), not yet decoded
    start_position: int  # bytes (of the decompressed content) already read by an earlier load
    end_position: int
    first_line: int  # physical line number of text[0]
    first_record: int  # record index of the first record in text
    digest: Digest  # sha256 of the whole content, computed in a thread (see Digest.start)

    @property
    def fingerprint(self) -> str:
        """sha256 of the whole content read so far: tells an appended file from a replaced one."""
        return self.digest.result()

    @property
    def file_sha256(self) -> str:
        return self.digest.result()


@dataclass
class Records:
    """Candidate JSON records: `table` has columns record (1-based index), line (1-based), text (string)."""

    table: pa.Table
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    next_record: int = 1
    next_line: int = 1
    checked: bool = True  # False: cut in bulk, not yet checked as JSON (see recheck)


def read_text(path: Path, cursor: Cursor | None) -> FileText:
    """The file's content after the cursor; the whole file when it was replaced (fingerprint changed)."""
    try:
        data = _map(path)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read ({exc.strerror})", hint="check the path and permissions") from exc
    if data[:2] == GZIP_MAGIC:
        try:
            data = gunzip(data, path, hint="re-download the export")
        except InvalidInput:
            if path.suffix.lower() == ".gz":
                raise
            # not gzip after all (two stray bytes that look like its signature): read it as text
    start, line, record, hasher = 0, 1, 1, hashlib.sha256()
    if cursor is not None and cursor.fingerprint and 0 < cursor.position <= len(data):
        read_before = hashlib.sha256(memoryview(data)[: cursor.position])
        if read_before.hexdigest() == cursor.fingerprint:
            start, hasher = cursor.position, read_before  # the whole file's hash continues from the prefix's
            state = json.loads(cursor.state) if cursor.state else {}
            line, record = int(state.get("line", 1)), int(state.get("record", 1))
    unread = data if start == 0 else data[start:]
    return FileText(unread, start, len(data), line, record, Digest(hasher, unread))


def _finish(hasher: hashlib._Hash, rest: Content) -> str:
    """hashlib lets go of the GIL on large inputs, so this runs beside the connector's work (see Digest)."""
    hasher.update(rest)
    return hasher.hexdigest()


def split_records(
    data: Content, *, file: str, first_line: int, first_record: int, shape: RecordShape, careful: bool = False
) -> Records:
    """Every record candidate with its index and line; undecodable spans as rejections.

    JSON lines and concatenated objects are cut in bulk and returned unchecked (`Records.checked` False,
    text sliced from the file without a copy, see connect_json_fast): the parser checks them while it
    parses and calls `recheck` (the `careful` split) only if some record is not valid JSON.
    """
    head = data[:65536].decode("utf-8", errors="replace")
    body = head.lstrip(_WS)
    lines = _first_line_is_whole(body)
    if not careful and not body.startswith("["):
        fast = (unchecked_lines if lines else unchecked_concatenated)(data, first_line, first_record)
        if fast is not None:
            table, newlines = fast
            count = table.num_rows
            return Records(table, [], count, first_record + count, first_line + newlines, checked=False)
    text = str(data, "utf-8", errors="replace")
    out = _Collector(file, first_record)
    body = text.lstrip(_WS)
    if body.startswith("["):
        newlines = _newline_offsets(text)
        for start, end, err in _walk(text, len(text) - len(body) + 1, len(text), shape, array=True):
            out.add(_line_at(newlines, start, first_line), text[start:end], err)
    elif lines:
        _split_lines(text, first_line, shape, out)
    else:
        newlines = _newline_offsets(text)
        for start, end, err in _walk(text, 0, len(text), shape, array=False):
            out.add(_line_at(newlines, start, first_line), text[start:end], err)
    return out.result(first_line + text.count("\n"))


def recheck(data: Content, *, file: str, first_line: int, first_record: int, shape: RecordShape) -> Records:
    """The careful split, every record decoded on its own: for a file in which the bulk parse met a record
    that is not valid JSON."""
    return split_records(data, file=file, first_line=first_line, first_record=first_record, shape=shape, careful=True)


class _Collector:
    def __init__(self, file: str, first_record: int) -> None:
        self.file = file
        self.index = first_record
        self.records: list[int] = []
        self.lines: list[int] = []
        self.texts: list[str] = []
        self.rejections: list[Rejection] = []
        self.read = 0

    def add(self, line: int, text: str, err: str | None) -> None:
        if err is None:
            self.records.append(self.index)
            self.lines.append(line)
            self.texts.append(text)
        else:
            self.rejections.append(
                Rejection(self.file, line, None, f"record {self.index}: not valid JSON ({err})", text[:RAW_CHARS])
            )
        self.index += 1
        self.read += 1

    def add_many(self, records: list[int], lines: list[int], texts: list[str]) -> None:
        self.records.extend(records)
        self.lines.extend(lines)
        self.texts.extend(texts)

    def result(self, next_line: int) -> Records:
        table = pa.table(
            {
                "record": pa.array(self.records, pa.int64()),
                "line": pa.array(self.lines, pa.int64()),
                "text": pa.array(self.texts, pa.string()),
            }
        )
        return Records(table, self.rejections, self.read, self.index, next_line)


def _split_lines(text: str, first_line: int, shape: RecordShape, out: _Collector) -> None:
    """JSON lines: every non-blank line checked in one DuckDB pass; failing lines walked in Python."""
    lines = text.split("\n")
    numbers = [i for i, s in enumerate(lines) if s.strip(_WS)]
    candidates = [lines[i] for i in numbers]
    valid = _valid_mask(candidates)
    if all(valid):
        first = out.index
        out.add_many(
            list(range(first, first + len(numbers))), [first_line + i for i in numbers], candidates
        )
        out.index += len(numbers)
        out.read += len(numbers)
        return
    for i, line_text, ok in zip(numbers, candidates, valid):
        if ok:
            out.add(first_line + i, line_text, None)
            continue
        for start, end, err in _walk(line_text, 0, len(line_text), shape, array=False):
            out.add(first_line + i, line_text[start:end], err)


def _valid_mask(texts: list[str]) -> list[bool]:
    if not texts:
        return []
    con = duckdb.connect()
    try:
        con.register("_lines", pa.table({"t": pa.array(texts, pa.string())}))
        rows = con.execute("SELECT bool_and(coalesce(json_valid(t), false)) FROM _lines").fetchone()
        if rows and rows[0]:
            return [True] * len(texts)
        mask = con.execute("SELECT coalesce(json_valid(t), false) FROM _lines").fetchall()
        return [bool(v) for (v,) in mask]
    finally:
        con.close()


def _first_line_is_whole(body: str) -> bool:
    """True when the first non-blank line is one complete JSON value (so the file is JSON lines)."""
    first = body.split("\n", 1)[0].rstrip(_WS)
    try:
        _, end = _DECODER.raw_decode(first)
    except json.JSONDecodeError:
        return False
    return end == len(first)


def _walk(text: str, pos: int, end: int, shape: RecordShape, *, array: bool) -> Iterator[tuple[int, int, str | None]]:
    """(start, end, error) for each value in text[pos:end]; an error span runs to the next record start."""
    while True:
        while pos < end and (text[pos] in _WS or (array and text[pos] in ",[]")):
            pos += 1
        if pos >= end:
            return
        try:
            _, stop = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            resume = _resync(text, pos + 1, end, shape)
            yield pos, resume, f"{exc.msg} at character {exc.pos - pos + 1}"
            pos = resume
            continue
        yield pos, min(stop, end), None
        pos = stop


def _resync(text: str, pos: int, end: int, shape: RecordShape) -> int:
    """The next `{` at or after pos that decodes to a record-shaped object, else the end."""
    while True:
        pos = text.find("{", pos, end)
        if pos < 0:
            return end
        try:
            value, _ = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError:
            pos += 1
            continue
        if shape(value):
            return pos
        pos += 1


def _newline_offsets(text: str) -> list[int]:
    offsets, pos = [], text.find("\n")
    while pos >= 0:
        offsets.append(pos)
        pos = text.find("\n", pos + 1)
    return offsets


def _line_at(newlines: list[int], offset: int, first_line: int) -> int:
    return first_line + bisect.bisect_left(newlines, offset)


def next_cursor(connector: str, stream: str, read: FileText, records: Records, extra: dict[str, object] | None = None) -> Cursor:
    """Where the next load of this file starts: after everything read now."""
    state: dict[str, object] = {"line": records.next_line, "record": records.next_record, **(extra or {})}
    return Cursor(
        connector=connector, stream=stream, position=read.end_position, fingerprint=read.fingerprint,
        state=json.dumps(state, sort_keys=True),
    )


@dataclass(frozen=True)
class OpenedFile:
    """A file read from its cursor and split into records, with the batch its rows will go into."""

    text: FileText
    where: dict[str, object]  # split_records / recheck keywords: file, first line and record, shape
    records: Records
    batch: LoadBatch


def open_records(path: Path, cursor: Cursor | None, source: str, shape: RecordShape) -> OpenedFile:
    """Read `path` from `cursor`, split it into records of `shape`, and start its LoadBatch."""
    text = read_text(path, cursor)
    where: dict[str, object] = {"file": str(path), "first_line": text.first_line,
                                "first_record": text.first_record, "shape": shape}
    records = split_records(text.data, **where)  # type: ignore[arg-type]
    batch = LoadBatch(source=source, file=str(path), file_sha256=None)  # the hash is still running: see finish
    return OpenedFile(text, where, records, batch)


def finish(opened: OpenedFile, connector: str, stream: str, records: Records,
           extra: dict[str, object] | None = None) -> LoadBatch:
    """The batch with the file's sha256 and the cursor for the next load of the file."""
    opened.batch.file_sha256 = opened.text.file_sha256
    opened.batch.cursor = next_cursor(connector, stream, opened.text, records, extra)
    return opened.batch
