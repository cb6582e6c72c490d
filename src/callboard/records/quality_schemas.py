"""Analytics tables for QA results (kept here until the integrator folds them into records/schemas.py).

`qa_scores`: one row per evaluation that is not a draft, at its current revision (the latest after disputes),
placed at the contact's time so `qa_score` is "by contact date". `qa_item_results`: one row per applicable
question and per visible, non-bonus section of those evaluations, for fail rates. Key: `evaluation_id` (+ item). The app
database is the source of truth; `QualityService` rewrites an evaluation's rows whenever it changes, and
`callboard reconcile` repairs any difference.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

TS = pa.timestamp("us")

QA_SCORES = pa.schema([
    pa.field("evaluation_id", pa.int64(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("contact_id", pa.string(), nullable=False),
    pa.field("agent_id", pa.string(), nullable=False),
    pa.field("team_id", pa.string()),
    pa.field("queue_id", pa.string()),
    pa.field("channel", pa.string()),
    pa.field("evaluator", pa.string(), nullable=False),
    pa.field("form_id", pa.int64(), nullable=False),
    pa.field("form_version", pa.int32(), nullable=False),
    pa.field("contact_at", TS, nullable=False),
    pa.field("submitted_at", TS),
    pa.field("state", pa.string(), nullable=False),
    pa.field("revision", pa.int32(), nullable=False),
    pa.field("is_calibration", pa.bool_(), nullable=False),
    pa.field("score_pct", pa.float64()),  # NULL when every question was N/A
    pa.field("score_before_fail_pct", pa.float64()),
    pa.field("critical_score_pct", pa.float64()),
    pa.field("fatal", pa.bool_(), nullable=False),
    pa.field("critical_failed", pa.bool_(), nullable=False),
])

QA_ITEM_RESULTS = pa.schema([
    pa.field("evaluation_id", pa.int64(), nullable=False),
    pa.field("item_kind", pa.string(), nullable=False),  # question | section
    pa.field("item_id", pa.string(), nullable=False),
    pa.field("section_id", pa.string(), nullable=False),
    pa.field("earned", pa.float64(), nullable=False),
    pa.field("possible", pa.float64(), nullable=False),
    pa.field("failed", pa.bool_(), nullable=False),
])

QUALITY_TABLES: Final[dict[str, pa.Schema]] = {"qa_scores": QA_SCORES, "qa_item_results": QA_ITEM_RESULTS}
QUALITY_KEYS: Final[dict[str, tuple[str, ...]]] = {"qa_scores": ("evaluation_id",),
                                                   "qa_item_results": ("evaluation_id", "item_kind", "item_id")}

_SQL_TYPES = {pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.string(): "VARCHAR", TS: "TIMESTAMP",
              pa.bool_(): "BOOLEAN", pa.float64(): "DOUBLE"}


def create_statements() -> list[str]:
    """CREATE TABLE IF NOT EXISTS for the QA tables (DuckDB SQL)."""
    out = []
    for name, schema in QUALITY_TABLES.items():
        cols = ", ".join(f'"{f.name}" {_SQL_TYPES[f.type]}{"" if f.nullable else " NOT NULL"}' for f in schema)
        out.append(f'CREATE TABLE IF NOT EXISTS "{name}" ({cols})')
    return out
