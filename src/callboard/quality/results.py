"""QA results to the analytics store (`qa_scores`, `qa_item_results`, records/quality_schemas.py), idempotently,
and `reconcile`: compare the store with the app database (the source of truth) and repair any difference.

Writes replace an evaluation's rows as a whole (DELETE + INSERT by `evaluation_id` in one transaction), so
writing the same evaluation twice leaves one copy; each write calls `store.note_change()` so caches keyed on the
store's data version (KpiService.cached, the page caches) never serve QA figures older than the rows. Drafts have no rows; calibration evaluations have rows with
`is_calibration` set, which every agent average filters out. DuckDB only for now (the raw connection creates the
tables with CREATE TABLE IF NOT EXISTS); on another engine writes are skipped and `reconcile` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from callboard.core.errors import EngineUnsupported
from callboard.quality.evaluations import EvaluationView
from callboard.records.quality_schemas import QA_ITEM_RESULTS, QA_SCORES, create_statements
from callboard.store.base import AnalyticsStore


@dataclass(frozen=True)
class ReconcileReport:
    evaluations: int  # non-draft evaluations in the app database
    missing: int  # in the app database, not in the store
    stale: int  # in both, different
    extra: int  # in the store only (deleted or back to draft)
    repaired: int

    @property
    def in_sync(self) -> bool:
        return self.missing == self.stale == self.extra == 0


def score_row(ev: EvaluationView) -> dict[str, Any]:
    c = ev.contact
    return {"evaluation_id": ev.id, "source": c.source, "contact_id": c.contact_id, "agent_id": c.agent_id,
            "team_id": c.team_id, "queue_id": c.queue_id, "channel": c.channel, "evaluator": ev.evaluator,
            "form_id": ev.form.form_id, "form_version": ev.form.version, "contact_at": c.contact_at,
            "submitted_at": ev.submitted_at, "state": ev.state, "revision": ev.revision,
            "is_calibration": ev.is_calibration, "score_pct": ev.score_pct,
            "score_before_fail_pct": ev.score_before_fail_pct, "critical_score_pct": ev.critical_score_pct,
            "fatal": ev.fatal, "critical_failed": ev.critical_failed}


def item_rows(ev: EvaluationView) -> list[dict[str, Any]]:
    result = ev.result()
    rows = [{"evaluation_id": ev.id, "item_kind": "question", "item_id": q.question_id, "section_id": q.section_id,
             "earned": q.earned, "possible": q.possible, "failed": q.failed} for q in result.failable_questions()]
    rows += [{"evaluation_id": ev.id, "item_kind": "section", "item_id": s.section_id, "section_id": s.section_id,
              "earned": s.earned, "possible": s.possible, "failed": s.failed or s.auto_failed}
             for s in result.failable_sections()]
    return rows


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(round(v, 6) if isinstance(v, float) else v for _, v in sorted(row.items()))


class QaResultsStore:
    def __init__(self, store: AnalyticsStore) -> None:
        self.store = store
        self._ready = False

    @property
    def supported(self) -> bool:
        return hasattr(self.store, "raw")

    def _raw(self) -> Any:
        if not self.supported:
            raise EngineUnsupported(f"QA results are written to DuckDB only for now, not {self.store.backend_name}",
                                    hint="see docs/quality.md")
        raw = self.store.raw  # type: ignore[attr-defined]
        if not self._ready:
            for statement in create_statements():
                raw.execute(statement)
            self._ready = True
        return raw

    def write(self, evaluations: Iterable[EvaluationView], *, remove_ids: Iterable[int] = ()) -> int:
        """Replace the rows of `evaluations` (drafts: remove) and of `remove_ids`; returns evaluations written."""
        if not self.supported:
            return 0
        evs = list(evaluations)
        kept = [e for e in evs if e.state != "draft"]
        ids = sorted({e.id for e in evs} | set(remove_ids))
        if not ids:
            return 0
        raw = self._raw()
        scores = pa.Table.from_pylist([score_row(e) for e in kept], schema=QA_SCORES)
        items = pa.Table.from_pylist([r for e in kept for r in item_rows(e)], schema=QA_ITEM_RESULTS)
        id_table = pa.table({"evaluation_id": pa.array(ids, pa.int64())})
        raw.execute("BEGIN TRANSACTION")
        try:
            raw.register("_qa_ids", id_table)
            for table in ("qa_scores", "qa_item_results"):
                raw.execute(f'DELETE FROM "{table}" WHERE evaluation_id IN (SELECT evaluation_id FROM _qa_ids)')
            raw.register("_qa_scores", scores)
            raw.register("_qa_items", items)
            raw.execute('INSERT INTO "qa_scores" SELECT * FROM _qa_scores')
            raw.execute('INSERT INTO "qa_item_results" SELECT * FROM _qa_items')
            raw.execute("COMMIT")
            note_change = getattr(self.store, "note_change", None)
            if note_change is not None:  # result and page caches keyed on the data version see the new rows
                note_change()
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        finally:
            for name in ("_qa_ids", "_qa_scores", "_qa_items"):
                try:
                    raw.unregister(name)
                except Exception:  # noqa: BLE001 - a view that was never registered
                    pass
        return len(kept)

    def stored(self) -> dict[int, tuple[tuple[Any, ...], frozenset[tuple[Any, ...]]]]:
        raw = self._raw()
        scores = raw.execute('SELECT * FROM "qa_scores"').fetch_arrow_table().to_pylist()
        items = raw.execute('SELECT * FROM "qa_item_results"').fetch_arrow_table().to_pylist()
        by_eval: dict[int, set[tuple[Any, ...]]] = {}
        for r in items:
            by_eval.setdefault(r["evaluation_id"], set()).add(_key(r))
        out = {r["evaluation_id"]: (_key(r), frozenset(by_eval.get(r["evaluation_id"], ()))) for r in scores}
        for orphan in set(by_eval) - set(out):
            out[orphan] = ((), frozenset(by_eval[orphan]))
        return out

    def reconcile(self, evaluations: list[EvaluationView], *, repair: bool = True) -> ReconcileReport:
        expected = {e.id: (e, _key(score_row(e)), frozenset(_key(r) for r in item_rows(e)))
                    for e in evaluations if e.state != "draft"}
        have = self.stored()
        missing = [i for i in expected if i not in have]
        stale = [i for i in expected if i in have and have[i] != expected[i][1:]]
        extra = [i for i in have if i not in expected]
        repaired = 0
        if repair and (missing or stale or extra):
            repaired = self.write([expected[i][0] for i in missing + stale], remove_ids=extra) + len(extra)
        return ReconcileReport(len(expected), len(missing), len(stale), len(extra), repaired)
