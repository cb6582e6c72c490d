"""Shared helpers for the Amazon Connect connector tests: a Runtime on a DuckDB file in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from callboard.core.settings import load_settings
from callboard.records.batch import LoadReport
from callboard.runtime import Runtime, build_runtime

FIXTURES = Path(__file__).parent / "fixtures"
SPECS = FIXTURES
INSTANCE = "arn:aws:connect:us-east-1:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111"


def agent(n: int) -> str:
    return f"{INSTANCE}/agent/agent-{n}"


def runtime(tmp_path: Path, name: str = "data") -> Runtime:
    return build_runtime(load_settings(tmp_path / name))


def rows(rt: Runtime, table: str, *columns: str) -> list[dict[str, Any]]:
    """All rows of a canonical table, sorted, restricted to the named columns."""
    found = rt.store.table(table).to_pyarrow().to_pylist()
    picked = [{c: r[c] for c in columns} for r in found]
    return sorted(picked, key=lambda r: tuple(str(r[c]) for c in columns))


@contextmanager
def loaded_file(tmp_path: Path, name: str, content: str | bytes) -> Iterator[tuple[Runtime, LoadReport]]:
    """Write `content` to tmp_path/name, load it with connect-ctr into a fresh store, and yield the runtime (closed
    afterwards) with the load report."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    rt = runtime(tmp_path)
    try:
        (report,) = rt.ingest.ingest("connect-ctr", [path])
        yield rt, report
    finally:
        rt.close()
