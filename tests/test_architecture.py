"""The layer rules of DESIGN.md hold: import-linter contracts in pyproject.toml must pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_configured_at_import_time() -> None:
    """Importing the web and CLI modules must not open stores or read settings."""
    code = "import callboard.cli.main, callboard.metrics.service; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={"CALLBOARD_DATA_DIR": "/nonexistent/never-created", "PATH": "/usr/bin:/bin"})
    assert result.stdout.strip() == "ok", result.stderr
    assert not Path("/nonexistent/never-created").exists()
