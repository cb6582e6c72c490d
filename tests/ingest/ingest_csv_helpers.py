"""Helpers for the CSV/Excel connector tests (imported by the test modules and conftest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from callboard.runtime import Runtime

FIXTURES = Path(__file__).parent / "fixtures"


def query(runtime: Runtime, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = runtime.store.raw.execute(sql, params or [])  # type: ignore[attr-defined]
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def count(runtime: Runtime, table: str) -> int:
    return int(query(runtime, f'SELECT count(*) AS n FROM "{table}"')[0]["n"])


def counts(runtime: Runtime, tables: list[str]) -> dict[str, int]:
    return {t: count(runtime, t) for t in tables}


def as_naive(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value
