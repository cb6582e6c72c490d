"""Split a Genesys Cloud conversation-detail file into conversation objects, each with its physical line.

Callboard accepts what the analytics API and the usual export scripts write:

- a conversation details response, ``{"conversations": [...], "totalHits": ...}``;
- a JSON array of conversations;
- JSON lines, one conversation per line (`--follow` reads these as they grow);
- one conversation object on its own (the spec example).

A damaged file still yields every conversation whose text is intact: in an array the reader skips a
damaged stretch and resumes at the next object that decodes as a conversation, and in JSON lines
every line stands alone. Each damaged stretch becomes one rejection at the line where it starts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from callboard.records.batch import Rejection

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[\s,]*")
_RESPONSE_ARRAY = re.compile(r'"conversations"\s*:\s*\[')
_RESPONSE_HEAD = re.compile(r'\ufeff?\s*\{\s*"conversations"\s*:\s*\[')
_MAX_RAW = 2000


@dataclass(frozen=True)
class RawRecord:
    """One decoded top-level object: its 1-based physical line and 0-based record index in the file."""

    line: int
    index: int
    obj: Any
    text: str


@dataclass
class SplitResult:
    records: list[RawRecord] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    damaged: int = 0  # stretches of text that decoded as nothing (each is one rejection)
    lines: bool = False  # JSON lines (one conversation per line): a later read may resume at a line


class _Lines:
    """Offset -> 1-based line number, by binary search over newline offsets."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self._starts, offset)


def is_conversation(obj: Any) -> bool:
    return isinstance(obj, dict) and "conversationId" in obj


def split_text(text: str, file: str, *, line_offset: int = 0) -> SplitResult:
    """Decode `text` (the whole file, or the unread tail of a JSON-lines file starting at line
    `line_offset` + 1) into conversation objects and rejections."""
    stripped = text.lstrip()
    if not stripped:
        return SplitResult()
    if stripped[0] == "[":
        return _scan_array(text, text.index("[") + 1, file)
    head = _RESPONSE_HEAD.match(text)
    if head is not None:  # the API's own shape: decode each conversation once, straight from the array
        return _scan_array(text, head.end(), file)
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict) and isinstance(whole.get("conversations"), list):
        match = _RESPONSE_ARRAY.search(text)
        if match is not None:
            return _scan_array(text, match.end(), file)
    if isinstance(whole, dict) and not is_conversation(whole) and _holds_conversations(whole):
        # a wrapper other than the API's (another key, a renamed one): its conversations, nothing else
        return _scan_array(text, text.index("{") + 1, file, wrapper=True)
    if isinstance(whole, dict):
        # one object: a lone conversation, or a one-line JSON-lines file
        one_line = "\n" not in text.strip()
        return SplitResult(records=[RawRecord(line_offset + 1, 0, whole, text.strip())], lines=one_line)
    if whole is not None:
        return SplitResult(rejections=[Rejection(file, line_offset + 1, None,
                                                 "the file holds JSON but neither a conversation object, "
                                                 "an array of them nor a {\"conversations\": [...]} response",
                                                 text[:_MAX_RAW])])
    if _looks_like_lines(text):
        return split_lines(text, file, line_offset=line_offset)
    match = _RESPONSE_ARRAY.search(text)
    if match is not None:
        return _scan_array(text, match.end(), file)
    return _scan_array(text, 0, file)


def _holds_conversations(obj: dict[str, Any]) -> bool:
    return any(isinstance(v, list) and any(is_conversation(x) for x in v) for v in obj.values())


def _looks_like_lines(text: str) -> bool:
    """JSON lines when one of the first non-empty lines decodes alone as a conversation."""
    seen = 0
    for raw in text.splitlines():
        if not raw.strip():
            continue
        seen += 1
        if seen > 20:
            return False
        try:
            if is_conversation(json.loads(raw)):
                return True
        except ValueError:
            continue
    return False


def split_lines(text: str, file: str, *, line_offset: int = 0) -> SplitResult:
    """JSON lines: each non-empty line is one record, decoded alone."""
    result = SplitResult(lines=True)
    index = 0
    for number, raw in enumerate(text.split("\n"), start=line_offset + 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            result.damaged += 1
            result.rejections.append(Rejection(file, number, None, f"not valid JSON: {exc.msg} (column {exc.colno})",
                                               raw[:_MAX_RAW]))
            index += 1
            continue
        result.records.append(RawRecord(number, index, obj, raw))
        index += 1
    return result


def _scan_array(text: str, start: int, file: str, *, wrapper: bool = False) -> SplitResult:
    """Decode the elements of an array from `start` (just after its `[`), resynchronising after damage.

    A closing bracket ends the array only when no conversation follows it (a stray `]` in a damaged file
    does not hide the records after it). `wrapper`: scanning inside an object that holds the array, whose
    other keys and values are skipped rather than quarantined.
    """
    result = SplitResult()
    lines = _Lines(text)
    pos, index, size = start, 0, len(text)
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= size:
            break
        if text[pos] in "]}":
            pos = _resync(text, pos + 1)
            continue
        try:
            obj, end = _DECODER.raw_decode(text, pos)
        except ValueError as exc:
            resume = _resync(text, pos + 1)
            result.damaged += 1
            where = lines.line(getattr(exc, "pos", pos))
            reason = f"not valid JSON: {getattr(exc, 'msg', str(exc))} (at line {where})"
            raw = text[pos:min(resume, pos + _MAX_RAW)]
            result.rejections.append(Rejection(file, lines.line(pos), None, reason, raw))
            index += 1
            pos = resume
            continue
        if wrapper and not is_conversation(obj):
            pos = _resync(text, pos + 1)
            continue
        result.records.append(RawRecord(lines.line(pos), index, obj, text[pos:end]))
        index += 1
        # After anything but a conversation (a stray string, a damaged object) look for the next
        # conversation from just past where this value began: it may have swallowed one.
        pos = end if is_conversation(obj) else _resync(text, pos + 1)
    return result


def _resync(text: str, pos: int) -> int:
    """The offset of the next `{` that decodes as a whole conversation, or the end of the text."""
    while True:
        pos = text.find("{", pos)
        if pos < 0:
            return len(text)
        try:
            obj, _ = _DECODER.raw_decode(text, pos)
        except ValueError:
            obj = None
        if is_conversation(obj):
            return pos
        pos += 1
