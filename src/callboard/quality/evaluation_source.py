"""Evaluations as plain records for the severity model, the operations reports and sampling exclusions.

The evaluation tables belong to the evaluations module (store/appdb/quality_models.py, migration 0002_quality);
this adapter only reads them and turns each row into an `EvalRecord` (per-question pass/fail re-derived with
the form version's own scoring), so the statistics stay pure and testable on generated records
(`MemorySource`). Calibration evaluations are flagged; callers decide (the severity model and agent figures
leave them out).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import inspect, select

from callboard.quality.forms import Form, parse_form
from callboard.quality.scoring import score
from callboard.store.appdb.engine import AppDb

COUNTED_STATES = ("submitted", "acknowledged", "disputed", "resolved")


@dataclass(frozen=True)
class ItemResult:
    question_id: str
    section_id: str
    failed: bool


@dataclass(frozen=True)
class EvalRecord:
    id: int
    agent_id: str
    evaluator: str
    source: str
    contact_id: str
    contact_at: dt.datetime
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    state: str
    score_pct: float | None
    is_calibration: bool = False
    team_id: str | None = None
    channel: str | None = None
    queue_id: str | None = None
    items: tuple[ItemResult, ...] = ()  # applicable questions outside bonus sections (those never fail)
    failed_sections: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()  # sections with applicable questions
    disputed: bool = False
    overturned: bool = False  # at least one disputed answer was accepted (re-scored)

    @property
    def counted(self) -> bool:
        """Submitted (in any later state), not a calibration scoring."""
        return self.state in COUNTED_STATES and not self.is_calibration


class EvaluationSource(Protocol):
    def records(self, *, from_date: dt.date | None = None, to_date: dt.date | None = None) -> list[EvalRecord]: ...

    def evaluated_contacts(self) -> set[tuple[str, str]]: ...


@dataclass
class MemorySource:
    """Records held in memory (tests, generated demo data)."""

    items: list[EvalRecord]

    def records(self, *, from_date: dt.date | None = None, to_date: dt.date | None = None) -> list[EvalRecord]:
        return [r for r in self.items if (from_date is None or r.contact_at.date() >= from_date)
                and (to_date is None or r.contact_at.date() <= to_date)]

    def evaluated_contacts(self) -> set[tuple[str, str]]:
        return {(r.source, r.contact_id) for r in self.items}


class AppDbSource:
    """Reads `qa_evaluations`, `qa_form_versions` and `qa_disputes` (empty until migration 0002 is applied)."""

    def __init__(self, db: AppDb) -> None:
        self.db = db
        self._forms: dict[int, Form | None] = {}

    def available(self) -> bool:
        return bool(inspect(self.db.engine).has_table("qa_evaluations"))

    def _form(self, s: Any, version_id: int) -> Form | None:
        if version_id not in self._forms:
            from callboard.store.appdb.quality_models import QaFormVersion

            row = s.get(QaFormVersion, version_id)
            try:
                self._forms[version_id] = parse_form(json.loads(row.definition_json)) if row else None
            except Exception:  # a form this adapter cannot read still gives its scores, without items
                self._forms[version_id] = None
        return self._forms[version_id]

    def records(self, *, from_date: dt.date | None = None, to_date: dt.date | None = None) -> list[EvalRecord]:
        if not self.available():
            return []
        from callboard.store.appdb.quality_models import QaDispute, QaEvaluation

        with self.db.session() as s:
            query = select(QaEvaluation)
            if from_date is not None:
                query = query.where(QaEvaluation.contact_at >= dt.datetime.combine(from_date, dt.time()))
            if to_date is not None:
                query = query.where(QaEvaluation.contact_at < dt.datetime.combine(to_date + dt.timedelta(days=1),
                                                                                  dt.time()))
            rows = list(s.scalars(query.order_by(QaEvaluation.id)))
            disputes: dict[int, list[str]] = {}
            for d in s.scalars(select(QaDispute)):
                disputes.setdefault(d.evaluation_id, []).append(d.status)
            return [self._record(s, r, disputes.get(r.id, [])) for r in rows]

    def _record(self, s: Any, r: Any, dispute_states: list[str]) -> EvalRecord:
        items: tuple[ItemResult, ...] = ()
        failed_sections: tuple[str, ...] = ()
        sections: tuple[str, ...] = ()
        form = self._form(s, r.form_version_id)
        if form is not None and r.state != "draft":
            try:
                result = score(form, json.loads(r.answers_json or "{}"))
                items = tuple(ItemResult(q.question_id, q.section_id, q.failed) for q in result.failable_questions())
                sections = tuple(x.section_id for x in result.sections if x.possible > 0 and not x.bonus)
                failed_sections = tuple(x.section_id for x in result.sections if x.failed and not x.bonus)
            except Exception:
                pass
        return EvalRecord(r.id, r.agent_id, r.evaluator, r.source, r.contact_id, r.contact_at, r.created_at,
                          r.submitted_at, r.state, r.score_pct, bool(r.is_calibration), r.team_id, r.channel,
                          r.queue_id, items, failed_sections, sections, bool(dispute_states),
                          "accepted" in dispute_states)

    def evaluated_contacts(self) -> set[tuple[str, str]]:
        if not self.available():
            return set()
        from callboard.store.appdb.quality_models import QaEvaluation

        with self.db.session() as s:
            return {(a, b) for a, b in s.execute(select(QaEvaluation.source, QaEvaluation.contact_id))}


def counted(records: Iterable[EvalRecord]) -> list[EvalRecord]:
    return [r for r in records if r.counted and r.score_pct is not None]
