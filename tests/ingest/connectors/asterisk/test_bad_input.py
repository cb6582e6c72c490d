"""Broken lines: quarantined with file, line and reason; a call with a broken line is quarantined whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from callboard.core.errors import InvalidInput
from tests.ingest.connectors.asterisk.helpers import read, rows

GOOD = ("1700000000|1700000000.1|sales|NONE|ENTERQUEUE||+1555|1\n"
        "1700000042|1700000000.1|sales|NONE|ABANDON|1|1|42\n")
BROKEN = ("1700000100|1700000100.2|sales|NONE|ENTERQUEUE||+1666|1\n"
          "1700000110|1700000100.2|sales|PJSIP/1001|CONNECT|ten|1700000107.3|3\n"  # holdtime not a number
          "1700000170|1700000100.2|sales|PJSIP/1001|COMPLETECALLER|10|60|1\n")


def test_a_broken_line_takes_its_call_with_it_and_spares_the_others(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(GOOD + BROKEN)
    batch = read(log, tmp_path)
    assert [c["contact_id"] for c in rows(batch, "contacts")] == ["1700000000.1"]
    assert rows(batch, "agent_segments") == []
    found = [(r.line, r.field) for r in batch.rejections]
    assert found == [(3, "callid"), (4, "holdtime"), (5, "callid")]  # lines 3-5 are the broken call
    bad = batch.rejections[1]
    assert bad.file == str(log) and "CONNECT holdtime 'ten' is not a whole number" in bad.reason
    assert "its line 4 of" in batch.rejections[0].reason and bad.raw == BROKEN.splitlines()[1]


def test_later_lines_of_a_quarantined_call_are_quarantined_too(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(BROKEN.splitlines(keepends=True)[0] + BROKEN.splitlines(keepends=True)[1])
    first = read(log, tmp_path)
    assert len(first.rejections) == 2 and "contacts" not in first.tables
    with log.open("a") as handle:
        handle.write(BROKEN.splitlines(keepends=True)[2] + GOOD)
    second = read(log, tmp_path, cursor=first.cursor)
    assert [r.line for r in second.rejections] == [3]
    assert "an earlier line of it was malformed" in second.rejections[0].reason
    assert [c["contact_id"] for c in rows(second, "contacts")] == ["1700000000.1"]


@pytest.mark.parametrize(("line", "field", "reason"), [
    ("1700000000|1700000000.1|sales", "line", "found 3 field(s)"),
    ("17000x0000|1700000000.1|sales|NONE|ENTERQUEUE||+1|1", "time", "is not a Unix time"),
    ("1e9|1700000000.1|sales|NONE|ENTERQUEUE||+1|1", "time", "is not a Unix time"),
    ("1700000000|1700000000.1|sales|NONE|ENTER QUEUE||+1|1", "event", "is not a word"),
    ("1700000000|NONE|sales|NONE|ENTERQUEUE||+1|1", "callid", "needs the caller's channel id"),
    ("1700000000|1700000000.1|NONE|NONE|ENTERQUEUE||+1|1", "queue", "needs a queue name"),
    ("1700000000|1700000000.1|sales|NONE|CONNECT|3|x|1", "agent", "needs the member"),
    ("1700000000|1700000000.1|sales|PJSIP/1|RINGNOANSWER|-5", "ringtime", "not a whole number"),
    ("1700000000|1700000000.1|sales|NONE|EXITWITHKEY|1|1|1|", "waittime", "not a whole number"),
    ("1700000000|1700000000.1|sales|PJSIP/1|ATTENDEDTRANSFER|BRIDGE|4|20|1", "line", "expected at least 10"),
    ("1700000000|NONE|sales||PAUSE|Lunch", "agent", "needs the member"),
])
def test_each_check_names_its_field(line: str, field: str, reason: str, tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(line + "\n")
    [rejection] = read(log, tmp_path).rejections
    assert (rejection.line, rejection.field) == (1, field) and reason in rejection.reason, rejection


def test_binary_garbage_is_quarantined_line_by_line_without_a_crash(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(b"\x00\xff\xfe|\x01\n\x89PNG\r\n" + GOOD.encode())
    batch = read(log, tmp_path)
    assert [r.line for r in batch.rejections] == [1, 2]
    assert len(rows(batch, "contacts")) == 1


def test_a_broken_agent_line_is_quarantined_alone(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text("1700000000|MANAGER|sales|PJSIP/1001|ADDMEMBER|\n1700000050|NONE|sales||PAUSE|Lunch\n" + GOOD)
    batch = read(log, tmp_path)
    assert [r.line for r in batch.rejections] == [2]
    assert [(s["agent_id"], s["state"]) for s in rows(batch, "agent_states")] == [("PJSIP/1001", "available")]
    assert len(rows(batch, "contacts")) == 1


def test_a_directory_is_not_a_queue_log(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        read(tmp_path, tmp_path)


def test_members_file_folds_interfaces_into_member_names(tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text("interface,member_name\nPJSIP/1001,Alice\n")
    log = tmp_path / "queue_log"
    log.write_text("1700000000|MANAGER|sales|PJSIP/1001|ADDMEMBER|\n"  # membership logged by interface
                   "1700000100|NONE|sales|Alice|PAUSE|Lunch\n")  # pauses and calls by member name
    batch = read(log, tmp_path, members=str(members))
    # one timeline: available 0-100, then aux Lunch (without the file: two agents, one never leaving available)
    assert [(s["agent_id"], s["state"], s["reason"]) for s in rows(batch, "agent_states")] == [
        ("Alice", "available", None), ("Alice", "aux", "Lunch")]
    bad = tmp_path / "bad.csv"
    bad.write_text("who,name\n")
    with pytest.raises(InvalidInput, match="interface,member_name"):
        read(log, tmp_path, members=str(bad))
