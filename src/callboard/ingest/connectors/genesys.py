"""Genesys Cloud analytics conversation details -> Callboard contacts, queue entries and agent segments.

`callboard ingest genesys FILE...` reads what `POST /api/v2/analytics/conversations/details/query`
returns (or an array of its conversations, or JSON lines), one conversation per contact. The steps, each
in its own module: split the file into conversation objects (genesys_json), flatten them into sessions,
segments and metrics (genesys_flatten), parse every time at once (genesys_times), then compute the
canonical tables (genesys_build, genesys_sessions). See docs/connectors/genesys.md for the mapping.

The cursor: an unchanged file is not read again; a JSON-lines file that grew is read from the first new
line (so `--follow` tails an export script's output); any other change re-reads the whole file, and the
store keeps only what is new or newer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors.genesys_build import build_tables, check
from callboard.ingest.connectors.genesys_flatten import flatten
from callboard.ingest.connectors.genesys_json import SplitResult, split_lines, split_text
from callboard.ingest.connectors.genesys_times import parse_times
from callboard.ingest.connectors.json_lines import lines_end
from callboard.records.batch import Cursor, LoadBatch

VALID_RECORD = (
    "one conversation object: a non-empty conversationId, an ISO 8601 conversationStart, "
    "originatingDirection inbound or outbound, at least one participant, each with a purpose, and a session "
    "whose mediaType is voice, callback, chat, email or message; every segment has a segmentType and a "
    "segmentStart; all times parse and no segment ends before it starts; every agent or user participant "
    "has a userId and every ACD session names a queueId; metric values are non-negative numbers. "
    "conversationEnd is optional: without it the conversation loads as open."
)


@dataclass(frozen=True)
class _Plan:
    """What to read this time: the bytes from `start`, as JSON lines from line `line_offset` + 1, or all."""

    start: int
    line_offset: int
    lines: bool


def _plan(data: bytes, cursor: Cursor | None, sha: str) -> _Plan | None:
    """None when the file is exactly what the cursor saw."""
    if cursor is None:
        return _Plan(0, 0, False)
    state = json.loads(cursor.state) if cursor.state else {}
    if state.get("mode") == "lines" and 0 < cursor.position <= len(data):
        if hashlib.sha256(data[: cursor.position]).hexdigest() == cursor.fingerprint:
            if cursor.position == len(data):
                return None
            return _Plan(cursor.position, int(state.get("lines", 0)), True)
    elif state.get("mode") == "document" and cursor.fingerprint == sha:
        return None
    return _Plan(0, 0, False)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


@dataclass(frozen=True)
class GenesysConnector:
    name: str = "genesys"
    default_source: str = "genesys_cloud"
    summary: str = "Genesys Cloud analytics conversation details (API response, JSON array or JSON lines)"
    valid_record: str = VALID_RECORD
    options: tuple[ConnectorOption, ...] = ()
    follows: bool = True

    def read(
        self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue], context: ReadContext
    ) -> LoadBatch:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{path}: cannot read the file ({exc.strerror})",
                               hint="name a conversation details JSON file") from exc
        sha = hashlib.sha256(data).hexdigest()
        batch = LoadBatch(source=context.source, file=str(path), file_sha256=sha)
        plan = _plan(data, cursor, sha)
        if plan is None:
            batch.cursor = cursor
            return batch
        if context.progress:
            context.progress(0, len(data))
        if plan.lines:
            end = lines_end(data, plan.start)
            split = split_lines(_decode(data[plan.start:end]), str(path), line_offset=plan.line_offset)
        else:
            split = split_text(_decode(data), str(path))
            end = lines_end(data, 0) if split.lines else len(data)
            if split.lines and end < len(data):  # a last line still being written: leave it for later
                split = split_lines(_decode(data[:end]), str(path))
        batch.cursor = self._cursor(context, data, end, split, plan)
        self._fill(batch, split, context.source)
        if context.progress:
            context.progress(len(data), len(data))
        return batch

    def _cursor(self, context: ReadContext, data: bytes, end: int, split: SplitResult, plan: _Plan) -> Cursor:
        if split.lines:
            lines = plan.line_offset + data[plan.start:end].count(b"\n")
            state = json.dumps({"mode": "lines", "lines": lines})
            return Cursor(self.name, context.stream, end, hashlib.sha256(data[:end]).hexdigest(), state)
        return Cursor(self.name, context.stream, len(data), hashlib.sha256(data).hexdigest(),
                      json.dumps({"mode": "document"}))

    def _fill(self, batch: LoadBatch, split: SplitResult, source: str) -> None:
        batch.rows_read = len(split.records) + split.damaged
        flat = check(parse_times(flatten(split.records, batch.file), batch.file), batch.file)
        batch.rejections = sorted([*split.rejections, *flat.rejections], key=lambda r: (r.line or 0))
        if flat.conversations.height:
            for name, table in build_tables(flat, source).items():
                batch.add(name, table)


CONNECTOR = GenesysConnector()
