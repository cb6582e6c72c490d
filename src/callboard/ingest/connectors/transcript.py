"""Callboard's generic transcript format (JSON or JSONL) -> transcript_turns.

`callboard ingest transcript FILE...` loads transcripts from any speech-to-text or chat system:
- JSON: one object `{"contact_id": "...", "turns": [{"role": "agent", "text": "..."}, ...]}`, or an
  array of such objects;
- JSONL (`.jsonl` / `.ndjson`, or any file whose first line is a complete object without `turns`): one
  turn per line, each with its `contact_id`.
A bad turn is quarantined with its line and reason; the others load. A JSONL file that grows is read
from where the last run stopped; a last line without a line end is read only when it is already a whole
JSON object, else it is left for the run that finds it complete (`lines_end`). Format:
docs/connectors/transcripts.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors.json_lines import lines_end
from callboard.ingest.connectors.transcript_generic import add_turn, conversation, parse_turn
from callboard.ingest.connectors.transcript_io import (
    BadField, FileRead, decode_text, item_lines, load_document, new_batch, read_bytes, set_cursor,
    text_value,
)
from callboard.ingest.connectors.transcript_rows import Collected, finish
from callboard.records.batch import Cursor, LoadBatch

JSONL_SUFFIXES = (".jsonl", ".ndjson")


def _is_jsonl(path: Path, read: FileRead) -> bool:
    """JSONL by name, or when the first line is a complete JSON object that is not a conversation."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        return True
    text = read.data.lstrip().decode("utf-8", errors="replace")
    if text.startswith("["):
        return False
    first = text.split("\n", 1)[0].strip()
    try:
        value = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(value, dict) and "turns" not in value


def _read_json(read: FileRead, out: Collected, time_zone: str) -> None:
    document = load_document(read, "transcript")
    text = decode_text(read)
    if isinstance(document, dict):
        turns = document.get("turns")
        lines = item_lines(text, "turns", len(turns)) if isinstance(turns, list) else [None]
        conversation(out, document, time_zone, lines=lines, where="conversation")
    elif isinstance(document, list):
        for index, convo in enumerate(document):
            conversation(out, convo, time_zone, lines=[], where=f"conversation {index + 1}")
    else:
        raise InvalidInput(f"{read.path}: not a transcript (a JSON {type(document).__name__})",
                           hint='write {"contact_id": ..., "turns": [...]} or one turn per line (JSONL)')


def _read_jsonl(read: FileRead, out: Collected, time_zone: str) -> tuple[int, str]:
    """Turns from read.start on; returns the bytes consumed (a partial last line is left for the next run,
    see `lines_end`) and the cursor state (each contact's next turn_seq)."""
    state = json.loads(read.state) if read.state else {}
    next_seq: dict[str, int] = state.get("next_seq", {}) if isinstance(state, dict) else {}
    end = lines_end(read.data, read.start)
    line_no = read.data[: read.start].count(b"\n")
    for raw in read.data[read.start:end].split(b"\n"):
        line_no += 1
        if not raw.strip():
            continue
        out.records += 1
        text = raw.decode("utf-8", errors="replace").rstrip("\r").lstrip("\ufeff")
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            out.reject(line_no, BadField("line", f"not a JSON object ({reason})"), text)
            continue
        try:
            if not isinstance(value, dict):
                raise BadField("line", "not a JSON object")
            contact_id = text_value(value.get("contact_id"), "contact_id")
            assert contact_id is not None
            contact_id = contact_id.strip()
            seq = next_seq.get(contact_id, 0)
            next_seq[contact_id] = seq + 1
            turn = parse_turn(value, time_zone)
        except BadField as problem:
            out.reject(line_no, problem, value)
            continue
        add_turn(out, contact_id, seq, turn)
    return end, json.dumps({"next_seq": next_seq}, sort_keys=True)


@dataclass(frozen=True)
class TranscriptConnector:
    name: str = "transcript"
    default_source: str = "transcript"
    summary: str = "Transcripts in Callboard's generic JSON / JSONL format (any speech-to-text or chat system)."
    valid_record: str = "a turn with a contact_id, a known role and non-blank text (times and offsets well formed)"
    options: tuple[ConnectorOption, ...] = ()
    follows: bool = False

    def read(self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue],
             context: ReadContext) -> LoadBatch:
        read = read_bytes(path, cursor)
        batch = new_batch(read, context.source)
        out = Collected(str(path))
        state: str | None = None
        position = len(read.data)
        if not read.unchanged:
            if not read.data.strip():
                raise InvalidInput(f"{path}: the file is empty", hint="name a transcript file")
            if _is_jsonl(path, read):
                position, state = _read_jsonl(read, out, context.settings.time_zone)
            else:  # a JSON document is always parsed whole, even when it grew
                _read_json(read, out, context.settings.time_zone)
        finish(batch, out)
        set_cursor(batch, read, connector=self.name, stream=context.stream, position=position,
                   state=state if state is not None else read.state)
        return batch


CONNECTOR = TranscriptConnector()
