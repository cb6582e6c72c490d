"""Bad conversations are quarantined with file, line, field and reason; the good ones still load."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from callboard.core.errors import InvalidInput
from tests.ingest.connectors.genesys.genesys_helpers import FIXTURES, conversations, load, rows
from tests.ingest.ingest_csv_helpers import query

GOOD = conversations(FIXTURES / "voice_hold_transfer.json")[0]


def broken(change: str) -> dict[str, Any]:
    """A copy of the good voice conversation with one thing wrong, and a fresh id."""
    conv = copy.deepcopy(GOOD)
    conv["conversationId"] = f"c-{change}"
    alice = conv["participants"][3]
    if change == "no-id":
        del conv["conversationId"]
    elif change == "bad-start":
        conv["conversationStart"] = "yesterday"
    elif change == "end-before-start":
        conv["conversationEnd"] = "2024-03-04T08:00:00.000Z"
    elif change == "segment-backwards":
        alice["sessions"][0]["segments"][2]["segmentEnd"] = "2024-03-04T09:02:00.000Z"
    elif change == "no-user":
        del alice["userId"]
    elif change == "metric-text":
        alice["sessions"][0]["metrics"][0]["value"] = "4500"
    elif change == "no-direction":
        del conv["originatingDirection"]
    elif change == "unknown-media":
        for p in conv["participants"]:
            for s in p["sessions"]:
                s["mediaType"] = "cobrowse"
    elif change == "acd-no-queue":
        del conv["participants"][2]["sessions"][0]["segments"][0]["queueId"]
    elif change == "no-segment-type":
        del alice["sessions"][0]["segments"][1]["segmentType"]
    return conv


# change -> (field, words in the reason)
CASES: dict[str, tuple[str | None, str]] = {
    "no-id": ("conversationId", "required field conversationId is missing"),
    "bad-start": ("conversationStart", "conversationStart yesterday is not an ISO 8601 time"),
    "end-before-start": ("conversationEnd", "conversationEnd is before conversationStart"),
    "segment-backwards": ("participants[3].sessions[0].segments[2].segmentEnd", "segmentEnd is before segmentStart"),
    "no-user": ("participants[3].userId", "names no userId"),
    "metric-text": ("participants[3].sessions[0].metrics[0].value", "metric value must be a number"),
    "no-direction": ("originatingDirection", "must be inbound or outbound"),
    "unknown-media": ("participants[].sessions[].mediaType", "no session has a media type"),
    "acd-no-queue": ("participants[2].sessions[0].segments[].queueId", "names no queueId"),
    "no-segment-type": ("participants[3].sessions[0].segments[1].segmentType", "segmentType is missing"),
}


def test_each_bad_conversation_is_quarantined_and_the_good_ones_load(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(GOOD)] + [json.dumps(broken(c)) for c in CASES] + ["{not json", "[1, 2]"]
    path.write_text("\n".join(lines) + "\n")
    [report] = load(runtime, path)
    assert report.rows_read == 13
    assert (report.loaded, report.rejected) == (1, 12)
    assert [c["contact_id"] for c in rows(runtime, "contacts", "contact_id")] == ["c-voice-1"]
    stored = {r["line"]: r for r in query(runtime, "SELECT * FROM quarantine ORDER BY line")}
    for line, (change, (field, words)) in enumerate(CASES.items(), start=2):
        row = stored[line]
        assert row["file"] == str(path)
        assert row["field"] == field, change
        assert words in row["reason"], (change, row["reason"])
        assert row["reason"].startswith(f"record {line}: "), row["reason"]  # record index, 1-based
        assert row["raw"].startswith("{")
    assert "not valid JSON" in stored[12]["reason"]
    assert stored[13]["reason"] == "record 13: must be an object, got list"


def test_a_damaged_array_keeps_the_conversations_around_the_damage(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    text = (FIXTURES / "abandoned.json").read_text()
    # break the second conversation (c-abandon-2): cut its text in half
    start = text.index('"conversationId": "c-abandon-2"')
    damaged = text[:start + 300] + text[start + 900:]
    path = tmp_path / "damaged.json"
    path.write_text(damaged)
    [report] = load(runtime, path)
    assert report.rejected == 1
    loaded = [c["contact_id"] for c in rows(runtime, "contacts", "contact_id")]
    assert loaded == ["c-abandon-1", "c-flow-1", "c-ivr-1"]
    [bad] = query(runtime, "SELECT * FROM quarantine")
    assert bad["line"] == damaged[:start].count("\n")  # the line of the damaged object's opening brace
    assert "not valid JSON" in bad["reason"]


def test_a_truncated_response_keeps_every_complete_conversation(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    body = json.dumps({"conversations": conversations(FIXTURES / "abandoned.json")}, indent=1)
    cut = body.index('"conversationId": "c-ivr-1"') + 50
    path = tmp_path / "truncated.json"
    path.write_text(body[:cut])
    [report] = load(runtime, path)
    assert (report.loaded, report.rejected) == (3, 1)  # the last conversation is cut: quarantined


def test_an_unreadable_path_is_an_error_with_a_hint(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    with pytest.raises(InvalidInput, match="cannot read"):
        load(runtime, tmp_path)  # a directory


def test_an_empty_file_loads_nothing(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    path = tmp_path / "empty.json"
    path.write_text("  \n")
    [report] = load(runtime, path)
    assert (report.rows_read, report.loaded, report.rejected) == (0, 0, 0)


def test_the_connector_describes_a_valid_record() -> None:
    from callboard.ingest.registry import get_connector

    connector = get_connector("genesys")
    assert connector.default_source == "genesys_cloud"
    assert "conversationId" in connector.valid_record and "open" in connector.valid_record
