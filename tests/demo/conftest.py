"""Shared demo fixtures: one 14-day generation per session (fast), loaded once into a DuckDB file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from callboard.demo import DemoData, generate_demo, load_demo
from callboard.store.duckdb_store import DuckDBStore
from tests.demo.helpers import END, TABLES


@pytest.fixture(scope="session")
def demo14() -> DemoData:
    return generate_demo(seed=7, days=14, end_date=END)


@pytest.fixture(scope="session")
def sql14(demo14: DemoData) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB over the generated (not loaded) tables, for checking claims with SQL."""
    con = duckdb.connect()
    for name in TABLES:
        con.register(name, demo14.table(name))
    yield con
    con.close()


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    s = DuckDBStore(tmp_path / "analytics.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def loaded14(demo14: DemoData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    s = DuckDBStore(tmp_path_factory.mktemp("demo14") / "analytics.duckdb")
    load_demo(s, demo14)
    yield s
    s.close()

