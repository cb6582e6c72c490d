"""App database tables for sampling plans and calibration sessions (migration 0003_quality_calibration).

Form versions and evaluations belong to the quality tables (0002_quality); they are referred to here by plain
integer ids (no foreign keys), so the two migration branches stay independent.

- `qa_sampling_plans`: N per agent per period, strata, targeted filters, the stored seed, the evaluators.
- `qa_sample_items`: the drawn contacts; (source, contact_id) is unique across all plans: never twice.
- `qa_calibration_sessions`, `_contacts`, `_participants`, `_scores`: a session's contacts, who scores them,
  and each participant's answers (submitted_at null = still a draft, hidden from everyone else).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callboard.store.appdb.models import Base


class QaSamplingPlan(Base):
    __tablename__ = "qa_sampling_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    n_per_agent: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(10))  # day | week | month
    stratify_by: Mapped[str | None] = mapped_column(String(10), nullable=True)  # channel | queue
    filters_json: Mapped[str] = mapped_column(Text)  # Targeting fields
    team_ids_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # null = every team
    channels_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # null = every channel
    evaluators_json: Mapped[str] = mapped_column(Text)  # usernames
    seed: Mapped[int] = mapped_column(Integer)
    spread: Mapped[bool] = mapped_column(Boolean, default=True)
    form_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # qa_forms.id, plain integer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class QaSampleItem(Base):
    __tablename__ = "qa_sample_items"
    __table_args__ = (UniqueConstraint("source", "contact_id", name="uq_qa_sample_items_contact"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("qa_sampling_plans.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[str] = mapped_column(String(200))
    agent_id: Mapped[str] = mapped_column(String(100), index=True)
    stratum: Mapped[str] = mapped_column(String(200))
    contact_at: Mapped[dt.datetime] = mapped_column(DateTime)
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    queue_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    rank: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[str] = mapped_column(String(200))  # comma-separated targeted filters matched
    assigned_to: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(10))  # open | done | skipped
    evaluation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # qa_evaluations.id
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime)


class QaCalibrationSession(Base):
    __tablename__ = "qa_calibration_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    form_version_id: Mapped[int] = mapped_column(Integer)  # qa_form_versions.id, plain integer
    reference: Mapped[str] = mapped_column(String(10))  # expert | consensus
    expert: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(10))  # open | closed
    scheduled_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class QaCalibrationContact(Base):
    __tablename__ = "qa_calibration_contacts"
    __table_args__ = (UniqueConstraint("session_id", "source", "contact_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("qa_calibration_sessions.id"), index=True)
    source: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[str] = mapped_column(String(200))
    agent_id: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    contact_at: Mapped[dt.datetime] = mapped_column(DateTime)


class QaCalibrationParticipant(Base):
    __tablename__ = "qa_calibration_participants"
    session_id: Mapped[int] = mapped_column(ForeignKey("qa_calibration_sessions.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True)


class QaCalibrationScore(Base):
    __tablename__ = "qa_calibration_scores"
    __table_args__ = (UniqueConstraint("calibration_contact_id", "evaluator"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("qa_calibration_sessions.id"), index=True)
    calibration_contact_id: Mapped[int] = mapped_column(ForeignKey("qa_calibration_contacts.id"))
    evaluator: Mapped[str] = mapped_column(String(100))
    answers_json: Mapped[str] = mapped_column(Text)
    score_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
