"""A broken setup is one line naming the fault and exit 1, never a traceback: a data directory that is a file, a
bad value in settings.toml or a CALLBOARD_* variable, a store file that is not a Callboard store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from callboard.store.duckdb_store import DuckDBStore

CLI = [sys.executable, "-m", "callboard.cli.main"]
COMMANDS = [["kpi", "-m", "offered"], ["users", "list"], ["identities", "list"], ["ingest", "queue-log", "LOG"]]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, env={**clean, **(env or {})})


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture()
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "queue_log"
    path.write_text("1772442000|1772442000.1|support|NONE|ENTERQUEUE||1001|1\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_data_dir_that_is_a_file(log_file: Path, command: list[str]) -> None:
    args = [str(log_file) if a == "LOG" else a for a in command]
    line = one_line_error(run(*args, "--data-dir", str(log_file)))
    assert f"the data directory {log_file} is a file, not a folder" in line
    line = one_line_error(run(*args, "--data-dir", str(log_file / "sub")))
    assert f"cannot create the data directory {log_file / 'sub'}: part of that path is a file" in line


def test_a_bad_value_in_settings_toml_names_setting_and_file(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('short_abandon_s = "five"\n', encoding="utf-8")
    line = one_line_error(run("kpi", "-m", "offered", "--data-dir", str(tmp_path)))
    assert f"setting short_abandon_s = 'five' in {tmp_path / 'settings.toml'} is not valid" in line
    assert "short_abandon_s expects a number (default 5.0)" in line


def test_a_negative_window_in_settings_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text("fcr_window_days = -7\n", encoding="utf-8")
    line = one_line_error(run("kpi", "-m", "offered", "--data-dir", str(tmp_path)))
    assert "setting fcr_window_days = -7 in" in line and "greater than or equal to 0" in line


def test_a_bad_environment_variable_names_the_variable(tmp_path: Path) -> None:
    line = one_line_error(run("kpi", "-m", "offered", "--data-dir", str(tmp_path), env={"CALLBOARD_SHORT_ABANDON_S": "abc"}))
    assert "setting short_abandon_s = 'abc' from environment variable CALLBOARD_SHORT_ABANDON_S is not valid" in line


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"garbage\n", "not a DuckDB database file"),
        ("truncated", "cut short: the file ends early"),
        ("checksum", "corrupt: a checksum does not match"),
    ],
)
def test_a_corrupt_analytics_store(tmp_path: Path, content: bytes | str, reason: str) -> None:
    path = tmp_path / "analytics.duckdb"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        DuckDBStore(path).close()  # a real store, then damaged
        data = bytearray(path.read_bytes())
        if content == "truncated":
            data = data[:4096]
        else:
            data[0:8] = bytes(8)
        path.write_bytes(bytes(data))
    for command in (["kpi", "-m", "offered"], ["identities", "list"]):
        line = one_line_error(run(*command, "--data-dir", str(tmp_path)))
        assert f"{path} is not a valid Callboard analytics store: {reason}" in line
        assert "restore it from a backup, or move it away to start empty" in line
        assert "//" not in line  # the path as the user knows it, not duckdb:////tmp/...


def test_a_corrupt_app_database(tmp_path: Path) -> None:
    (tmp_path / "app.db").write_bytes(b"garbage\n")
    line = one_line_error(run("users", "list", "--data-dir", str(tmp_path)))
    assert f"{tmp_path / 'app.db'} is not a valid Callboard app database: not an SQLite database file" in line
    assert "restore it from a backup, or move it away to start empty" in line
