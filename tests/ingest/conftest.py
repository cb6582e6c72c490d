"""Fixtures for the CSV/Excel connector tests: a real Runtime (a DuckDB file under tmp_path) per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from callboard.core.settings import load_settings
from callboard.runtime import Runtime, build_runtime


@pytest.fixture
def runtime_factory(tmp_path: Path) -> Iterator[Callable[..., Runtime]]:
    opened: list[Runtime] = []

    def make(time_zone: str = "UTC", name: str = "data") -> Runtime:
        runtime = build_runtime(load_settings(tmp_path / name, time_zone=time_zone))
        opened.append(runtime)
        return runtime

    yield make
    for runtime in opened:
        runtime.close()
