"""`callboard demo` end to end through Typer: generate, load, report, skip when loaded, reset, serve hand-off."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from callboard.cli.demo_cmd import demo
from callboard.store.duckdb_store import DuckDBStore


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(demo)

    @app.command()
    def other() -> None:  # a second command, so Typer keeps `demo` as a subcommand name
        pass

    return app


def test_demo_command_loads_reports_and_hands_over_to_serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Path | None] = []
    fake = types.ModuleType("callboard.cli.serve_cmd")
    fake.serve = lambda data_dir=None, **_: served.append(data_dir)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "callboard.cli.serve_cmd", fake)
    runner = CliRunner()
    args = ["demo", "--data-dir", str(tmp_path), "--days", "3", "--end-date", "2025-03-30"]

    result = runner.invoke(_app(), [*args, "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "contacts" in result.output and "password 'demo'" in result.output and "a012" in result.output
    assert "sup.care (supervisor)" in " ".join(result.output.split())
    assert served == []
    store = DuckDBStore(tmp_path / "analytics.duckdb")
    contacts = store.count("contacts")
    store.close()
    assert contacts > 3000

    result = runner.invoke(_app(), args)  # already loaded: no new rows, then serve
    assert result.exit_code == 0, result.output
    assert "already loaded (2025-03-28 to 2025-03-30)" in result.output
    assert served == [tmp_path]

    result = runner.invoke(_app(), ["demo", "--data-dir", str(tmp_path), "--days", "2", "--end-date", "2025-03-30",
                                    "--reset", "--no-serve"])
    assert result.exit_code == 0, result.output
    store = DuckDBStore(tmp_path / "analytics.duckdb")
    days = store.raw.execute("SELECT count(DISTINCT arrived_at::DATE) FROM contacts").fetchone()
    store.close()
    assert days == (2,)


def test_bad_end_date_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["demo", "--data-dir", str(tmp_path), "--end-date", "31/03/2025", "--no-serve"])
    assert result.exit_code == 1
    assert "--end-date '31/03/2025' is not a date" in result.output
