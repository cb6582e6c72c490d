"""Amazon transcript items (Contact Lens voice and chat, Transcribe Call Analytics) -> Callboard turns.

A call's items carry offsets in milliseconds from the start of the call; a chat's items carry absolute
times. `turn_seq` is the item's position in the file's `Transcript` array, so it is stable when a
corrected file is loaded again (gaps mark chat events or quarantined items). An item that is not a
valid turn is quarantined with its line in the file and the reason; the other items still load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from callboard.ingest.connectors.transcript_io import BadField, instant, millis, number, text_value
from callboard.ingest.connectors.transcript_rows import Collected, loudness, participant, sentiment

RoleOf = Callable[[dict[str, Any]], tuple[Any, str]]  # item -> (platform role word, field it came from)


def _object(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise BadField("Transcript", "the transcript item is not a JSON object")
    return item


def voice_turns(out: Collected, contact_id: str, items: list[Any], lines: list[int | None], *,
                role_of: RoleOf, loudness_key: str) -> None:
    """Call turns: who spoke, Begin/EndOffsetMillis, Content, Sentiment, mean loudness."""
    for index, raw in enumerate(items):
        out.records += 1
        try:
            item = _object(raw)
            role, role_field = role_of(item)
            who = participant(role, role_field)
            begin = millis(item.get("BeginOffsetMillis"), "BeginOffsetMillis", required=True)
            end = millis(item.get("EndOffsetMillis"), "EndOffsetMillis", required=True)
            assert begin is not None and end is not None
            if end < begin:
                raise BadField("EndOffsetMillis", f"EndOffsetMillis {end} is before BeginOffsetMillis {begin}")
            text = text_value(item.get("Content"), "Content")
            assert text is not None
            label = sentiment(item.get("Sentiment"), "Sentiment")
            loud = loudness(item.get(loudness_key), loudness_key)
        except BadField as problem:
            out.reject(lines[index], problem, raw, f"Transcript item {index + 1}")
            continue
        out.turns.add(contact_id=contact_id, turn_seq=index, participant=who, text=text, begin_offset_ms=begin,
                      end_offset_ms=end, sentiment=label, loudness_score=loud)


def contact_lens_roles(doc: dict[str, Any]) -> RoleOf:
    """Contact Lens voice items name a ParticipantId; the file's Participants list gives its role."""
    roles: dict[str, Any] = {}
    for p in doc.get("Participants") or []:
        if isinstance(p, dict) and isinstance(p.get("ParticipantId"), str):
            roles[p["ParticipantId"]] = p.get("ParticipantRole")

    def role_of(item: dict[str, Any]) -> tuple[Any, str]:
        pid = item.get("ParticipantId")
        if "ParticipantRole" in item and pid is None:
            return item.get("ParticipantRole"), "ParticipantRole"
        return (roles.get(pid, pid) if isinstance(pid, str) else pid), "ParticipantId"

    return role_of


def _chat_sentiments(out: Collected, cc: Any) -> dict[str, tuple[str | None, float | None]]:
    """Item id -> (label, ProgressiveScore) from Sentiment.DetailsByTranscriptItemGroup."""
    groups = cc.get("Sentiment", {}).get("DetailsByTranscriptItemGroup") if isinstance(cc, dict) and isinstance(
        cc.get("Sentiment"), dict) else None
    found: dict[str, tuple[str | None, float | None]] = {}
    for n, group in enumerate(groups if isinstance(groups, list) else [], start=1):
        try:
            if not isinstance(group, dict) or not isinstance(group.get("TranscriptItems"), list):
                raise BadField("Sentiment.DetailsByTranscriptItemGroup", "the group is not an object with TranscriptItems")
            label = sentiment(group.get("Sentiment"), "Sentiment.DetailsByTranscriptItemGroup.Sentiment")
            score = number(group.get("ProgressiveScore"), "Sentiment.DetailsByTranscriptItemGroup.ProgressiveScore")
        except BadField as problem:
            out.reject(None, problem, group, f"ConversationCharacteristics sentiment group {n} (not applied)")
            continue
        for ref in group["TranscriptItems"]:
            if isinstance(ref, dict) and isinstance(ref.get("Id"), str):
                found[ref["Id"]] = (label, score)
    return found


def chat_turns(out: Collected, contact_id: str, doc: dict[str, Any], items: list[Any], lines: list[int | None]) -> None:
    """Chat messages (Type MESSAGE): role, AbsoluteTime, Content, and the sentiment of the item's group.

    Events (participant joined or left, chat ended, typing) are not turns and are skipped."""
    sentiments = _chat_sentiments(out, doc.get("ConversationCharacteristics"))
    for index, raw in enumerate(items):
        if isinstance(raw, dict) and raw.get("Type", "MESSAGE") != "MESSAGE":
            continue
        out.records += 1
        try:
            item = _object(raw)
            who = participant(item.get("ParticipantRole"), "ParticipantRole")
            at = instant(item.get("AbsoluteTime"), "AbsoluteTime", "UTC")
            assert at is not None
            text = text_value(item.get("Content"), "Content")
            assert text is not None
        except BadField as problem:
            out.reject(lines[index], problem, raw, f"Transcript item {index + 1}")
            continue
        item_id = item.get("Id")
        label, score = sentiments.get(item_id, (None, None)) if isinstance(item_id, str) else (None, None)
        out.turns.add(contact_id=contact_id, turn_seq=index, participant=who, text=text, started_at=at.utc,
                      sentiment=label, sentiment_score=score)
