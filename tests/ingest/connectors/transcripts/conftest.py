"""Fixtures for the transcript connector tests: a real Runtime over a DuckDB file in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.core.settings import Settings
from callboard.runtime.runtime import Runtime, build_runtime


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    with build_runtime(Settings(data_dir=tmp_path / "data")) as rt:
        yield rt
