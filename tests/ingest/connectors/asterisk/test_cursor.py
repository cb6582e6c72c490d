"""Cursor behaviour: partial lines, open calls completed later, rotation, copytruncate, quiet polls."""

from __future__ import annotations

import os
from pathlib import Path

from callboard.core.settings import load_settings
from callboard.ingest.connector_run import has_news
from callboard.runtime import build_runtime
from tests.ingest.connectors.asterisk.helpers import read, rows, stored

ENTER = "1700000000|1700000000.1|sales|NONE|ENTERQUEUE||+15551230001|1\n"
CONNECT = "1700000010|1700000000.1|sales|PJSIP/1001|CONNECT|10|1700000007.2|3\n"
COMPLETE = "1700000100|1700000000.1|sales|PJSIP/1001|COMPLETECALLER|10|90|1\n"
OTHER = "1700000200|1700000200.5|sales|NONE|ENTERQUEUE||+15551230009|1\n1700000230|1700000200.5|sales|NONE|ABANDON|1|1|30\n"


def test_partial_last_line_waits_for_its_newline(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(ENTER + CONNECT[:20])  # the CONNECT line is still being written
    first = read(log, tmp_path)
    assert first.rows_read == 1 and first.cursor is not None
    assert first.cursor.position == len(ENTER.encode())  # bytes up to the last newline
    with log.open("a") as handle:
        handle.write(CONNECT[20:] + COMPLETE)
    second = read(log, tmp_path, cursor=first.cursor)
    assert second.rows_read == 2  # the completed CONNECT line and COMPLETECALLER
    assert second.cursor is not None and second.cursor.position == log.stat().st_size
    [contact] = rows(second, "contacts")
    assert contact["is_open"] is False  # ENTER came from the carried state, the rest from this read
    [segment] = rows(second, "agent_segments")
    assert segment["talk_ms"] == 90_000 and segment["contacting_ms"] == 3000


def test_a_quiet_poll_returns_the_same_cursor_and_reads_nothing(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(ENTER + CONNECT)
    first = read(log, tmp_path)
    again = read(log, tmp_path, cursor=first.cursor)
    assert again.cursor == first.cursor and again.rows_read == 0 and not again.tables
    assert not has_news(again, first.cursor)  # the follow loop writes nothing


def test_open_call_is_replaced_by_its_closed_version_in_the_store(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(ENTER + CONNECT)
    runtime = build_runtime(load_settings(tmp_path / "data"))
    try:
        [first] = runtime.ingest.ingest("queue-log", [log])
        assert first.loaded == 2  # the open contact and the agent's open on_contact interval
        assert stored(runtime.store, "SELECT is_open, ended_at FROM contacts") == [(True, None)]
        assert stored(runtime.store, "SELECT talk_ms, acw_ended_at FROM agent_segments") == [(None, None)]
        with log.open("a") as handle:
            handle.write(COMPLETE)
        [second] = runtime.ingest.ingest("queue-log", [log])
        # contact replaced (updated 1); the on_contact interval closed (updated 1) and 'available' opened (new 1)
        assert (second.loaded, second.updated) == (1, 2)
        assert stored(runtime.store, "SELECT is_open FROM contacts") == [(False,)]
        assert stored(runtime.store, "SELECT talk_ms FROM agent_segments") == [(90_000,)]
        assert stored(runtime.store, "SELECT state, ended_at IS NULL FROM agent_states ORDER BY started_at") == [
            ("on_contact", False), ("available", True)]
    finally:
        runtime.close()


def test_a_caller_moved_to_a_second_queue_in_a_later_read_keeps_both_entries(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text("1700000000|1700000000.1|sales|NONE|ENTERQUEUE||+1555|1\n"
                   "1700000030|1700000000.1|sales|NONE|EXITWITHTIMEOUT|1|1|30\n")
    runtime = build_runtime(load_settings(tmp_path / "data"))
    try:
        runtime.ingest.ingest("queue-log", [log])
        with log.open("a") as handle:  # the dialplan sends the caller on to support
            handle.write("1700000031|1700000000.1|support|NONE|ENTERQUEUE||+1555|1\n"
                         "1700000041|1700000000.1|support|PJSIP/1002|CONNECT|10|1700000039.2|2\n"
                         "1700000101|1700000000.1|support|PJSIP/1002|COMPLETEAGENT|10|60|1\n")
        [report] = runtime.ingest.ingest("queue-log", [log])
        assert report.updated >= 1
        assert stored(runtime.store, "SELECT entry_seq, queue_id, outcome, wait_ms FROM queue_entries ORDER BY 1") == [
            (0, "sales", "flowed_out", 30_000), (1, "support", "answered", 10_000)]
    finally:
        runtime.close()


def test_logrotate_rename_and_create_reads_the_old_tail_then_the_new_file(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(ENTER)
    first = read(log, tmp_path)
    with log.open("a") as handle:  # written after the last read, just before logrotate renamed the file
        handle.write(CONNECT)
    log.rename(tmp_path / "queue_log.1")
    log.write_text(COMPLETE + OTHER)
    second = read(log, tmp_path, cursor=first.cursor)
    assert second.rows_read == 4  # CONNECT from queue_log.1, then the 3 lines of the new file
    assert second.cursor is not None and second.cursor.position == log.stat().st_size
    assert second.cursor.fingerprint != first.cursor.fingerprint  # type: ignore[union-attr]
    contacts = {c["contact_id"]: c for c in rows(second, "contacts")}
    assert contacts["1700000000.1"]["is_open"] is False and contacts["1700000200.5"]["is_open"] is False
    [answered, _] = rows(second, "queue_entries")
    assert answered["wait_ms"] == 10_000 and answered["agent_id"] == "PJSIP/1001"


def test_copytruncate_reads_the_truncated_file_from_its_start(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(ENTER + CONNECT)
    first = read(log, tmp_path)
    with log.open("r+") as handle:  # logrotate copytruncate: same inode, emptied, then written again
        handle.truncate(0)
    with log.open("a") as handle:
        handle.write(COMPLETE)
    assert os.stat(log).st_size < first.cursor.position  # type: ignore[union-attr]
    second = read(log, tmp_path, cursor=first.cursor)
    assert second.rows_read == 1
    [contact] = rows(second, "contacts")
    assert contact["is_open"] is False
