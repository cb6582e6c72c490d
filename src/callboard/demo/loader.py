"""Put the demo into an analytics store: load (idempotent), find an earlier demo, remove it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from callboard.core.errors import EngineUnsupported
from callboard.demo.generator import DemoData, generate_demo, queue_table
from callboard.demo.org import LEGACY_SOURCE, QUEUES, SOURCE
from callboard.records.batch import LoadReport
from callboard.store.base import AnalyticsStore

DEMO_SOURCES = (SOURCE, LEGACY_SOURCE, "asterisk_branch")  # branch_pbx.BRANCH_SOURCE
_FACT_TABLES = ("contacts", "queue_entries", "agent_segments", "agent_states", "survey_responses", "interval_stats")


def load_demo(
    store: AnalyticsStore,
    data: DemoData | None = None,
    *,
    seed: int = 7,
    days: int = 90,
    end_date: dt.date | None = None,
    scale: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> list[LoadReport]:
    """Load `data` (or generate it from the arguments): one transaction per batch, organisation first.
    Loading the same demo again adds nothing: every row is keyed by (source, id)."""
    if data is None:
        data = generate_demo(seed=seed, days=days, end_date=end_date, scale=scale, progress=progress)
    reports = []
    for batch in data.batches:
        if progress:
            progress(f"loading {batch.file}")
        reports.append(store.load(batch))
    return reports


def ensure_queue_names(store: AnalyticsStore) -> int:
    """Give a demo loaded before queue names existed its names (insert-if-new: idempotent). Rows added."""
    from callboard.records.batch import LoadBatch

    before = store.count("queues")
    batch = LoadBatch(source=SOURCE, file="demo-queue-names", file_sha256=None)
    batch.add("queues", queue_table(QUEUES))
    batch.rows_read = len(QUEUES)
    store.load(batch)
    return store.count("queues") - before


def existing_demo_period(store: AnalyticsStore) -> tuple[dt.date, dt.date] | None:
    """First and last arrival day of demo contacts already in the store, or None."""
    contacts = store.table("contacts")
    demo = contacts.filter(contacts.source == SOURCE)
    frame = store.execute(demo.aggregate(first=demo.arrived_at.min(), last=demo.arrived_at.max()))
    first, last = frame.iloc[0]["first"], frame.iloc[0]["last"]  # type: ignore[attr-defined]
    if first is None or first != first:  # None or NaT
        return None
    return first.date(), last.date()


def clear_demo(store: AnalyticsStore, agent_ids: list[str]) -> int:
    """Delete every demo row: both demo sources, and the agents and memberships of the demo's agents
    (`agent_ids` plus any agent with demo state records). Returns the number of rows deleted.
    Keep demo and real data in separate data directories: an agent id shared with real data goes too."""
    from callboard.store.duckdb_store import DuckDBStore

    if not isinstance(store, DuckDBStore):
        raise EngineUnsupported(
            f"removing the demo is only supported on the DuckDB store, not {store.backend_name}",
            hint="point --data-dir at a fresh directory instead",
        )
    con = store.raw
    sources = ", ".join(f"'{s}'" for s in DEMO_SOURCES)
    deleted = 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _demo_agents AS "
            f"SELECT DISTINCT agent_id FROM agent_states WHERE source IN ({sources})"
        )
        if agent_ids:
            con.executemany("INSERT INTO _demo_agents VALUES (?)", [[a] for a in agent_ids])
        row = con.execute("DELETE FROM queues WHERE queue_id IN (SELECT unnest(?::VARCHAR[]))",
                          [[q.queue_id for q in QUEUES]]).fetchone()
        deleted += int(row[0]) if row else 0
        for table in ("team_memberships", "agents"):
            row = con.execute(f'DELETE FROM "{table}" WHERE agent_id IN (SELECT agent_id FROM _demo_agents)').fetchone()
            deleted += int(row[0]) if row else 0
        for table in (*_FACT_TABLES, "quarantine", "load_batches"):
            row = con.execute(f'DELETE FROM "{table}" WHERE source IN ({sources})').fetchone()
            deleted += int(row[0]) if row else 0
        con.execute("DROP TABLE _demo_agents")
        con.execute("DELETE FROM connector_cursors WHERE stream LIKE '%/samples/branch_queue_log'")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return deleted
