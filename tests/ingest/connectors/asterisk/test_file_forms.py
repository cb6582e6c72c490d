"""The forms a queue_log file takes besides plain LF text: gzip-compressed (logrotate's `compress`:
queue_log.1.gz), opened by a UTF-8 byte-order mark, with Windows line ends. Each loads what the plain file
loads; the cursor still makes a re-run add nothing."""

from __future__ import annotations

import codecs
import gzip
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from callboard.core.errors import InvalidInput
from callboard.core.settings import load_settings
from callboard.ingest.connectors.asterisk import CONNECTOR
from callboard.runtime import build_runtime
from tests.ingest.connectors.asterisk.helpers import CALL_TABLES, read, rows, stored

# One agent, two calls; by hand:
#   call .1: waits 12 s (CONNECT holdtime), rings 3 s (CONNECT ringtime -> contacting 3000 ms), talks 90 s
#   call .3: abandons after 30 s (ABANDON waittime)
#   PJSIP/1001: available from 0 (ADDMEMBER), on_contact 12..102 (CONNECT .. COMPLETECALLER), available from 102
ADD = "1700000000|NONE|sales|PJSIP/1001|ADDMEMBER|\n"
CALLS = ("1700000000|1700000000.1|sales|NONE|ENTERQUEUE||+15550001|1\n"
         "1700000012|1700000000.1|sales|PJSIP/1001|CONNECT|12|1700000009.2|3\n"
         "1700000102|1700000000.1|sales|PJSIP/1001|COMPLETECALLER|12|90|1\n"
         "1700000200|1700000200.3|sales|NONE|ENTERQUEUE||+15550002|1\n"
         "1700000230|1700000200.3|sales|NONE|ABANDON|1|1|30\n")
LOG = ADD + CALLS  # 6 lines
ENTRIES = [("1700000000.1", "answered", 12_000, "PJSIP/1001", "+15550001"),
           ("1700000200.3", "abandoned", 30_000, None, "+15550002")]
STATES = [("available", 0), ("on_contact", 12), ("available", 102)]  # (state, seconds after 1700000000)
BOM = codecs.BOM_UTF8


def tables(path: Path, tmp_path: Path) -> dict[str, list[dict[str, Any]]]:
    batch = read(path, tmp_path)
    assert batch.rejections == [], batch.rejections
    return {name: rows(batch, name) for name in CALL_TABLES}


def check_by_hand(found: dict[str, list[dict[str, Any]]]) -> None:
    entries = [(e["contact_id"], e["outcome"], e["wait_ms"], e["agent_id"], e["customer_id"])
               for e in found["queue_entries"]]
    assert entries == ENTRIES
    [segment] = found["agent_segments"]
    assert (segment["talk_ms"], segment["contacting_ms"]) == (90_000, 3_000)
    assert [(s["state"], int(s["started_at"].timestamp()) - 1_700_000_000) for s in found["agent_states"]] == STATES
    assert [c["is_open"] for c in found["contacts"]] == [False, False]


# ---------------------------------------------------------------------------------------------- gzip


def test_a_gzip_log_loads_what_the_plain_log_loads(tmp_path: Path) -> None:
    plain = tmp_path / "queue_log"
    plain.write_text(LOG)
    packed = tmp_path / "queue_log.1.gz"
    packed.write_bytes(gzip.compress(LOG.encode()))
    batch = read(packed, tmp_path)
    assert batch.rows_read == 6  # every line of LOG (before the fix: 0 read, 0 loaded, nothing said)
    check_by_hand(tables(packed, tmp_path))
    assert tables(packed, tmp_path) == tables(plain, tmp_path)


def test_gzip_is_found_by_its_first_bytes_not_its_name(tmp_path: Path) -> None:
    log = tmp_path / "queue_log.1"  # `compress` with a compressext of "" or a file renamed by hand
    log.write_bytes(gzip.compress(LOG.encode()))
    check_by_hand(tables(log, tmp_path))


def test_a_gzip_log_read_again_adds_nothing(tmp_path: Path) -> None:
    log = tmp_path / "queue_log.1.gz"
    log.write_bytes(gzip.compress(LOG.encode()))
    runtime = build_runtime(load_settings(tmp_path / "data"))
    try:
        [first] = runtime.ingest.ingest("queue-log", [log])
        assert first.rows_read == 6 and first.rejected == 0
        # stored: 2 contacts, 2 entries, 1 segment, 3 state intervals (see the top of this file)
        assert stored(runtime.store, "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM queue_entries), "
                      "(SELECT count(*) FROM agent_segments), (SELECT count(*) FROM agent_states)") == [(2, 2, 1, 3)]
        [again] = runtime.ingest.ingest("queue-log", [log])
        assert (again.rows_read, again.loaded, again.updated, again.rejected) == (0, 0, 0, 0)
        assert stored(runtime.store, "SELECT count(*) FROM contacts") == [(2,)]
    finally:
        runtime.close()
    first_read = read(log, tmp_path)
    quiet = read(log, tmp_path, cursor=first_read.cursor)  # unchanged .gz: one stat, nothing opened or read
    assert quiet.cursor == first_read.cursor and quiet.rows_read == 0 and not quiet.tables


def test_a_gzip_file_rewritten_with_more_lines_reads_only_the_new_ones(tmp_path: Path) -> None:
    lines = LOG.splitlines(keepends=True)
    log = tmp_path / "queue_log.gz"
    log.write_bytes(gzip.compress("".join(lines[:3]).encode()))  # `gzip -c queue_log > queue_log.gz`, hourly
    first = read(log, tmp_path)
    assert first.rows_read == 3
    log.write_bytes(gzip.compress(LOG.encode()))  # the same file (inode) rewritten an hour later: 3 lines more
    second = read(log, tmp_path, cursor=first.cursor)
    assert second.rows_read == 3  # lines 4-6; the call .1 (ENTER, CONNECT carried) closes with line 4
    [closed, abandoned] = rows(second, "contacts")
    assert closed["is_open"] is False and closed["customer_id"] == "+15550001"
    assert abandoned["contact_id"] == "1700000200.3"
    with log.open("ab") as handle:  # a second gzip member appended (`cat more.gz >> queue_log.gz`): read too
        handle.write(gzip.compress(b"1700000300|1700000300.5|sales|NONE|ENTERQUEUE||+15550003|1\n"))
    third = read(log, tmp_path, cursor=second.cursor)
    assert third.rows_read == 1 and [c["contact_id"] for c in rows(third, "contacts")] == ["1700000300.5"]


def test_the_last_line_of_a_gzip_log_needs_no_newline(tmp_path: Path) -> None:
    log = tmp_path / "queue_log.1.gz"
    log.write_bytes(gzip.compress(LOG.rstrip("\n").encode()))  # a compressed file never grows: its end ends the line
    assert read(log, tmp_path).rows_read == 6
    check_by_hand(tables(log, tmp_path))


def test_a_damaged_gzip_log_is_refused_in_one_line(tmp_path: Path) -> None:
    log = tmp_path / "queue_log.1.gz"
    log.write_bytes(gzip.compress(LOG.encode())[:-12])  # cut off: no end-of-stream marker
    with pytest.raises(InvalidInput, match=r"queue_log\.1\.gz: damaged gzip file") as caught:
        read(log, tmp_path)
    assert "\n" not in str(caught.value)


def test_split_across_a_rotated_gzip_file_and_the_live_file_as_for_plain_rotated_files(tmp_path: Path) -> None:
    """`ingest queue-log queue_log.1.gz queue_log`: two streams, as for `queue_log.1 queue_log`
    (docs/connectors/asterisk.md, "Cursor, --follow and log rotation")."""
    lines = LOG.splitlines(keepends=True)
    found = {}
    for name, content in (("plain", "".join(lines[:2]).encode()), ("gzip", gzip.compress("".join(lines[:2]).encode()))):
        folder = tmp_path / name
        folder.mkdir()
        rotated = folder / ("queue_log.1.gz" if name == "gzip" else "queue_log.1")
        rotated.write_bytes(content)  # ADDMEMBER and the ENTERQUEUE of call .1
        live = folder / "queue_log"
        live.write_text("".join(lines[2:]))  # its CONNECT and COMPLETECALLER, then call .3
        runtime = build_runtime(load_settings(folder / "data"))
        try:
            assert [r.rows_read for r in runtime.ingest.ingest("queue-log", [rotated, live])] == [2, 4]
            assert [r.rows_read for r in runtime.ingest.ingest("queue-log", [rotated, live])] == [0, 0]  # re-run
            found[name] = [stored(runtime.store, sql) for sql in (
                "SELECT contact_id, customer_id, is_open FROM contacts ORDER BY 1",
                "SELECT contact_id, outcome, wait_ms, agent_id FROM queue_entries ORDER BY 1",
                "SELECT contact_id, talk_ms, contacting_ms FROM agent_segments",
                "SELECT state, epoch(started_at)::INT - 1700000000, ended_at IS NULL FROM agent_states ORDER BY 2, 1")]
        finally:
            runtime.close()
    assert found["gzip"] == found["plain"]
    contacts, entries, segments, states = found["gzip"]
    # call .1 loads from its part in the newer file: closed, wait and talk from CONNECT/COMPLETECALLER, its
    # caller id (on the ENTERQUEUE line of the older file) lost
    assert contacts == [("1700000000.1", None, False), ("1700000200.3", "+15550002", False)]
    assert entries == [("1700000000.1", "answered", 12_000, "PJSIP/1001"), ("1700000200.3", "abandoned", 30_000, None)]
    assert segments == [("1700000000.1", 90_000, 3_000)]
    # the older file's open 'available' (ADDMEMBER at 0) stays open; the newer file's own timeline starts at 12
    assert states == [("available", 0, True), ("on_contact", 12, False), ("available", 102, True)]


def test_a_rotation_compressed_at_once_still_gives_its_tail(tmp_path: Path) -> None:
    """logrotate `compress` without `delaycompress`: queue_log -> queue_log.1 -> queue_log.1.gz before the next
    poll; the lines written after the last read are read from the .gz file."""
    lines = LOG.splitlines(keepends=True)
    log = tmp_path / "queue_log"
    log.write_text("".join(lines[:3]))  # ADDMEMBER, ENTERQUEUE and CONNECT of call .1
    first = read(log, tmp_path)
    with log.open("a") as handle:
        handle.write(lines[3])  # COMPLETECALLER, written after the last read, just before the rotation
    (tmp_path / "queue_log.1.gz").write_bytes(gzip.compress(log.read_bytes()))
    log.unlink()
    log.write_text("".join(lines[4:]))  # call .3 in the new file
    second = read(log, tmp_path, cursor=first.cursor)
    assert second.rows_read == 3  # COMPLETECALLER from queue_log.1.gz, then the 2 lines of the new file
    [closed, abandoned] = rows(second, "contacts")
    assert closed["is_open"] is False and abandoned["is_open"] is False
    [segment] = rows(second, "agent_segments")
    assert segment["talk_ms"] == 90_000


def test_follow_is_refused_for_a_gzip_file_in_one_line(tmp_path: Path) -> None:
    packed = tmp_path / "queue_log.1"
    packed.write_bytes(gzip.compress(LOG.encode()))
    with pytest.raises(InvalidInput, match="gzip-compressed: a compressed queue_log does not grow") as caught:
        CONNECTOR.check_follow(packed)
    assert "\n" not in str(caught.value)
    plain = tmp_path / "queue_log"
    plain.write_text(LOG)
    CONNECTOR.check_follow(plain)  # a plain file can be followed
    # the service's follow loop asks before it reads anything: nothing of the .gz is loaded
    with build_runtime(load_settings(tmp_path / "data")) as runtime:
        with pytest.raises(InvalidInput, match="gzip-compressed"):
            runtime.ingest.follow("queue-log", [plain, packed], on_report=lambda report: None,
                                  stop=threading.Event())
        assert runtime.store.count("contacts") == 0  # type: ignore[attr-defined]
    # and the command refuses it in one line before it loads anything
    data_dir = tmp_path / "cli-data"
    ran = subprocess.run([sys.executable, "-m", "callboard.cli.main", "ingest", "queue-log", str(packed), "--follow",
                          "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 1 and "gzip-compressed" in ran.stderr and "Traceback" not in ran.stderr
    assert "read " not in ran.stdout  # no load report: nothing was loaded


# ----------------------------------------------------------------------------- byte-order mark, CRLF


def test_a_byte_order_mark_before_a_calls_first_line_costs_nothing(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_bytes(BOM + CALLS.encode())  # the first line is call .1's ENTERQUEUE
    batch = read(log, tmp_path)
    assert batch.rejections == []  # before the fix: line 1 rejected (time '\ufeff1700000000'), lines 2-3 with it
    assert [(c["contact_id"], c["customer_id"]) for c in rows(batch, "contacts")] == [
        ("1700000000.1", "+15550001"), ("1700000200.3", "+15550002")]
    assert batch.cursor is not None and batch.cursor.position == len(BOM) + len(CALLS)  # the mark's bytes count
    # line numbers stay physical: a broken 3rd line is line 3
    broken = tmp_path / "broken_log"
    broken.write_bytes(BOM + CALLS.replace("COMPLETECALLER|12|90", "COMPLETECALLER|12|ninety").encode())
    assert [(r.line, r.field) for r in read(broken, tmp_path).rejections] == [(1, "callid"), (2, "callid"),
                                                                              (3, "calltime")]


def test_crlf_and_a_byte_order_mark_load_as_lf_text(tmp_path: Path) -> None:
    plain = tmp_path / "queue_log"
    plain.write_text(LOG)
    windows = tmp_path / "queue_log_windows"
    windows.write_bytes(BOM + LOG.replace("\n", "\r\n").encode())
    assert tables(windows, tmp_path) == tables(plain, tmp_path)
    check_by_hand(tables(windows, tmp_path))
    packed = tmp_path / "queue_log_windows.gz"
    packed.write_bytes(gzip.compress(BOM + LOG.replace("\n", "\r\n").encode()))
    assert tables(packed, tmp_path) == tables(plain, tmp_path)


def test_crlf_lines_appended_later_continue_from_the_cursor(tmp_path: Path) -> None:
    lines = LOG.replace("\n", "\r\n").encode().splitlines(keepends=True)
    log = tmp_path / "queue_log"
    log.write_bytes(BOM + b"".join(lines[:3]) + lines[3][:10])  # the 4th line still being written
    first = read(log, tmp_path)
    assert first.rows_read == 3 and first.rejections == [] and first.cursor is not None
    assert first.cursor.position == 3 + len(b"".join(lines[:3]))  # BOM + 3 whole lines with their CRLF
    with log.open("ab") as handle:
        handle.write(lines[3][10:] + b"".join(lines[4:]))
    second = read(log, tmp_path, cursor=first.cursor)
    assert second.rows_read == 3 and second.rejections == []  # lines 4-6
    assert second.cursor is not None and second.cursor.position == log.stat().st_size
    assert [c["is_open"] for c in rows(second, "contacts")] == [False, False]
