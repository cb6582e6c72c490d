"""CalibrationService: calibration sessions (blind until submit), their agreement analysis and evaluator drift;
plus the evaluator-adjusted scores and QA operations reports (qa_ops.py).

Rules: everything needs `manage_evaluations` except the reports (`view_evaluations` with `view_teams`: not
agents). A participant sees only their own answers until they have submitted every contact of the session;
then, or once the session is closed, the analysis and everyone's answers. Non-participants who manage
evaluations (the facilitator, admins) see everything. A submitted scoring is final. Calibration scorings
live in their own tables, so they never reach agent averages or the KPI store. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from callboard.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.org.org import OrgService
from callboard.quality.calibration import Drift, DriftPoint, Scoring, SessionAnalysis, analyse, drift
from callboard.quality.evaluation_source import AppDbSource, EvaluationSource
from callboard.quality.forms import Form, parse_form
from callboard.quality.qa_ops import QaOps
from callboard.quality.sampling_candidates import contact_infos
from callboard.quality.scoring import score
from callboard.store.appdb.calibration_models import (
    QaCalibrationContact,
    QaCalibrationParticipant,
    QaCalibrationScore,
    QaCalibrationSession,
)
from callboard.store.appdb.engine import AppDb

ENTITY = "qa_calibration_session"


@dataclass(frozen=True)
class SessionContact:
    id: int
    source: str
    contact_id: str
    agent_id: str
    channel: str | None
    contact_at: dt.datetime


@dataclass(frozen=True)
class ScoreView:
    contact_row_id: int
    evaluator: str
    answers: dict[str, Any]
    score_pct: float | None
    submitted: bool


@dataclass(frozen=True)
class SessionView:
    id: int
    name: str
    form_version_id: int
    reference: str
    expert: str | None
    status: str
    scheduled_on: dt.date
    created_by: str
    participants: tuple[str, ...]
    contacts: tuple[SessionContact, ...]
    submitted_by: tuple[str, ...]  # participants who submitted every contact


@dataclass(frozen=True)
class SessionDetail:
    session: SessionView
    form: Form | None
    mine: tuple[ScoreView, ...]
    revealed: bool  # may the viewer see everyone's answers and the analysis
    scores: tuple[ScoreView, ...]  # everyone's submitted answers when revealed, else ()
    analysis: SessionAnalysis | None


class CalibrationService:
    def __init__(self, app_db: AppDb, org: OrgService, *, evaluations: EvaluationSource | None = None) -> None:
        self.db = app_db
        self.org = org
        self.ops = QaOps(evaluations or AppDbSource(app_db))

    # -- forms -----------------------------------------------------------------------------------
    def load_form(self, version_id: int) -> Form:
        from callboard.store.appdb.quality_models import QaFormVersion

        with self.db.session() as s:
            row = s.get(QaFormVersion, version_id)
            if row is None:
                raise NotFound(f"no form version {version_id}", hint="pick a published form version")
            return parse_form(json.loads(row.definition_json))

    # -- sessions --------------------------------------------------------------------------------
    def _view(self, s: Any, row: QaCalibrationSession) -> SessionView:
        people = tuple(sorted(p.username for p in s.scalars(select(QaCalibrationParticipant).where(
            QaCalibrationParticipant.session_id == row.id))))
        contacts = tuple(SessionContact(c.id, c.source, c.contact_id, c.agent_id, c.channel, c.contact_at)
                         for c in s.scalars(select(QaCalibrationContact).where(QaCalibrationContact.session_id == row.id)
                                            .order_by(QaCalibrationContact.id)))
        done = [sc.evaluator for sc in s.scalars(select(QaCalibrationScore).where(
            QaCalibrationScore.session_id == row.id, QaCalibrationScore.submitted_at.is_not(None)))]
        submitted = tuple(p for p in people if contacts and done.count(p) == len(contacts))
        return SessionView(row.id, row.name, row.form_version_id, row.reference, row.expert, row.status,
                           row.scheduled_on, row.created_by, people, contacts, submitted)

    def sessions(self, viewer: Viewer) -> list[SessionView]:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            rows = s.scalars(select(QaCalibrationSession).order_by(QaCalibrationSession.scheduled_on.desc(),
                                                                   QaCalibrationSession.id.desc()))
            return [self._view(s, r) for r in rows]

    def create_session(self, viewer: Viewer, *, name: str, form_version_id: int, contact_ids: list[str],
                       participants: list[str], reference: str = "expert", expert: str | None = None,
                       scheduled_on: dt.date | None = None) -> int:
        viewer.require("manage_evaluations")
        if reference not in ("expert", "consensus"):
            raise InvalidInput(f"unknown reference '{reference}'", hint="expert or consensus")
        people = list(dict.fromkeys(p.strip() for p in participants if p.strip()))
        if reference == "expert":
            if not expert:
                raise InvalidInput("an expert-referenced session needs an expert", hint="or use consensus")
            if expert not in people:
                people.append(expert)
        if len([p for p in people if p != expert]) < 2:
            raise InvalidInput("calibration needs at least two evaluators besides the expert")
        if not contact_ids:
            raise InvalidInput("a calibration session needs at least one contact")
        self.load_form(form_version_id)
        found = contact_infos(self.org.store, list(dict.fromkeys(contact_ids)))
        missing = [c for c in contact_ids if c not in found]
        if missing:
            raise NotFound(f"no handled contact {', '.join(missing[:5])}", hint="use contact ids from the contacts page")
        with self.db.session() as s:
            row = QaCalibrationSession(name=name.strip() or "Calibration", form_version_id=form_version_id,
                                       reference=reference, expert=expert if reference == "expert" else None,
                                       status="open", scheduled_on=scheduled_on or audit.utc_now().date(),
                                       created_at=audit.utc_now(), created_by=viewer.username)
            s.add(row)
            s.flush()
            for c in found.values():
                s.add(QaCalibrationContact(session_id=row.id, source=c.source, contact_id=c.contact_id,
                                           agent_id=c.agent_id, channel=c.channel, contact_at=c.started_at))
            for p in people:
                s.add(QaCalibrationParticipant(session_id=row.id, username=p))
            audit.record(s, actor=viewer.username, action="create", entity=ENTITY, entity_id=row.id,
                         after={"name": row.name, "form_version_id": form_version_id, "reference": reference,
                                "expert": row.expert, "participants": people, "contacts": sorted(found)})
            return row.id

    def _row(self, s: Any, session_id: int) -> QaCalibrationSession:
        row = s.get(QaCalibrationSession, session_id)
        if row is None:
            raise NotFound(f"no calibration session {session_id}", hint="see /quality/calibration")
        return row  # type: ignore[no-any-return]

    def score_contact(self, viewer: Viewer, session_id: int, contact_row_id: int, answers: dict[str, Any], *,
                      submit: bool = False) -> ScoreView:
        """Save (or submit) the viewer's answers for one contact of an open session."""
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            row = self._row(s, session_id)
            view = self._view(s, row)
            if viewer.username not in view.participants:
                raise Forbidden(f"{viewer.username} is not a participant of session {session_id}")
            if row.status != "open":
                raise Conflict(f"calibration session {session_id} is closed")
            if contact_row_id not in {c.id for c in view.contacts}:
                raise NotFound(f"contact {contact_row_id} is not in session {session_id}")
            result = score(self.load_form(row.form_version_id), answers)
            if submit and result.missing:
                raise InvalidInput(f"unanswered: {', '.join(result.missing)}", hint="answer every visible question")
            existing = s.scalars(select(QaCalibrationScore).where(
                QaCalibrationScore.calibration_contact_id == contact_row_id,
                QaCalibrationScore.evaluator == viewer.username)).first()
            now = audit.utc_now()
            if existing is not None and existing.submitted_at is not None:
                raise Conflict("this calibration scoring is already submitted", hint="submitted scorings are final")
            if existing is None:
                existing = QaCalibrationScore(session_id=session_id, calibration_contact_id=contact_row_id,
                                              evaluator=viewer.username, created_at=now, answers_json="{}")
                s.add(existing)
            existing.answers_json = json.dumps(answers, sort_keys=True)
            existing.score_pct = result.score_pct
            existing.updated_at = now
            existing.submitted_at = now if submit else None
            audit.record(s, actor=viewer.username, action="submit" if submit else "save", entity="qa_calibration_score",
                         entity_id=f"{session_id}:{contact_row_id}",
                         after={"answers": answers, "score_pct": result.score_pct})
            return ScoreView(contact_row_id, viewer.username, answers, result.score_pct, submit)

    def close_session(self, viewer: Viewer, session_id: int) -> None:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            row = self._row(s, session_id)
            if row.created_by != viewer.username and viewer.role != "admin":
                raise Forbidden("only the session's facilitator or an admin closes it")
            before = {"status": row.status}
            row.status, row.closed_at = "closed", audit.utc_now()
            audit.record(s, actor=viewer.username, action="close", entity=ENTITY, entity_id=session_id,
                         before=before, after={"status": "closed"})

    def detail(self, viewer: Viewer, session_id: int) -> SessionDetail:
        viewer.require("manage_evaluations")
        with self.db.session() as s:
            row = self._row(s, session_id)
            view = self._view(s, row)
            all_scores = [ScoreView(x.calibration_contact_id, x.evaluator, json.loads(x.answers_json), x.score_pct,
                                    x.submitted_at is not None)
                          for x in s.scalars(select(QaCalibrationScore).where(QaCalibrationScore.session_id == session_id))]
        form = self.load_form(view.form_version_id)
        mine = tuple(x for x in all_scores if x.evaluator == viewer.username)
        participant = viewer.username in view.participants
        revealed = row.status == "closed" or not participant or viewer.username in view.submitted_by
        if not revealed:
            return SessionDetail(view, form, mine, False, (), None)
        submitted = tuple(x for x in all_scores if x.submitted)
        return SessionDetail(view, form, mine, True, submitted, self._analyse(view, form, submitted))

    @staticmethod
    def _analyse(view: SessionView, form: Form, scores: tuple[ScoreView, ...]) -> SessionAnalysis | None:
        if not scores:
            return None
        labels = {c.id: c.contact_id for c in view.contacts}
        scorings = [Scoring(x.evaluator, labels[x.contact_row_id], x.answers) for x in scores]
        expert = view.expert if view.reference == "expert" else None
        return analyse(form, scorings, expert=expert)

    def drift(self, viewer: Viewer) -> list[Drift]:
        """Each evaluator's mean deviation from the reference, session by session (sessions with analysis)."""
        points: list[DriftPoint] = []
        for view in self.sessions(viewer):
            detail = self.detail(viewer, view.id)
            if detail.analysis is None:
                continue
            for e in detail.analysis.per_evaluator:
                if e.mean_deviation_points is not None:
                    points.append(DriftPoint(e.evaluator, view.scheduled_on, e.mean_deviation_points))
        return drift(points)

    def form_versions(self, viewer: Viewer) -> list[tuple[int, str]]:
        """Published form versions to calibrate on: (version id, 'Form name v2')."""
        viewer.require("manage_evaluations")
        from callboard.store.appdb.quality_models import QaForm, QaFormVersion

        with self.db.session() as s:
            rows = s.execute(select(QaFormVersion.id, QaForm.name, QaFormVersion.version)
                             .join(QaForm, QaForm.id == QaFormVersion.form_id)
                             .where(QaFormVersion.status == "published", QaForm.archived.is_(False))
                             .order_by(QaForm.name, QaFormVersion.version.desc())).all()
            return [(vid, f"{name} v{version}") for vid, name, version in rows]
