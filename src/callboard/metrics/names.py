"""Display names the sources gave for agents and queues (the `agents` and `queues` dimension tables)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.datatypes as dt

from callboard.store.base import AnalyticsStore


def queue_names(store: AnalyticsStore) -> dict[str, str]:
    """queue_id -> display name from the `queues` table, for queues whose source gave one (the pages and the
    wallboard show the id for the others)."""
    return {str(r["queue_id"]): str(r["display_name"]) for r in display_names(store, "queues", "queue_id")
            if r.get("display_name")}


QUEUE_ID_TABLES = ("queue_entries", "agent_segments", "interval_stats", "queues")


def queue_ids(store: AnalyticsStore) -> set[str]:
    """Every queue id the stored facts name (for matching a filter's letter case: CSV data has no names table)."""
    parts = [store.table(t).select(queue_id=store.table(t).queue_id.cast(dt.String(nullable=True))).distinct()
             for t in QUEUE_ID_TABLES]
    column = ibis.union(*parts, distinct=True).to_pyarrow().column("queue_id").to_pylist()
    return {str(v) for v in column if v is not None}


def queue_ids_named(names: dict[str, str], values: list[str], ids: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """A queue filter's values with the ids of queues whose display name a value gives, and the stored ids that
    differ from a value only in letter case (`ids`), so `--where queue=billing` finds queue q_billing as the
    pages name it "Billing", and queue "Billing" of a CSV file without names. Every value is kept as given too."""
    by_name: dict[str, list[str]] = {}
    for queue_id, name in names.items():
        by_name.setdefault(name.casefold(), []).append(queue_id)
    for queue_id in ids:
        if queue_id not in by_name.get(queue_id.casefold(), ()):
            by_name.setdefault(queue_id.casefold(), []).append(queue_id)
    out: list[str] = []
    for value in values:
        for found in (value, *sorted(by_name.get(value.casefold(), ()))):
            if found not in out:
                out.append(found)
    return out


def display_names(store: AnalyticsStore, table: str, key: str) -> list[dict[str, Any]]:
    expr = store.table(table).select(key, "display_name")
    result = store.to_pyarrow(expr) if hasattr(store, "to_pyarrow") else store.execute(expr)  # type: ignore[attr-defined]
    return result.to_pylist() if hasattr(result, "to_pylist") else result.to_dict("records")  # type: ignore[no-any-return]
