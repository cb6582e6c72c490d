"""Bad rows are quarantined with their physical line, field and reason while the good rows load; a file
that does not match its mapping stops with one line naming the file, the column and the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callboard.cli.main import app
from tests.ingest.ingest_csv_helpers import FIXTURES, count, query

MAPPING = """\
source: badtest
kind: contacts
fields:
  contact_id: Call ID
  arrived_at: {column: Start Time, format: "%Y-%m-%d %H:%M:%S"}
  queue_id: Queue
  agent_id: Agent
  wait_ms: {column: Wait Time, format: seconds}
  talk_ms: {column: Talk Time, format: seconds}
  disposition: Disposition
"""

HEADER = b"Call ID,Start Time,Queue,Agent,Wait Time,Talk Time,Disposition"
LINES = [
    HEADER,                                                          # line 1
    b"B-1,2026-01-05 09:00:00,Sales,amy,10,100,ok",                  # 2 good
    b"B-2,2026-02-30 09:00:00,Sales,amy,10,100,ok",                  # 3 no 30 February
    b"B-3,2026-01-05 09:02:00,Sales,amy,abc,100,ok",                 # 4 not a number
    b"B-4,2026-01-05 09:03:00,Sales,a\x00my,10,100,ok",              # 5 NUL byte
    b'B-5,2026-01-05 09:04:00,Sales,amy,10,100,"never closed',       # 6 broken quoting
    b"B-6,2026-01-05 09:05:00,Sales,bob,5,50,ok",                    # 7 good
    b"B-7,2026-01-05 09:06:00,Sales,bob,5,50," + b"x" * 2_000_000,   # 8 a field of 2 MB
    b'B-8,2026-01-05 09:07:00,Sales,bob,5,50,"two',                  # 9 good, a quoted field over
    b'lines"',                                                        # 10   two lines
    b"B-9,2026-01-05 09:08:00,Sales,bob,5,50",                        # 11 a field short
    b"B-10,2026-01-05 09:09:00,Sales,,7,,",                           # 12 good: unanswered, talk blank
    b"B-11,2026-01-05 09:10:00,Sales,bob,-4,50,ok",                   # 13 negative wait
]
EXPECTED = [  # (line, field, words in the reason)
    (3, "Start Time", "'2026-02-30 09:00:00' is not a valid date/time"),
    (4, "Wait Time", "'abc' is not a duration"),
    (5, "Agent", "NUL byte"),
    (6, None, "broken quoting"),
    (8, "Disposition", "longer than 100000 characters"),
    (11, None, "expected 7 fields, found 6"),
    (13, "Wait Time", "'-4' is not a duration >= 0"),
]


@pytest.fixture
def bad_file(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "bad.csv"
    data.write_bytes(b"\n".join(LINES) + b"\n")
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(MAPPING)
    return data, mapping


def test_bad_rows_are_quarantined_and_good_rows_load(runtime_factory, bad_file) -> None:  # type: ignore[no-untyped-def]
    data, mapping = bad_file
    runtime = runtime_factory()
    [report] = runtime.ingest.ingest_csv([data], mapping=mapping)
    assert (report.rows_read, report.loaded, report.rejected) == (11, 4, 7)
    ids = sorted(r["contact_id"] for r in query(runtime, "SELECT contact_id FROM contacts"))
    assert ids == ["B-1", "B-10", "B-6", "B-8"]
    [b8] = query(runtime, "SELECT disposition FROM contacts WHERE contact_id = 'B-8'")
    assert b8["disposition"] == "two\nlines"
    [b10] = query(runtime, "SELECT outcome, wait_ms FROM queue_entries WHERE contact_id = 'B-10'")
    assert b10 == {"outcome": "abandoned", "wait_ms": 7000}
    rows = query(runtime, "SELECT line, field, reason, raw, file FROM quarantine ORDER BY line")
    assert [(r["line"], r["field"]) for r in rows] == [(line, field) for line, field, _ in EXPECTED]
    for row, (_, _, words) in zip(rows, EXPECTED):
        assert words in row["reason"]
        assert row["file"] == str(data)
    assert rows[0]["raw"] == "B-2,2026-02-30 09:00:00,Sales,amy,10,100,ok"


def test_cli_prints_the_report_and_example_reasons(tmp_path: Path, bad_file) -> None:  # type: ignore[no-untyped-def]
    data, mapping = bad_file
    result = CliRunner().invoke(app, ["ingest", "csv", str(data), "--mapping", str(mapping),
                                      "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert f"{data}: read 11, loaded 4, updated 0, duplicates skipped 0, rejected 7" in result.stdout
    assert "rejected line 3, Start Time: '2026-02-30 09:00:00' is not a valid date/time" in result.stdout
    assert "quarantine table" in result.stdout


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    semi = tmp_path / "semicolon.csv"
    semi.write_text(HEADER.decode().replace(",", ";") + "\nB-1;2026-01-05 09:00:00;Sales;amy;10;100;ok\n")
    missing = tmp_path / "missing.csv"
    missing.write_text("Call ID,Start,Queue,Agent,Wait Time,Talk Time,Disposition\nB-1,2026-01-05 09:00:00,S,a,1,2,x\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER + b"\nB-1,2026-01-05 09:00:00,Caf\xe9,amy,10,100,ok\n")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    workbook = tmp_path / "workbook.csv"
    workbook.write_bytes((FIXTURES / "calls_1900.xlsx").read_bytes())
    return {
        "wrong delimiter": (semi, [str(semi), "'Call ID'", "file.delimiter: ';'"]),
        "missing column": (missing, [str(missing), "'Start Time'", "arrived_at", "found 'Call ID', 'Start'"]),
        "encoding": (latin, [str(latin), "not utf-8", "file.encoding", "cp1252"]),
        "binary": (binary, [str(binary), "binary"]),
        "xlsx named csv": (workbook, [str(workbook), "ZIP", "file.format: xlsx"]),
        "no such file": (tmp_path / "nope.csv", ["nope.csv", "no such file"]),
    }


@pytest.mark.parametrize(
    "case", ["wrong delimiter", "missing column", "encoding", "binary", "xlsx named csv", "no such file"]
)
def test_bad_file_stops_with_one_line(tmp_path: Path, bad_file, case: str) -> None:  # type: ignore[no-untyped-def]
    _, mapping = bad_file
    path, words = _bad_files(tmp_path)[case]
    result = CliRunner().invoke(app, ["ingest", "csv", str(path), "--mapping", str(mapping),
                                      "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0]


def test_bad_mapping_names_the_key(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("kind: contacts\nfields:\n  arrived_at: Start\n  talk: Talk Time\n")
    result = CliRunner().invoke(app, ["ingest", "csv", str(FIXTURES / "dst_london.csv"), "--mapping", str(mapping),
                                      "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "unknown field(s) talk" in result.stderr and "talk_ms" in result.stderr
    assert "Traceback" not in result.output


def test_bad_file_through_the_real_command(tmp_path: Path, bad_file) -> None:  # type: ignore[no-untyped-def]
    """The installed `callboard` entry point, as a user runs it: one line, exit 1, and nothing stored."""
    _, mapping = bad_file
    path, words = _bad_files(tmp_path)["wrong delimiter"]
    env = {**os.environ, "NO_COLOR": "1"}
    script = Path(sys.executable).with_name("callboard")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "callboard.cli.main"]
    done = subprocess.run(
        [*command, "ingest", "csv", str(path), "--mapping", str(mapping), "--data-dir", str(tmp_path / "d")],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.count("\n") == 1 and "file.delimiter: ';'" in done.stderr


def test_a_bad_file_among_good_ones_loads_the_good_ones_first(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"")
    from callboard.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="empty"):
        runtime.ingest.ingest_csv([FIXTURES / "dst_london.csv", broken], mapping=FIXTURES / "dst_london.yaml")
    assert count(runtime, "contacts") == 4
