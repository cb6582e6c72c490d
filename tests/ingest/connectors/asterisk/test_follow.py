"""`--follow`: appended lines become queryable, a partial line waits for its end, a logrotate (rename +
create) loses nothing and a call split across the rotation loads whole. The service's follow loop runs
in a thread and the test queries the same DuckDB database through its own connection; one test runs
the real CLI in a subprocess."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from callboard.core.settings import load_settings
from callboard.runtime import Runtime, build_runtime
from callboard.store.duckdb_store import DuckDBStore

CLI = [sys.executable, "-m", "callboard.cli.main"]
WAIT_S = 60.0


def call(callid: str, at: int, talk_s: int = 60) -> str:
    return (f"{at}|{callid}|sales|NONE|ENTERQUEUE||+1555|1\n"
            f"{at + 4}|{callid}|sales|PJSIP/1001|CONNECT|4|{callid}9|2\n"
            f"{at + 4 + talk_s}|{callid}|sales|PJSIP/1001|COMPLETECALLER|4|{talk_s}|1\n")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


@pytest.fixture
def following(tmp_path: Path) -> Iterator[tuple[Runtime, Path, Callable[[str], object]]]:
    log = tmp_path / "queue_log"
    log.write_text(call("c0", 1_700_000_000))
    runtime = build_runtime(load_settings(tmp_path / "data"))
    reader = runtime.store.cursor()  # its own connection to the same database: safe beside the follower
    stop = threading.Event()
    thread = threading.Thread(target=runtime.ingest.follow, args=("queue-log", [log]),
                              kwargs={"on_report": lambda r: None, "stop": stop, "poll_s": 0.2}, daemon=True)
    thread.start()

    def query(sql: str) -> object:
        return reader.execute(sql).fetchall()

    try:
        yield runtime, log, query
    finally:
        stop.set()
        thread.join(timeout=30)
        runtime.close()


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_S} s: {what}")
        time.sleep(0.05)


def test_follow_loads_appends_partial_lines_and_rotations(following: tuple[Runtime, Path, Callable[[str], object]],
                                                          tmp_path: Path) -> None:
    _, log, query = following
    contact = lambda cid: query(f"SELECT is_open FROM contacts WHERE contact_id = '{cid}'")  # noqa: E731
    wait_for(lambda: contact("c0") == [(False,)], "the file's first call")
    append(log, call("c1", 1_700_000_100))
    wait_for(lambda: contact("c1") == [(False,)], "an appended call")
    # a partial line: ENTERQUEUE complete, CONNECT cut mid-line -> the call is open and waiting
    text = call("c2", 1_700_000_200)
    cut = text.index("CONNECT")
    append(log, text[:cut])
    wait_for(lambda: contact("c2") == [(True,)], "the open call of the complete lines")
    time.sleep(0.5)  # several polls: the partial line is still not read
    assert query("SELECT count(*) FROM agent_segments WHERE contact_id = 'c2'") == [(0,)]
    append(log, text[cut:])
    wait_for(lambda: contact("c2") == [(False,)], "the call once its partial line is complete")
    # logrotate: rename + create; a call enters before and ends after the rotation
    split = call("c3", 1_700_000_300)
    lines = split.splitlines(keepends=True)
    append(log, lines[0])
    wait_for(lambda: contact("c3") == [(True,)], "c3 waiting")
    append(log, lines[1])  # written just before the rename, maybe never polled in the old file
    log.rename(tmp_path / "queue_log.1")
    log.write_text(lines[2] + call("c4", 1_700_000_400))
    wait_for(lambda: contact("c4") == [(False,)], "a call of the new file")
    wait_for(lambda: contact("c3") == [(False,)], "the call split across the rotation, whole")
    assert query("SELECT wait_ms, agent_id FROM queue_entries WHERE contact_id = 'c3'") == [(4000, "PJSIP/1001")]
    assert query("SELECT talk_ms FROM agent_segments WHERE contact_id = 'c3'") == [(60_000,)]
    assert query("SELECT count(*), count(DISTINCT contact_id) FROM contacts") == [(5, 5)]


def test_cli_follow_subprocess_loads_appended_lines(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(call("c0", 1_700_000_000))
    data = tmp_path / "data"
    proc = subprocess.Popen([*CLI, "ingest", "queue-log", str(log), "--follow", "--data-dir", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=Path.cwd())
    assert proc.stdout is not None
    seen: list[str] = []

    def read_until(marker: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            if marker in line:
                return
        raise AssertionError(f"no '{marker}' in CLI output: {''.join(seen)}")

    try:
        read_until("following")  # the first load is reported, then the follow loop starts
        append(log, call("c1", 1_700_000_100))
        read_until("read 3, loaded")  # the follow loop's report for the appended call
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    store = DuckDBStore(data / "analytics.duckdb", read_only=True)
    try:
        assert store.raw.execute("SELECT contact_id FROM contacts ORDER BY 1").fetchall() == [("c0",), ("c1",)]
    finally:
        store.close()
