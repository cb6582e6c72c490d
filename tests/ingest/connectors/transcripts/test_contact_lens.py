"""Contact Lens output files (spec examples) -> transcript_turns and conversation_metrics.

Expected values are read by hand from the published examples (fixtures/README.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from callboard.core.errors import InvalidInput
from callboard.runtime.runtime import Runtime
from tests.ingest.connectors.transcripts.helpers import (
    CHAT, CHAT_CONTACT, CHAT_REDACTED, VOICE, VOICE_REDACTED, metrics, quarantine, turns,
)


def test_voice_turns_from_the_spec_example(runtime: Runtime) -> None:
    [report] = runtime.ingest.ingest("contact-lens", [VOICE], options={"contact_id": "c-voice"})
    got = turns(runtime, "c-voice")
    # 10 Transcript items, alternating AGENT / CUSTOMER from "Okay." (0-90 ms)
    assert len(got) == 10
    assert [t["participant"] for t in got] == ["agent", "customer"] * 5
    first, second, last = got[0], got[1], got[9]
    assert (first["begin_offset_ms"], first["end_offset_ms"], first["text"]) == (0, 90, "Okay.")
    assert first["sentiment"] == "neutral" and first["loudness_score"] == 79.27  # one score: 79.27
    # customer turn 2: 160-4640 ms; loudness mean (66.56+40.06+85.27+82.22+77.66)/5 = 351.77/5 = 70.354
    assert (second["begin_offset_ms"], second["end_offset_ms"]) == (160, 4640)
    assert second["loudness_score"] == 70.35
    assert got[3]["sentiment"] == "negative"  # "I need to cancel..."
    assert (last["begin_offset_ms"], last["end_offset_ms"], last["sentiment"]) == (30580, 32110, "positive")
    assert all(t["started_at"] is None and t["agent_id"] is None and t["source"] == "amazon_connect" for t in got)
    # read = 10 turns + 24 figures (see the metrics test); all loaded
    assert (report.rows_read, report.loaded, report.rejected) == (34, 34, 0)


def test_voice_conversation_metrics(runtime: Runtime) -> None:
    runtime.ingest.ingest("contact-lens", [VOICE], options={"contact_id": "c-voice"})
    m = metrics(runtime, "c-voice")
    assert m[("conversation_duration_ms", "all", 0)] == 32110
    assert m[("talk_time_ms", "all", 0)] == 28698
    assert m[("talk_time_ms", "agent", 0)] == 15079
    assert m[("talk_time_ms", "customer", 0)] == 13619
    assert m[("non_talk_time_ms", "all", 0)] == 0 and m[("non_talk_count", "all", 0)] == 0
    assert m[("interruption_count", "all", 0)] == 0 and m[("interruption_time_ms", "all", 0)] == 0
    assert m[("interruption_count", "agent", 0)] == 0  # InterruptionsByInterrupter is {}: none listed
    assert m[("talk_speed_wpm", "agent", 0)] == 239 and m[("talk_speed_wpm", "customer", 0)] == 163
    assert m[("sentiment_overall_score", "agent", 0)] == 0 and m[("sentiment_overall_score", "customer", 0)] == 3.1
    agent_quarters = [m[("sentiment_quarter_score", "agent", q)] for q in (1, 2, 3, 4)]
    customer_quarters = [m[("sentiment_quarter_score", "customer", q)] for q in (1, 2, 3, 4)]
    assert agent_quarters == [0, -5, 0, 5] and customer_quarters == [-2.5, 5, 5, 5]
    # 24 = duration 1 + talk 3 + non-talk 2 + interruptions 2 + per-interrupter 4 + speed 2 + overall 2 + quarters 8
    assert len(m) == 24


def test_talk_time_agrees_with_turn_durations(runtime: Runtime) -> None:
    """Platform talk time vs the sum of each participant's turn spans, within 100 ms.

    Agent turns: 90 + 1970 + 3990 + 3510 + 5590 = 15150 ms vs TalkTime 15079 (71 ms apart);
    customer: 4480 + 3820 + 2280 + 1530 + 1530 = 13640 vs 13619 (21 ms). Contact Lens measures talk
    time from word-level items, so the two differ slightly (specs/README.md)."""
    runtime.ingest.ingest("contact-lens", [VOICE], options={"contact_id": "c-voice"})
    m = metrics(runtime, "c-voice")
    spans: dict[str, int] = {}
    for t in turns(runtime, "c-voice"):
        spans[t["participant"]] = spans.get(t["participant"], 0) + t["end_offset_ms"] - t["begin_offset_ms"]
    assert spans == {"agent": 15150, "customer": 13640}
    for who in ("agent", "customer"):
        assert abs(spans[who] - m[("talk_time_ms", who, 0)]) <= 100


def test_contact_id_from_the_s3_file_name(runtime: Runtime, tmp_path: Path) -> None:
    named = tmp_path / "5f1e0c4d-1111-2222-3333-444455556666_analysis_redacted_2022-11-30T10:00:00Z.json"
    shutil.copy(VOICE_REDACTED, named)
    runtime.ingest.ingest("contact-lens", [named])
    got = turns(runtime, "5f1e0c4d-1111-2222-3333-444455556666")
    assert len(got) == 10
    assert got[1]["text"] == "Just hello. My name is [PII] and help."  # the redacted twin of turn 2


def test_voice_without_any_contact_id_is_refused(runtime: Runtime) -> None:
    with pytest.raises(InvalidInput, match="ContactId"):
        runtime.ingest.ingest("contact-lens", [VOICE])


def test_chat_turns_and_metrics(runtime: Runtime) -> None:
    [report] = runtime.ingest.ingest("contact-lens", [CHAT])
    got = turns(runtime, CHAT_CONTACT)  # contact id from CustomerMetadata.ContactId
    # 35 items, 4 of them events (customer joined, agent joined, customer left, chat ended): 31 messages
    assert len(got) == 31
    by_role = {r: sum(t["participant"] == r for t in got) for r in ("system", "agent", "customer")}
    assert by_role == {"system": 3, "agent": 15, "customer": 13}
    assert got[0]["turn_seq"] == 1 and got[0]["participant"] == "system"  # item 0 is the join event
    greeting = next(t for t in got if t["participant"] == "agent")
    assert greeting["turn_seq"] == 5 and greeting["started_at"] == dt.datetime(2022, 10, 27, 3, 32, 3, 462000)
    assert greeting["begin_offset_ms"] is None
    # item 5 is in a NEUTRAL group with ProgressiveScore 0; item 6 (customer) NEGATIVE -1.6667
    assert (greeting["sentiment"], greeting["sentiment_score"]) == ("neutral", 0)
    refund = got[4]
    assert refund["turn_seq"] == 6 and refund["sentiment"] == "negative"
    assert refund["sentiment_score"] == pytest.approx(-1.6666666666666667)
    # the agent joined at 03:32:00.951 (item 4) and greeted at 03:32:03.462: 2511 ms = AgentGreetingTimeMillis
    assert (greeting["started_at"] - dt.datetime(2022, 10, 27, 3, 32, 0, 951000)) == dt.timedelta(milliseconds=2511)
    m = metrics(runtime, CHAT_CONTACT)
    assert m[("agent_greeting_time_ms", "agent", 0)] == 2511
    assert m[("response_time_avg_ms", "agent", 0)] == 5575 and m[("response_time_max_ms", "agent", 0)] == 7309
    assert m[("response_time_avg_ms", "customer", 0)] == 5875 and m[("response_time_max_ms", "customer", 0)] == 11366
    assert m[("sentiment_overall_score", "agent", 0)] == pytest.approx(1.1538461538461537)
    assert m[("sentiment_overall_score", "customer", 0)] == 0
    assert m[("sentiment_with_agent_score", "customer", 0)] == 0
    assert (m[("sentiment_begin_score", "customer", 0)], m[("sentiment_end_score", "customer", 0)]) == (-3.75, 3.75)
    assert m[("sentiment_with_agent_begin_score", "customer", 0)] == -3
    assert ("sentiment_begin_score", "system", 0) not in m  # SYSTEM figures are not kept
    assert len(m) == 14
    assert (report.rows_read, report.loaded, report.rejected) == (31 + 14, 31 + 14, 0)


def test_chat_redacted_twin_adds_nothing_after_the_original(runtime: Runtime) -> None:
    """Original and redacted files describe the same turns: whichever loads first is kept."""
    runtime.ingest.ingest("contact-lens", [CHAT])
    [second] = runtime.ingest.ingest("contact-lens", [CHAT_REDACTED])
    assert second.loaded == 0 and second.duplicates == second.rows_read > 0


def test_second_run_adds_nothing(runtime: Runtime, tmp_path: Path) -> None:
    [first] = runtime.ingest.ingest("contact-lens", [CHAT])
    [again] = runtime.ingest.ingest("contact-lens", [CHAT])  # the cursor: file unchanged, nothing read
    assert (again.rows_read, again.loaded) == (0, 0)
    copy = tmp_path / "copy.json"  # a new path has no cursor: everything is read, nothing is new
    shutil.copy(CHAT, copy)
    [other] = runtime.ingest.ingest("contact-lens", [copy])
    assert (other.loaded, other.duplicates) == (0, first.loaded)
    assert len(turns(runtime)) == 31


BAD_VOICE = """{"Version": "VOICE-2022-11-30", "Channel": "VOICE",
"Participants": [{"ParticipantId": "A1", "ParticipantRole": "AGENT"}, {"ParticipantId": "C1", "ParticipantRole": "CUSTOMER"}],
"Transcript": [
{"BeginOffsetMillis": 0, "EndOffsetMillis": 900, "Content": "Hello.", "ParticipantId": "A1", "Sentiment": "NEUTRAL"},
{"BeginOffsetMillis": 1000, "EndOffsetMillis": 2000, "ParticipantId": "C1"},
{"BeginOffsetMillis": 3000, "EndOffsetMillis": 2500, "Content": "Backwards.", "ParticipantId": "C1"},
{"BeginOffsetMillis": 4000, "EndOffsetMillis": 5000, "Content": "Who?", "ParticipantId": "X9"},
{"BeginOffsetMillis": -5, "EndOffsetMillis": 5000, "Content": "Negative.", "ParticipantId": "A1"},
{"BeginOffsetMillis": 6000, "EndOffsetMillis": 7000, "Content": "Angry?", "ParticipantId": "C1", "Sentiment": "FURIOUS"},
"not an item",
{"BeginOffsetMillis": 8000, "EndOffsetMillis": 9000, "Content": "Bye.", "ParticipantId": "C1", "LoudnessScore": [70, null, 80]}
],
"ConversationCharacteristics": {"TalkTime": {"TotalTimeMillis": "lots", "DetailsByParticipant": {"AGENT": {"TotalTimeMillis": 900}}}}
}
"""


def test_bad_items_are_quarantined_with_line_and_reason(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "c-bad_analysis_2024.json"
    path.write_text(BAD_VOICE)
    [report] = runtime.ingest.ingest("contact-lens", [path])
    got = turns(runtime, "c-bad")
    # items 1 and 8 are valid (turn_seq 0 and 7); the last one's loudness is mean(70, 80) = 75 (null skipped)
    assert [(t["turn_seq"], t["text"]) for t in got] == [(0, "Hello."), (7, "Bye.")]
    assert got[1]["loudness_score"] == 75
    q = [(r["line"], r["field"]) for r in quarantine(runtime) if r["field"] != "ConversationCharacteristics.TalkTime.TotalTimeMillis"]
    # the Transcript array opens on line 3, so item k sits on line 3 + k
    assert q == [(5, "Content"), (6, "EndOffsetMillis"), (7, "ParticipantId"), (8, "BeginOffsetMillis"),
                 (9, "Sentiment"), (10, "Transcript")]
    reasons = {r["field"]: r["reason"] for r in quarantine(runtime)}
    assert reasons["Content"] == "Transcript item 2: Content is missing"
    assert "'X9' is not a known participant" in reasons["ParticipantId"]
    assert "is not a number" in reasons["ConversationCharacteristics.TalkTime.TotalTimeMillis"]
    assert metrics(runtime, "c-bad") == {("talk_time_ms", "agent", 0): 900}
    # read: 8 items + 1 stored figure + 1 rejected figure; loaded 2 turns + 1 figure; rejected 6 + 1
    assert (report.rows_read, report.loaded, report.rejected) == (10, 3, 7)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b'{"Transcript": [', "not a complete JSON"), (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b'{"Version": "VOICE-2022-11-30"}', "no Transcript array"), (b"[1, 2]", "no Transcript array"),
])
def test_unreadable_files_raise_invalid_input(runtime: Runtime, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "c1_analysis.json"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        runtime.ingest.ingest("contact-lens", [path])
