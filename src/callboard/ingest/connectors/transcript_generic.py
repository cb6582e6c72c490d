"""One turn of Callboard's generic transcript format (docs/connectors/transcripts.md), validated.

A turn is a JSON object: `role` (agent | customer | system | bot), `text`, optional `start_ms` /
`end_ms` (offsets from the start of the contact), `timestamp` (ISO 8601; an offset is respected, a
naive time is in the organisation's time zone), `agent_id`, `sentiment`, `sentiment_score` and `seq`.
A few common synonyms are accepted (speaker, participant, content, begin_ms, time, started_at).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callboard.ingest.connectors.transcript_io import BadField, instant, millis, number, text_value
from callboard.ingest.connectors.transcript_rows import Collected, participant, sentiment

ROLE_KEYS = ("role", "participant", "speaker")
TEXT_KEYS = ("text", "content")
START_KEYS = ("start_ms", "begin_ms", "begin_offset_ms")
END_KEYS = ("end_ms", "end_offset_ms")
TIME_KEYS = ("timestamp", "time", "started_at")


def _pick(turn: dict[str, Any], keys: tuple[str, ...]) -> tuple[Any, str]:
    """The first of the keys the turn has (value, key), else (None, first key)."""
    for key in keys:
        if key in turn and turn[key] is not None:
            return turn[key], key
    return None, keys[0]


@dataclass(frozen=True)
class Turn:
    """A valid generic turn, ready for TurnRows."""

    participant: str
    text: str
    seq: int | None
    begin_offset_ms: int | None
    end_offset_ms: int | None
    started_at: Any
    ambiguous: bool
    agent_id: str | None
    sentiment: str | None
    sentiment_score: float | None


def parse_turn(turn: Any, time_zone: str) -> Turn:
    """Validate one turn object; raise BadField naming the first unusable field."""
    if not isinstance(turn, dict):
        raise BadField("turn", "the turn is not a JSON object")
    role, role_key = _pick(turn, ROLE_KEYS)
    who = participant(role, role_key)
    text_raw, text_key = _pick(turn, TEXT_KEYS)
    text = text_value(text_raw, text_key)
    assert text is not None
    start_raw, start_key = _pick(turn, START_KEYS)
    end_raw, end_key = _pick(turn, END_KEYS)
    begin, end = millis(start_raw, start_key), millis(end_raw, end_key)
    if begin is not None and end is not None and end < begin:
        raise BadField(end_key, f"{end_key} {end} is before {start_key} {begin}")
    time_raw, time_key = _pick(turn, TIME_KEYS)
    at = instant(time_raw, time_key, time_zone, required=False)
    agent_id = text_value(turn.get("agent_id"), "agent_id", required=False)
    seq = millis(turn.get("seq"), "seq")  # a whole number >= 0, like an offset
    return Turn(
        participant=who, text=text, seq=seq, begin_offset_ms=begin, end_offset_ms=end,
        started_at=at.utc if at else None, ambiguous=bool(at and at.ambiguous), agent_id=agent_id,
        sentiment=sentiment(turn.get("sentiment"), "sentiment"),
        sentiment_score=number(turn.get("sentiment_score"), "sentiment_score"),
    )


def add_turn(out: Collected, contact_id: str, seq: int, turn: Turn) -> None:
    out.dst_ambiguous += int(turn.ambiguous)
    out.turns.add(
        contact_id=contact_id, turn_seq=turn.seq if turn.seq is not None else seq, participant=turn.participant,
        text=turn.text, agent_id=turn.agent_id, begin_offset_ms=turn.begin_offset_ms,
        end_offset_ms=turn.end_offset_ms, started_at=turn.started_at, sentiment=turn.sentiment,
        sentiment_score=turn.sentiment_score,
    )


def conversation(out: Collected, convo: Any, time_zone: str, *, lines: list[int | None], where: str) -> None:
    """One JSON conversation object: {"contact_id": ..., "turns": [...]}; seq defaults to the turn's index."""
    turns = convo.get("turns") if isinstance(convo, dict) else None
    if not isinstance(turns, list):
        out.records += 1
        out.reject(lines[0] if lines else None, BadField("turns", "no turns array"), convo, where)
        return
    try:
        contact_id = text_value(convo.get("contact_id"), "contact_id")
        assert contact_id is not None
    except BadField as problem:
        out.records += len(turns)
        out.reject(None, problem, {k: v for k, v in convo.items() if k != "turns"},
                   f"{where}: its {len(turns)} turns are not loaded")
        return
    turn_lines = lines if len(lines) == len(turns) else [None] * len(turns)
    for index, raw in enumerate(turns):
        out.records += 1
        try:
            turn = parse_turn(raw, time_zone)
        except BadField as problem:
            out.reject(turn_lines[index], problem, raw, f"{where} turn {index + 1}")
            continue
        add_turn(out, contact_id.strip(), index, turn)
