"""App database tables for quality management: forms and their versions, evaluations with revisions, comments,
disputes, in-app notifications and the exemplar library (migration 0002_quality).

Calibration evaluations live in `qa_evaluations` with `is_calibration` set: they never count in agent averages.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callboard.store.appdb.models import Base


class QaForm(Base):
    __tablename__ = "qa_forms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class QaFormVersion(Base):
    """One version of a form. A draft is edited in place; a published version never changes."""

    __tablename__ = "qa_form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("qa_forms.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # draft | published | retired
    scoring_mode: Mapped[str] = mapped_column(String(40))
    definition_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class QaEvaluation(Base):
    __tablename__ = "qa_evaluations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("qa_form_versions.id"), index=True)
    source: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[str] = mapped_column(String(200), index=True)
    agent_id: Mapped[str] = mapped_column(String(100), index=True)
    team_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the agent's team at contact time
    queue_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    contact_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # QA scores go to the contact's date
    evaluator: Mapped[str] = mapped_column(String(100), index=True)  # username
    state: Mapped[str] = mapped_column(String(14))  # draft | submitted | acknowledged | disputed | resolved
    is_calibration: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # the current revision (disputes add revisions)
    answers_json: Mapped[str] = mapped_column(Text)
    score_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_before_fail_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    critical_score_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    fatal: Mapped[bool] = mapped_column(Boolean, default=False)
    critical_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    dispute_deadline: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class QaEvaluationRevision(Base):
    """A submitted scoring of an evaluation: revision 1 at submit, one more per accepted dispute."""

    __tablename__ = "qa_evaluation_revisions"
    __table_args__ = (UniqueConstraint("evaluation_id", "revision"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    answers_json: Mapped[str] = mapped_column(Text)
    score_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    critical_score_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    fatal: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class QaComment(Base):
    __tablename__ = "qa_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    author: Mapped[str] = mapped_column(String(100))
    author_role: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class QaDispute(Base):
    """One disputed question of an evaluation, with the agent's reason and the arbiter's decision."""

    __tablename__ = "qa_disputes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(10))  # open | accepted | rejected
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_answer_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class QaNotification(Base):
    __tablename__ = "qa_notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class QaExemplar(Base):
    __tablename__ = "qa_exemplars"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[str] = mapped_column(String(200), index=True)
    agent_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[str] = mapped_column(String(500))  # comma-separated, lower case
    note: Mapped[str] = mapped_column(Text)
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("qa_evaluations.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
