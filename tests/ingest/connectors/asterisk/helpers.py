"""Helpers for the queue_log connector tests: read a file with the connector, load it through the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callboard.core.settings import load_settings
from callboard.ingest.connector import ReadContext
from callboard.ingest.connectors.asterisk import CONNECTOR
from callboard.records.batch import Cursor, LoadBatch
from callboard.records.schemas import KEYS

FIXTURES = Path(__file__).parent / "fixtures"
EVENTS = FIXTURES / "events"
CALL_TABLES = ("contacts", "queue_entries", "agent_segments", "agent_states")


def read(path: Path, tmp_path: Path, cursor: Cursor | None = None, **options: Any) -> LoadBatch:
    """One connector read, no store: what `callboard ingest queue-log` would load from `path`."""
    settings = load_settings(tmp_path / "settings-only")
    context = ReadContext(settings=settings, source="asterisk", stream=str(path.resolve()))
    return CONNECTOR.read(path, cursor=cursor, options={"members": None, **options}, context=context)


def rows(batch: LoadBatch, name: str) -> list[dict[str, Any]]:
    """The batch's rows of one table, ordered by the table's natural key (agent states by agent, start)."""
    table = batch.tables.get(name)
    if table is None:
        return []
    order = ("agent_id", "started_at") if name == "agent_states" else KEYS[name]
    return sorted(table.to_pylist(), key=lambda r: tuple(str(r[k]) for k in order))


def project(found: list[dict[str, Any]], expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`found` rows cut down to the columns each expected row names (same order)."""
    return [{k: row.get(k) for k in want} for row, want in zip(found, expected, strict=False)]


def stored(store: Any, sql: str) -> list[tuple[Any, ...]]:
    return store.raw.execute(sql).fetchall()
