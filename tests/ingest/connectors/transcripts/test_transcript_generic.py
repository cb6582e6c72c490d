"""Callboard's generic transcript format: JSON (contact + turns) and JSONL (one turn per line)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from callboard.core.errors import InvalidInput
from callboard.core.settings import Settings
from callboard.runtime.runtime import Runtime, build_runtime
from tests.ingest.connectors.transcripts.helpers import quarantine, turns

JSON_DOC = {
    "contact_id": "c-100",
    "turns": [
        {"role": "bot", "text": "Welcome to Example Corp.", "start_ms": 0, "end_ms": 1500},
        {"role": "customer", "text": "I need help with my bill.", "start_ms": 1600, "end_ms": 3000,
         "sentiment": "NEGATIVE", "sentiment_score": -0.6},
        {"role": "agent", "text": "Happy to help.", "start_ms": 3100, "end_ms": 4000, "agent_id": "PJSIP/1001"},
    ],
}


def test_json_conversation(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "c-100.json"
    path.write_text(json.dumps(JSON_DOC, indent=2))
    [report] = runtime.ingest.ingest("transcript", [path])
    got = turns(runtime, "c-100")
    assert [(t["turn_seq"], t["participant"], t["begin_offset_ms"], t["end_offset_ms"]) for t in got] == [
        (0, "bot", 0, 1500), (1, "customer", 1600, 3000), (2, "agent", 3100, 4000)]
    assert (got[1]["sentiment"], got[1]["sentiment_score"]) == ("negative", -0.6)
    assert got[2]["agent_id"] == "PJSIP/1001"  # unmapped source identity, loaded as-is
    assert report.unmapped_identities == ("PJSIP/1001",)
    assert all(t["source"] == "transcript" for t in got)
    assert (report.rows_read, report.loaded, report.rejected) == (3, 3, 0)


def test_json_array_of_conversations_and_bad_turns(runtime: Runtime, tmp_path: Path) -> None:
    doc = [JSON_DOC, {"contact_id": "c-200", "turns": [{"role": "agent", "text": "Hi"}, {"role": "agent"}]},
           {"turns": [{"role": "agent", "text": "orphan"}]}]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(doc))
    [report] = runtime.ingest.ingest("transcript", [path])
    assert [t["text"] for t in turns(runtime, "c-200")] == ["Hi"]
    reasons = [(r["field"], r["reason"]) for r in quarantine(runtime)]
    assert ("text", "conversation 2 turn 2: text is missing") in reasons
    assert ("contact_id", "conversation 3: its 1 turns are not loaded: contact_id is missing") in reasons
    assert (report.rows_read, report.loaded, report.rejected) == (6, 4, 2)


JSONL = """\
{"contact_id": "c-1", "role": "agent", "text": "Hello, this is Ana.", "timestamp": "2026-03-02T09:00:05", "agent_id": "ana"}
{"contact_id": "c-1", "role": "customer", "text": "Hi Ana.", "timestamp": "2026-03-02T09:00:09+01:00"}

{"contact_id": "c-2", "role": "caller", "text": "Anyone there?", "timestamp": "2026-03-02T09:01:00Z"}
{"contact_id": "c-1", "role": "wizard", "text": "Abracadabra"}
{"contact_id": "c-1", "role": "agent", "text": "   "}
{"role": "agent", "text": "no contact"}
{"contact_id": "c-1", "role": "agent", "text": "late", "start_ms": 9000, "end_ms": 8000}
{"contact_id": "c-1", "role": "agent", "text": "bad time", "timestamp": "2026-13-40T25:00"}
{"contact_id": "c-1", "role": "agent", "text": "cut off
[1, 2]
{"contact_id": "c-1", "role": "system", "text": "Chat ended."}
"""


def test_jsonl_turns_times_and_quarantine(tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    path.write_text(JSONL)
    with build_runtime(Settings(data_dir=tmp_path / "data", time_zone="Europe/Madrid")) as runtime:
        [report] = runtime.ingest.ingest("transcript", [path])
        c1 = turns(runtime, "c-1")
        # turn_seq = the line's position among the lines naming c-1, rejected ones included (so a fixed line
        # keeps its number): lines 1, 2, 5, 6, 8, 9 are c-1's 0-5 (line 7 names no contact, line 10 is not
        # JSON), so line 12 is c-1's seq 6
        assert [(t["turn_seq"], t["participant"], t["text"]) for t in c1] == [
            (0, "agent", "Hello, this is Ana."), (1, "customer", "Hi Ana."), (6, "system", "Chat ended.")]
        # naive 09:00:05 in Madrid (CET, UTC+1 in March) = 08:00:05 UTC; "+01:00" is respected: 08:00:09 UTC
        assert c1[0]["started_at"] == dt.datetime(2026, 3, 2, 8, 0, 5)
        assert c1[1]["started_at"] == dt.datetime(2026, 3, 2, 8, 0, 9)
        assert c1[0]["agent_id"] == "ana"
        [c2] = turns(runtime, "c-2")
        assert (c2["participant"], c2["started_at"]) == ("customer", dt.datetime(2026, 3, 2, 9, 1))  # caller, Z
        q = [(r["line"], r["field"]) for r in quarantine(runtime)]
        assert q == [(5, "role"), (6, "text"), (7, "contact_id"), (8, "end_ms"), (9, "timestamp"), (10, "line"),
                     (11, "line")]
        # 12 lines, the blank line 3 is not a record: 11 read = 4 loaded + 7 rejected
        assert (report.rows_read, report.loaded, report.rejected) == (11, 4, 7)


def test_jsonl_appended_lines_continue_from_the_cursor(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    path.write_text('{"contact_id": "c-9", "role": "agent", "text": "one"}\n'
                    '{"contact_id": "c-9", "role": "customer", "text": "two"}\n')
    runtime.ingest.ingest("transcript", [path])
    with path.open("a") as handle:
        handle.write('{"contact_id": "c-9", "role": "agent", "text": "three"}\n')
    [second] = runtime.ingest.ingest("transcript", [path])
    assert (second.rows_read, second.loaded) == (1, 1)  # only the new line is read
    assert [(t["turn_seq"], t["text"]) for t in turns(runtime, "c-9")] == [(0, "one"), (1, "two"), (2, "three")]
    [third] = runtime.ingest.ingest("transcript", [path])
    assert (third.rows_read, third.loaded) == (0, 0)


def test_rewritten_file_is_read_again_and_adds_nothing(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    line = '{"contact_id": "c-5", "role": "agent", "text": "hello"}\n'
    path.write_text(line)
    runtime.ingest.ingest("transcript", [path])
    path.write_text(line.replace(", ", ",  "))  # other bytes, same turn: the cursor no longer fits, read it all
    [again] = runtime.ingest.ingest("transcript", [path])
    assert (again.rows_read, again.loaded, again.duplicates) == (1, 0, 1)


def test_single_line_json_file_is_jsonl_and_truncated_json_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text('{"contact_id": "c-7", "role": "agent", "text": "only line"}')
    runtime.ingest.ingest("transcript", [one])
    assert [t["text"] for t in turns(runtime, "c-7")] == ["only line"]
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(JSON_DOC, indent=2)[:120])
    with pytest.raises(InvalidInput, match="not a complete JSON document"):
        runtime.ingest.ingest("transcript", [cut])


# A live export: lines 1-4 complete, line 5 cut off mid-write (no line end yet).
LIVE_HEAD = (
    '{"contact_id": "c-1", "role": "agent", "text": "Hello, this is Ana."}\n'  # line 1: c-1 seq 0
    '{"contact_id": "c-1", "role": "customer", "text": "Hi Ana."}\n'  # line 2: seq 1
    '{"contact_id": "c-1", "role": "alien", "text": "zzz"}\n'  # line 3: seq 2, quarantined (role)
    '{"contact_id": "c-1", "role": "agent", "text": "   "}\n'  # line 4: seq 3, quarantined (text)
)
LINE_5 = '{"contact_id": "c-1", "role": "agent", "text": "cut off"}'


def test_jsonl_partial_last_line_waits_until_it_is_complete(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    path.write_text(LIVE_HEAD + LINE_5[:48])  # '..."text": "cut' : the writer is still at it
    [first] = runtime.ingest.ingest("transcript", [path])
    # lines 1-4 read (2 loaded, 2 rejected); line 5 is neither read nor quarantined
    assert (first.rows_read, first.loaded, first.rejected) == (4, 2, 2)
    assert [(r["line"], r["field"]) for r in quarantine(runtime)] == [(3, "role"), (4, "text")]
    [again] = runtime.ingest.ingest("transcript", [path])  # unchanged file, line 5 still partial
    assert (again.rows_read, again.loaded, again.rejected) == (0, 0, 0)

    with path.open("a") as handle:  # the writer finishes line 5 and writes line 6
        handle.write(LINE_5[48:] + '\n{"contact_id": "c-1", "role": "customer", "text": "Bye"}\n')
    [second] = runtime.ingest.ingest("transcript", [path])
    assert (second.rows_read, second.loaded, second.rejected) == (2, 2, 0)
    # c-1's lines are seq 0-5 (lines 3 and 4 keep their numbers 2 and 3 though quarantined)
    assert [(t["turn_seq"], t["participant"], t["text"]) for t in turns(runtime, "c-1")] == [
        (0, "agent", "Hello, this is Ana."), (1, "customer", "Hi Ana."), (4, "agent", "cut off"),
        (5, "customer", "Bye")]
    assert [(r["line"], r["field"]) for r in quarantine(runtime)] == [(3, "role"), (4, "text")]
    [third] = runtime.ingest.ingest("transcript", [path])
    assert (third.rows_read, third.loaded) == (0, 0)


def test_jsonl_complete_last_line_without_line_end_loads_once(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    path.write_text(LIVE_HEAD + LINE_5)  # line 5 is a whole object; the file just lacks a final newline
    [first] = runtime.ingest.ingest("transcript", [path])
    assert (first.rows_read, first.loaded, first.rejected) == (5, 3, 2)
    assert [(t["turn_seq"], t["text"]) for t in turns(runtime, "c-1")] == [
        (0, "Hello, this is Ana."), (1, "Hi Ana."), (4, "cut off")]
    [again] = runtime.ingest.ingest("transcript", [path])
    assert (again.rows_read, again.loaded) == (0, 0)

    with path.open("a") as handle:  # the line end arrives with two more lines, one of them bad
        handle.write('\n{"contact_id": "c-1", "role": "customer"}\n'
                     '{"contact_id": "c-1", "role": "customer", "text": "Bye"}\n')
    [second] = runtime.ingest.ingest("transcript", [path])
    # only lines 6 and 7 are read: line 5 is not read again, not duplicated, not cut into a bad tail
    assert (second.rows_read, second.loaded, second.rejected, second.duplicates) == (2, 1, 1, 0)
    assert [(t["turn_seq"], t["text"]) for t in turns(runtime, "c-1")] == [
        (0, "Hello, this is Ana."), (1, "Hi Ana."), (4, "cut off"), (6, "Bye")]  # line 6 is seq 5, rejected
    assert [(r["line"], r["field"]) for r in quarantine(runtime)] == [(3, "role"), (4, "text"), (6, "text")]


def test_jsonl_last_line_that_is_not_an_object_waits_for_its_line_end(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"contact_id": "c-3", "role": "agent", "text": "one"}\n12')  # a number may still grow
    [first] = runtime.ingest.ingest("transcript", [path])
    assert (first.rows_read, first.loaded, first.rejected) == (1, 1, 0)
    with path.open("a") as handle:
        handle.write("34\n")
    [second] = runtime.ingest.ingest("transcript", [path])  # now a complete line: quarantined whole
    assert (second.rows_read, second.rejected) == (1, 1)
    assert [(r["line"], r["field"], r["raw"]) for r in quarantine(runtime)] == [(2, "line", "1234")]


def test_jsonl_partial_first_and_only_line(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    line = '\ufeff{"contact_id": "c-4", "role": "agent", "text": "first"}'
    path.write_text(line[:20], encoding="utf-8")
    [first] = runtime.ingest.ingest("transcript", [path])
    assert (first.rows_read, first.rejected) == (0, 0)
    path.write_text(line, encoding="utf-8")  # completed, still no line end; a BOM before it
    [second] = runtime.ingest.ingest("transcript", [path])
    assert (second.rows_read, second.loaded) == (1, 1)
    assert [(t["turn_seq"], t["text"]) for t in turns(runtime, "c-4")] == [(0, "first")]
    assert quarantine(runtime) == []
