"""Flatten Genesys Cloud conversation objects into four column sets Callboard computes on in bulk.

conversations -> participants' sessions -> segments and metrics, each row carrying the index of its
conversation (`conv`) and, below it, of its session (`sess`). A conversation whose structure is wrong
(a required field missing or of the wrong type) is quarantined whole, with the path of the field
(`participants[2].sessions[0].segments[1].segmentType`), and contributes no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from callboard.ingest.connectors.genesys_json import RawRecord
from callboard.records.batch import Rejection

_MAX_RAW = 2000


class BadRecord(Exception):
    """A conversation that cannot load: `field` is the path of the offending field."""

    def __init__(self, field_path: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field_path
        self.reason = reason


CONV_SCHEMA: dict[str, pl.DataType] = {
    "conv": pl.Int64(), "line": pl.Int64(), "conversation_id": pl.String(), "start_s": pl.String(),
    "end_s": pl.String(), "direction": pl.String(),
}
SESS_SCHEMA: dict[str, pl.DataType] = {
    "sess": pl.Int64(), "conv": pl.Int64(), "purpose": pl.String(), "user_id": pl.String(),
    "media": pl.String(), "ani": pl.String(), "dnis": pl.String(), "contact_ref": pl.String(),
    "path": pl.String(),
}
SEG_SCHEMA: dict[str, pl.DataType] = {
    "sess": pl.Int64(), "conv": pl.Int64(), "seg_order": pl.Int64(), "segment_type": pl.String(),
    "start_s": pl.String(), "end_s": pl.String(), "queue_id": pl.String(), "disconnect": pl.String(),
    "wrapup": pl.String(), "path": pl.String(),
}
MET_SCHEMA: dict[str, pl.DataType] = {
    "sess": pl.Int64(), "conv": pl.Int64(), "name": pl.String(), "value": pl.Float64(),
    "emit_s": pl.String(), "path": pl.String(),
}


@dataclass(frozen=True)
class Flat:
    conversations: pl.DataFrame
    sessions: pl.DataFrame
    segments: pl.DataFrame
    metrics: pl.DataFrame
    rejections: list[Rejection]
    raw_by_conv: dict[int, tuple[int, int, str]]  # conv -> (line, record index, raw text) for later checks

    def reject(self, file: str, conv: int, field_path: str | None, reason: str) -> Rejection:
        """A rejection for a conversation that passed the walk but fails a later check."""
        line, index, raw = self.raw_by_conv[conv]
        return Rejection(file, line, field_path, f"record {index + 1}: {reason}", raw)


def _text(obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise BadRecord(path + key, f"required field {key} is missing")
        return None
    if not isinstance(value, str):
        raise BadRecord(path + key, f"{key} must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise BadRecord(path + key, f"required field {key} is empty")
    return value


def _list(obj: dict[str, Any], key: str, path: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRecord(path + key, f"{key} must be a list, got {type(value).__name__}")
    return value


def _dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRecord(path, f"must be an object, got {type(value).__name__}")
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRecord(path, f"metric value must be a number, got {value!r}"[:200])
    return float(value)


class _Walker:
    """Row tuples of the four tables; a conversation that fails is cut back out (lists truncated)."""

    def __init__(self) -> None:
        self.conv: list[tuple[Any, ...]] = []
        self.sess: list[tuple[Any, ...]] = []
        self.seg: list[tuple[Any, ...]] = []
        self.met: list[tuple[Any, ...]] = []

    def walk(self, c: int, record: RawRecord) -> None:
        """Append one conversation's rows, or raise BadRecord and append nothing."""
        marks = (len(self.sess), len(self.seg), len(self.met))
        try:
            self._walk(c, record)
        except BadRecord:
            del self.sess[marks[0]:], self.seg[marks[1]:], self.met[marks[2]:]
            raise

    def _walk(self, c: int, record: RawRecord) -> None:
        obj = _dict(record.obj, "")
        conversation_id = _text(obj, "conversationId", "", required=True)
        start = _text(obj, "conversationStart", "", required=True)
        end = _text(obj, "conversationEnd", "")
        direction = _text(obj, "originatingDirection", "")
        participants = _list(obj, "participants", "")
        if not participants:
            raise BadRecord("participants", "a conversation needs at least one participant")
        sess_rows, seg_rows, met_rows = self.sess, self.seg, self.met
        for pi, raw_p in enumerate(participants):
            pp = f"participants[{pi}]"
            p = _dict(raw_p, pp)
            pp += "."
            purpose = _text(p, "purpose", pp, required=True)
            user_id = _text(p, "userId", pp)
            contact_ref = _text(p, "externalContactId", pp)
            for si, raw_s in enumerate(_list(p, "sessions", pp)):
                sp = f"{pp}sessions[{si}]"
                ses = _dict(raw_s, sp)
                sp += "."
                s = len(sess_rows)
                ani = _text(ses, "ani", sp) or _text(ses, "addressFrom", sp)
                sess_rows.append((s, c, purpose, user_id, _text(ses, "mediaType", sp), ani, _text(ses, "dnis", sp),
                                  contact_ref, sp))
                for gi, raw_g in enumerate(_list(ses, "segments", sp)):
                    gp = f"{sp}segments[{gi}]."
                    g = _dict(raw_g, gp[:-1])
                    seg_rows.append((
                        s, c, gi, _text(g, "segmentType", gp, required=True), _text(g, "segmentStart", gp, required=True),
                        _text(g, "segmentEnd", gp), _text(g, "queueId", gp), _text(g, "disconnectType", gp),
                        _text(g, "wrapUpCode", gp), gp,
                    ))
                for mi, raw_m in enumerate(_list(ses, "metrics", sp)):
                    mp = f"{sp}metrics[{mi}]."
                    m = _dict(raw_m, mp[:-1])
                    met_rows.append((s, c, _text(m, "name", mp, required=True), _number(m.get("value"), mp + "value"),
                                     _text(m, "emitDate", mp), mp))
        self.conv.append((c, record.line, conversation_id, start, end, direction))


def _frame(rows: list[tuple[Any, ...]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def flatten(records: list[RawRecord], file: str) -> Flat:
    """Walk every record; structural problems quarantine the conversation, never the file."""
    walker = _Walker()
    rejections: list[Rejection] = []
    raw_by_conv: dict[int, tuple[int, int, str]] = {}
    for c, record in enumerate(records):
        try:
            walker.walk(c, record)
        except BadRecord as bad:
            rejections.append(Rejection(file, record.line, bad.field or None,
                                        f"record {record.index + 1}: {bad.reason}", record.text[:_MAX_RAW]))
            continue
        raw_by_conv[c] = (record.line, record.index, record.text[:_MAX_RAW])
    return Flat(
        _frame(walker.conv, CONV_SCHEMA), _frame(walker.sess, SESS_SCHEMA), _frame(walker.seg, SEG_SCHEMA),
        _frame(walker.met, MET_SCHEMA), rejections, raw_by_conv,
    )
