"""Transcript turns and conversation metrics as Callboard stores them, whatever platform produced them.

Every transcript connector validates its records into `TurnRows` / `MetricRows` with the shared word
lists below (participants, sentiment labels) and hands them to `finish`, which adds the canonical
tables and the quarantined records to the LoadBatch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from callboard.ingest.connector import ReadContext
from callboard.ingest.connectors.transcript_io import (
    BadField, decode_text, load_document, new_batch, number, raw_text, read_bytes, set_cursor,
)
from callboard.records.batch import Cursor, LoadBatch, Rejection, input_schema

# Platform words for who spoke -> Callboard participants (agent | customer | system | bot).
PARTICIPANT_WORDS: dict[str, str] = {
    "agent": "agent", "supervisor": "agent", "rep": "agent", "representative": "agent",
    "customer": "customer", "caller": "customer", "client": "customer", "user": "customer", "contact": "customer",
    "system": "system", "system_message": "system",
    "bot": "bot", "custom_bot": "bot", "virtual_agent": "bot", "lex": "bot", "ivr": "bot", "assistant": "bot",
}
SENTIMENTS = ("positive", "negative", "neutral", "mixed")


def participant(value: Any, field: str) -> str:
    """'AGENT', 'Customer', 'CUSTOM_BOT'... -> agent | customer | system | bot."""
    if not isinstance(value, str) or not value.strip():
        raise BadField(field, f"{field} is missing or not text")
    word = PARTICIPANT_WORDS.get(value.strip().lower().replace(" ", "_").replace("-", "_"))
    if word is None:
        raise BadField(field, f"{field} '{value[:40]}' is not a known participant (agent, customer, system, bot)")
    return word


def sentiment(value: Any, field: str) -> str | None:
    """POSITIVE / NEGATIVE / NEUTRAL / MIXED (any case) -> lower case; absent -> None."""
    if value is None:
        return None
    label = value.strip().lower() if isinstance(value, str) else None
    if label not in SENTIMENTS:
        raise BadField(field, f"{field} {raw_text(value)[:40]} is not one of {', '.join(s.upper() for s in SENTIMENTS)}")
    return label


def loudness(value: Any, field: str) -> float | None:
    """The mean of a turn's loudness scores (the platform gives one per stretch of speech; nulls skipped)."""
    if value is None:
        return None
    if not isinstance(value, list):
        return number(value, field)
    scores = [number(v, field) for v in value]
    present = [s for s in scores if s is not None]
    return round(sum(present) / len(present), 2) if present else None


@dataclass
class TurnRows:
    """Validated transcript turns, column by column."""

    columns: dict[str, list[Any]] = field(default_factory=lambda: {
        n: [] for n in input_schema("transcript_turns").names if n != "source"})

    def add(self, *, contact_id: str, turn_seq: int, participant: str, text: str, agent_id: str | None = None,
            begin_offset_ms: int | None = None, end_offset_ms: int | None = None,
            started_at: dt.datetime | None = None, sentiment: str | None = None,
            sentiment_score: float | None = None, loudness_score: float | None = None) -> None:
        values = dict(contact_id=contact_id, turn_seq=turn_seq, participant=participant, agent_id=agent_id,
                      begin_offset_ms=begin_offset_ms, end_offset_ms=end_offset_ms, started_at=started_at,
                      text=text, sentiment=sentiment, sentiment_score=sentiment_score, loudness_score=loudness_score)
        for name, value in values.items():
            self.columns[name].append(value)

    def __len__(self) -> int:
        return len(self.columns["turn_seq"])


@dataclass
class MetricRows:
    """Conversation characteristics, one number per (contact, metric, participant, period)."""

    rows: dict[tuple[str, str, str, int], float | None] = field(default_factory=dict)

    def add(self, contact_id: str, metric: str, participant: str, value: float | None, period_seq: int = 0) -> None:
        self.rows.setdefault((contact_id, metric, participant, period_seq), value)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Collected:
    """What one file produced: turns, metrics, rejections and the records read.

    `records` counts turn candidates and rejected figures; stored figures are added in `finish`, so a
    load report reads: read = loaded + duplicates + rejected."""

    file: str
    turns: TurnRows = field(default_factory=TurnRows)
    metrics: MetricRows = field(default_factory=MetricRows)
    rejections: list[Rejection] = field(default_factory=list)
    records: int = 0
    dst_ambiguous: int = 0

    def reject(self, line: int | None, problem: BadField, raw: Any, where: str = "") -> None:
        reason = f"{where}: {problem.reason}" if where else problem.reason
        self.rejections.append(Rejection(self.file, line, problem.field, reason, raw_text(raw)))


def finish(batch: LoadBatch, collected: Collected) -> LoadBatch:
    """Add the collected turns and metrics to the batch (read = turns + figures + rejections)."""
    source = batch.source
    if len(collected.turns):
        columns = {"source": [source] * len(collected.turns), **collected.turns.columns}
        batch.add("transcript_turns", pa.table(columns, schema=input_schema("transcript_turns")))
    if len(collected.metrics):
        keys = list(collected.metrics.rows)
        batch.add("conversation_metrics", pa.table({
            "source": [source] * len(keys),
            "contact_id": [k[0] for k in keys],
            "metric": [k[1] for k in keys],
            "participant": [k[2] for k in keys],
            "period_seq": [k[3] for k in keys],
            "value": [collected.metrics.rows[k] for k in keys],
        }, schema=input_schema("conversation_metrics")))
    batch.rejections.extend(collected.rejections)
    batch.rows_read += collected.records + len(collected.metrics)
    batch.dst_ambiguous += collected.dst_ambiguous
    return batch


Parse = Callable[[Any, str, Collected], None]  # (document, its text, collector)


def read_whole_json(connector: str, path: Path, *, cursor: Cursor | None, context: ReadContext, what: str,
                    parse: Parse) -> LoadBatch:
    """One JSON document per file: skipped when the cursor says it was loaded unchanged, else parsed whole."""
    read = read_bytes(path, cursor)
    batch = new_batch(read, context.source)
    if not read.unchanged:
        document = load_document(read, what)
        collected = Collected(str(path))
        parse(document, decode_text(read), collected)
        finish(batch, collected)
    set_cursor(batch, read, connector=connector, stream=context.stream, position=len(read.data))
    return batch
