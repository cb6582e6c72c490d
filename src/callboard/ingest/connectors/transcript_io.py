"""Reading transcript and survey files for Callboard: bytes, cursors, JSON documents, item line numbers.

The transcript and survey connectors share how a file is read and how its cursor tells "already loaded"
from "new": the cursor keeps the bytes consumed and a SHA-256 of exactly those bytes. A file whose first
`position` bytes still hash to the fingerprint is resumed from there (an appended JSONL file), or skipped
when nothing was added; any other file (rewritten, replaced) is read from its start. Loading is
idempotent anyway: every row has a stable key, so a re-read adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callboard.core.errors import InvalidInput
from callboard.core.timeutil import localise, zone
from callboard.records.batch import Cursor, LoadBatch

RAW_CHARS = 2000


@dataclass(frozen=True)
class FileRead:
    """A file's bytes, their hash and where this run starts reading (0 = from the beginning)."""

    path: Path
    data: bytes
    sha256: str
    start: int
    state: str | None  # the cursor's connector state when resuming, else None

    @property
    def unchanged(self) -> bool:
        """Everything in the file was consumed by an earlier run."""
        return self.start == len(self.data) and self.start > 0


def read_bytes(path: Path, cursor: Cursor | None) -> FileRead:
    """Read the file and decide where to resume from the cursor (see the module docstring)."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory", hint="name the files to load, not their folder")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})", hint="check the path and permissions") from exc
    start, state = 0, None
    if cursor is not None and 0 < cursor.position <= len(data):
        if hashlib.sha256(data[: cursor.position]).hexdigest() == cursor.fingerprint:
            start, state = cursor.position, cursor.state
    return FileRead(path, data, hashlib.sha256(data).hexdigest(), start, state)


def given_contact_id(options: Mapping[str, Any]) -> str | None:
    """The `--contact-id` option, when the user gave a non-blank one."""
    value = options.get("contact_id")
    return str(value).strip() if value is not None and str(value).strip() else None


def new_batch(read: FileRead, source: str) -> LoadBatch:
    return LoadBatch(source=source, file=str(read.path), file_sha256=read.sha256)


def set_cursor(batch: LoadBatch, read: FileRead, *, connector: str, stream: str, position: int,
               state: str | None = None) -> None:
    """Record that the file's first `position` bytes are consumed."""
    batch.cursor = Cursor(
        connector=connector, stream=stream, position=position,
        fingerprint=hashlib.sha256(read.data[:position]).hexdigest(), state=state,
    )


def decode_text(read: FileRead) -> str:
    """The whole file as text (UTF-8, a BOM allowed); undecodable files are unreadable as a whole."""
    try:
        return read.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{read.path}: not UTF-8 text (byte 0x{read.data[exc.start]:02x} at offset {exc.start})",
            hint="export the file as UTF-8 JSON",
        ) from exc


def load_document(read: FileRead, what: str) -> Any:
    """Parse a whole JSON document; a file that is not JSON (truncated, corrupt) cannot be read at all."""
    text = decode_text(read)
    if not text.strip():
        raise InvalidInput(f"{read.path}: the file is empty", hint=f"name a {what} file")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise InvalidInput(
            f"{read.path}: not a complete JSON document ({where})",
            hint=f"a {what} file is one JSON object; re-export it if it was cut short",
        ) from exc


def item_lines(text: str, key: str, count: int) -> list[int | None]:
    """The 1-based line on which each element of the top-level array `key` starts, for quarantine rows.

    Found by decoding the array element by element after `"key": [`; when that does not account for
    exactly `count` elements (an unusual layout), every line is None and the reason names the index.
    """
    match = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
    if match is None:
        return [None] * count
    decoder = json.JSONDecoder()
    lines: list[int | None] = []
    pos, line, counted = match.end(), 1, 0
    try:
        while len(lines) <= count:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(text) or text[pos] == "]":
                break
            line += text.count("\n", counted, pos)
            counted = pos
            lines.append(line)
            _, pos = decoder.raw_decode(text, pos)
    except (json.JSONDecodeError, RecursionError):
        return [None] * count
    return lines if len(lines) == count else [None] * count


def raw_text(value: Any) -> str:
    if isinstance(value, str):
        return value[:RAW_CHARS]
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text[:RAW_CHARS]


# ------------------------------------------------------------------------------------ field checks


class BadField(Exception):
    """One field of one record is unusable: the record is quarantined with this field and reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def number(value: Any, field: str, *, required: bool = False) -> float | None:
    """A finite JSON number (not a boolean); None when absent and optional."""
    if value is None:
        if required:
            raise BadField(field, f"{field} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadField(field, f"{field} {raw_text(value)[:60]} is not a number")
    return float(value)


def millis(value: Any, field: str, *, required: bool = False) -> int | None:
    """A whole, non-negative number of milliseconds."""
    v = number(value, field, required=required)
    if v is None:
        return None
    if v < 0 or v != int(v) or v > 2**53:
        raise BadField(field, f"{field} {raw_text(value)[:60]} is not a whole number of milliseconds >= 0")
    return int(v)


def text_value(value: Any, field: str, *, required: bool = True) -> str | None:
    """A non-blank string (kept as given)."""
    if value is None:
        if required:
            raise BadField(field, f"{field} is missing")
        return None
    if not isinstance(value, str):
        raise BadField(field, f"{field} {raw_text(value)[:60]} is not text")
    if not value.strip():
        if required:
            raise BadField(field, f"{field} is blank")
        return None
    return value


@dataclass(frozen=True)
class Instant:
    """A parsed time as naive UTC; `ambiguous` when a naive local time fell in a DST fold (earlier taken)."""

    utc: dt.datetime
    ambiguous: bool = False


def instant(value: Any, field: str, time_zone: str, *, required: bool = True) -> Instant | None:
    """ISO 8601 date-time -> naive UTC. An offset (or Z) is respected; a naive time is in `time_zone`."""
    text = text_value(value, field, required=required)
    if text is None:
        return None
    tz = zone(time_zone)
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
        if parsed.tzinfo is not None:
            return Instant(parsed.astimezone(dt.UTC).replace(tzinfo=None))
        local = localise(parsed, tz)
    except (ValueError, OverflowError):
        raise BadField(field, f"{field} '{text[:60]}' is not an ISO 8601 date-time") from None
    return Instant(local.utc, local.ambiguous)
