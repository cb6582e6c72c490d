"""Fixtures for the survey connector tests: a real Runtime over a DuckDB file in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from callboard.core.settings import Settings
from callboard.runtime.runtime import Runtime, build_runtime


@pytest.fixture
def make_runtime(tmp_path: Path) -> Iterator[Callable[..., Runtime]]:
    opened: list[Runtime] = []

    def make(time_zone: str = "UTC") -> Runtime:
        rt = build_runtime(Settings(data_dir=tmp_path / f"data-{len(opened)}", time_zone=time_zone))
        opened.append(rt)
        return rt

    yield make
    for rt in opened:
        rt.close()


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime()
