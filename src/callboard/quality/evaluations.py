"""Evaluations in the app database: draft -> submitted -> acknowledged | disputed -> resolved.

- An evaluator saves answers while the evaluation is a draft; `submit` needs every visible scored question
  answered (or N/A), writes revision 1, opens the dispute window (the form's `dispute_window_days` from submit)
  and notifies the agent.
- The agent acknowledges, or disputes specific questions with a reason while the window is open; the evaluator
  and the team's supervisors are notified.
- An arbiter decides each disputed question: accept with the corrected answer (the evaluation is re-scored as a
  new revision; earlier revisions are kept) or reject. When no dispute is open the evaluation is resolved and the
  agent is notified.

Permission checks are the service's (quality/service.py); these functions apply the rules of the state machine
and audit every change in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callboard.core.errors import Conflict, InvalidInput, NotFound
from callboard.org import audit
from callboard.quality.form_store import FormVersionView, get_version
from callboard.quality.forms import NA
from callboard.quality.scoring import ScoreResult, score
from callboard.store.appdb.models import TeamSupervisor, User
from callboard.store.appdb.quality_models import (
    QaComment,
    QaDispute,
    QaEvaluation,
    QaEvaluationRevision,
    QaNotification,
)

STATES = ("draft", "submitted", "acknowledged", "disputed", "resolved")


@dataclass(frozen=True)
class ContactRef:
    source: str
    contact_id: str
    agent_id: str
    team_id: str | None
    queue_id: str | None
    channel: str | None
    contact_at: dt.datetime


@dataclass(frozen=True)
class CommentView:
    id: int
    question_id: str | None
    author: str
    author_role: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class DisputeView:
    id: int
    question_id: str
    reason: str
    raised_by: str
    raised_at: dt.datetime
    status: str
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None
    new_answer: Any


@dataclass(frozen=True)
class RevisionView:
    revision: int
    answers: dict[str, Any]
    score_pct: float | None
    critical_score_pct: float | None
    fatal: bool
    reason: str
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True)
class EvaluationView:
    id: int
    form: FormVersionView
    contact: ContactRef
    evaluator: str
    state: str
    is_calibration: bool
    revision: int
    answers: dict[str, Any]
    score_pct: float | None
    score_before_fail_pct: float | None
    critical_score_pct: float | None
    fatal: bool
    critical_failed: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    dispute_deadline: dt.datetime | None
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    comments: tuple[CommentView, ...] = ()
    disputes: tuple[DisputeView, ...] = ()
    revisions: tuple[RevisionView, ...] = ()

    @property
    def agent_id(self) -> str:
        return self.contact.agent_id

    def result(self) -> ScoreResult:
        return score(self.form.form, self.answers)

    def dispute_seconds_left(self, now: dt.datetime) -> float | None:
        """Seconds until the dispute window closes (0 once closed); None when no window is open."""
        if self.state != "submitted" or self.dispute_deadline is None:
            return None
        return max((self.dispute_deadline - now).total_seconds(), 0.0)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def view(s: Session, row: QaEvaluation, *, detail: bool = True) -> EvaluationView:
    comments: tuple[CommentView, ...] = ()
    disputes: tuple[DisputeView, ...] = ()
    revisions: tuple[RevisionView, ...] = ()
    if detail:
        comments = tuple(CommentView(c.id, c.question_id, c.author, c.author_role, c.text, c.created_at) for c in
                         s.scalars(select(QaComment).where(QaComment.evaluation_id == row.id).order_by(QaComment.id)))
        disputes = tuple(DisputeView(d.id, d.question_id, d.reason, d.raised_by, d.raised_at, d.status, d.decided_by,
                                     d.decided_at, d.decision_note, _loads(d.new_answer_json)) for d in
                         s.scalars(select(QaDispute).where(QaDispute.evaluation_id == row.id).order_by(QaDispute.id)))
        revisions = tuple(RevisionView(r.revision, json.loads(r.answers_json), r.score_pct, r.critical_score_pct,
                                       r.fatal, r.reason, r.created_at, r.created_by) for r in
                          s.scalars(select(QaEvaluationRevision).where(QaEvaluationRevision.evaluation_id == row.id)
                                    .order_by(QaEvaluationRevision.revision)))
    return EvaluationView(
        row.id, get_version(s, row.form_version_id),
        ContactRef(row.source, row.contact_id, row.agent_id, row.team_id, row.queue_id, row.channel, row.contact_at),
        row.evaluator, row.state, row.is_calibration, row.revision, json.loads(row.answers_json), row.score_pct,
        row.score_before_fail_pct, row.critical_score_pct, row.fatal, row.critical_failed, row.created_at,
        row.updated_at, row.submitted_at, row.dispute_deadline, row.acknowledged_at, row.resolved_at,
        comments, disputes, revisions)


def get_row(s: Session, evaluation_id: int) -> QaEvaluation:
    row = s.get(QaEvaluation, evaluation_id)
    if row is None:
        raise NotFound(f"no evaluation {evaluation_id}")
    return row


def _summary(row: QaEvaluation) -> dict[str, Any]:
    return {"state": row.state, "revision": row.revision, "score_pct": row.score_pct, "fatal": row.fatal,
            "answers": json.loads(row.answers_json)}


def _apply_score(row: QaEvaluation, result: ScoreResult, answers: dict[str, Any]) -> None:
    row.answers_json = json.dumps(answers, sort_keys=True)
    row.score_pct, row.score_before_fail_pct = result.score_pct, result.score_before_fail_pct
    row.critical_score_pct, row.fatal, row.critical_failed = result.critical_score_pct, result.fatal, result.critical_failed


def notify(s: Session, username: str, text: str, link: str, now: dt.datetime) -> None:
    s.add(QaNotification(username=username, text=text[:500], link=link, created_at=now, read_at=None))


def _agent_users(s: Session, agent_id: str) -> list[str]:
    return list(s.scalars(select(User.username).where(User.agent_id == agent_id, User.active.is_(True))))


def _supervisors(s: Session, team_id: str | None) -> list[str]:
    if team_id is None:
        return []
    return list(s.scalars(select(User.username).join(TeamSupervisor, TeamSupervisor.user_id == User.id)
                          .where(TeamSupervisor.team_id == team_id)))


def create(s: Session, *, actor: str, version: FormVersionView, contact: ContactRef, answers: dict[str, Any],
           is_calibration: bool, now: dt.datetime) -> int:
    if version.status != "published":
        raise Conflict(f"form version {version.version} is {version.status}", hint="evaluate with a published version")
    result = score(version.form, answers)
    row = QaEvaluation(form_version_id=version.id, source=contact.source, contact_id=contact.contact_id,
                       agent_id=contact.agent_id, team_id=contact.team_id, queue_id=contact.queue_id,
                       channel=contact.channel, contact_at=contact.contact_at, evaluator=actor, state="draft",
                       is_calibration=is_calibration, revision=0, answers_json="{}", created_at=now, updated_at=now,
                       fatal=False, critical_failed=False)
    _apply_score(row, result, answers)
    s.add(row)
    s.flush()
    audit.record(s, actor=actor, action="create", entity="qa_evaluation", entity_id=row.id,
                 after={**_summary(row), "contact_id": contact.contact_id, "agent_id": contact.agent_id,
                        "form_version_id": version.id, "is_calibration": is_calibration})
    return row.id


def save_answers(s: Session, row: QaEvaluation, *, actor: str, answers: dict[str, Any], now: dt.datetime) -> None:
    if row.state != "draft":
        raise Conflict(f"evaluation {row.id} is {row.state}; only a draft can be edited",
                       hint="an agent can dispute a submitted evaluation")
    before = _summary(row)
    _apply_score(row, score(get_version(s, row.form_version_id).form, answers), answers)
    row.updated_at = now
    audit.record(s, actor=actor, action="update", entity="qa_evaluation", entity_id=row.id, before=before,
                 after=_summary(row))


def submit(s: Session, row: QaEvaluation, *, actor: str, now: dt.datetime) -> None:
    if row.state != "draft":
        raise Conflict(f"evaluation {row.id} is already {row.state}")
    version = get_version(s, row.form_version_id)
    answers = json.loads(row.answers_json)
    result = score(version.form, answers)
    if result.missing:
        raise InvalidInput(f"answer every question before submitting: {', '.join(result.missing)} unanswered",
                           hint="choose N/A where the form allows it")
    before = _summary(row)
    row.state, row.submitted_at, row.updated_at, row.revision = "submitted", now, now, 1
    row.dispute_deadline = now + dt.timedelta(days=version.form.dispute_window_days)
    s.add(QaEvaluationRevision(evaluation_id=row.id, revision=1, answers_json=row.answers_json,
                               score_pct=row.score_pct, critical_score_pct=row.critical_score_pct, fatal=row.fatal,
                               reason="submitted", created_at=now, created_by=actor))
    audit.record(s, actor=actor, action="submit", entity="qa_evaluation", entity_id=row.id, before=before,
                 after=_summary(row))
    if not row.is_calibration:
        shown = "n/a" if row.score_pct is None else f"{row.score_pct:.1f}%"
        for username in _agent_users(s, row.agent_id):
            notify(s, username, f"New evaluation of contact {row.contact_id}: {shown}. You may acknowledge it or "
                   f"dispute answers until {row.dispute_deadline:%d %b %H:%M} UTC.", f"/quality/evaluations/{row.id}", now)


def acknowledge(s: Session, row: QaEvaluation, *, actor: str, now: dt.datetime) -> None:
    if row.state != "submitted":
        raise Conflict(f"evaluation {row.id} is {row.state}; only a submitted evaluation can be acknowledged")
    before = _summary(row)
    row.state, row.acknowledged_at, row.updated_at = "acknowledged", now, now
    audit.record(s, actor=actor, action="acknowledge", entity="qa_evaluation", entity_id=row.id, before=before,
                 after=_summary(row))


def dispute(s: Session, row: QaEvaluation, *, actor: str, items: list[tuple[str, str]], now: dt.datetime) -> None:
    """Dispute questions [(question id, reason)] while the window is open."""
    if row.state != "submitted":
        raise Conflict(f"evaluation {row.id} is {row.state}; only a submitted evaluation can be disputed")
    if row.dispute_deadline is not None and now > row.dispute_deadline:
        raise Conflict(f"the dispute window closed on {row.dispute_deadline:%Y-%m-%d %H:%M} UTC")
    if not items:
        raise InvalidInput("pick at least one question to dispute, with a reason")
    version = get_version(s, row.form_version_id)
    result = score(version.form, json.loads(row.answers_json))
    visible = {q.question_id for q in result.questions if q.visible}
    for question_id, reason in items:
        if question_id not in visible:
            raise InvalidInput(f"question '{question_id}' is not on this evaluation")
        if not reason.strip():
            raise InvalidInput(f"give a reason for disputing '{question_id}'")
    before = _summary(row)
    for question_id, reason in items:
        s.add(QaDispute(evaluation_id=row.id, question_id=question_id, reason=reason.strip(), raised_by=actor,
                        raised_at=now, status="open"))
    row.state, row.updated_at = "disputed", now
    audit.record(s, actor=actor, action="dispute", entity="qa_evaluation", entity_id=row.id, before=before,
                 after={**_summary(row), "disputed": [{"question": q, "reason": r} for q, r in items]})
    for username in {row.evaluator, *_supervisors(s, row.team_id)}:
        notify(s, username, f"{row.agent_id} disputed {len(items)} answer(s) of evaluation {row.id}",
               f"/quality/evaluations/{row.id}", now)


def decide(s: Session, row: QaEvaluation, *, actor: str, dispute_id: int, accept: bool, new_answer: Any,
           note: str, now: dt.datetime) -> None:
    """Accept (re-score with `new_answer` as a new revision) or reject one disputed question."""
    d = s.get(QaDispute, dispute_id)
    if d is None or d.evaluation_id != row.id:
        raise NotFound(f"no dispute {dispute_id} on evaluation {row.id}")
    if d.status != "open":
        raise Conflict(f"dispute {dispute_id} was already {d.status}")
    before = _summary(row)
    d.status, d.decided_by, d.decided_at, d.decision_note = ("accepted" if accept else "rejected"), actor, now, note
    if accept:
        if new_answer is None or new_answer == "":
            raise InvalidInput(f"give the corrected answer to '{d.question_id}' to accept the dispute")
        answers = json.loads(row.answers_json)
        answers[d.question_id] = new_answer if new_answer != NA else NA
        version = get_version(s, row.form_version_id)
        _apply_score(row, score(version.form, answers), answers)
        row.revision += 1
        d.new_answer_json = json.dumps(new_answer)
        s.add(QaEvaluationRevision(evaluation_id=row.id, revision=row.revision, answers_json=row.answers_json,
                                   score_pct=row.score_pct, critical_score_pct=row.critical_score_pct, fatal=row.fatal,
                                   reason=f"dispute {d.id} accepted ({d.question_id})", created_at=now, created_by=actor))
    still_open = s.scalars(select(QaDispute.id).where(QaDispute.evaluation_id == row.id, QaDispute.status == "open",
                                                      QaDispute.id != d.id)).first()
    if still_open is None:
        row.state, row.resolved_at = "resolved", now
    row.updated_at = now
    audit.record(s, actor=actor, action="accept_dispute" if accept else "reject_dispute", entity="qa_evaluation",
                 entity_id=row.id, before=before, after={**_summary(row), "dispute": d.id, "note": note})
    if row.state == "resolved":
        shown = "n/a" if row.score_pct is None else f"{row.score_pct:.1f}%"
        for username in _agent_users(s, row.agent_id):
            notify(s, username, f"Your dispute on evaluation {row.id} was decided: score {shown}",
                   f"/quality/evaluations/{row.id}", now)


def add_comment(s: Session, row: QaEvaluation, *, actor: str, role: str, text: str, question_id: str | None,
                now: dt.datetime) -> int:
    if not text.strip():
        raise InvalidInput("a comment needs text")
    c = QaComment(evaluation_id=row.id, question_id=question_id or None, author=actor, author_role=role,
                  text=text.strip(), created_at=now)
    s.add(c)
    s.flush()
    audit.record(s, actor=actor, action="comment", entity="qa_evaluation", entity_id=row.id,
                 after={"comment": c.id, "question_id": question_id, "text": c.text})
    return c.id
