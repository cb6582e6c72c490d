"""Constants and a tiny SQL helper shared by the demo tests."""

from __future__ import annotations

import datetime as dt

import duckdb

END = dt.date(2025, 3, 30)  # a Sunday: 14 days = two full weeks, Monday 17 Mar .. Sunday 30 Mar
TABLES = (
    "contacts", "queue_entries", "agent_segments", "agent_states", "survey_responses", "interval_stats", "agents",
    "queues", "team_memberships",
)


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return row[0]
