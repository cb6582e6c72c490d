"""App database tables for schedules and adherence (migration 0004_schedules).

A schedule covers a date range; every edit writes a new `ScheduleVersion` (a full copy of its shifts and
activities), so adherence can be recomputed against any version. Times are naive UTC, like the analytics
store's agent states. Agent work rules (contract, availability, time off) and approved adherence
exceptions are edited by planners; every change is audited (callboard.org.audit).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callboard.store.appdb.models import Base


class Schedule(Base):
    __tablename__ = "wfm_schedules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    slot_min: Mapped[int] = mapped_column(Integer, default=30)
    requirement_json: Mapped[str] = mapped_column(Text, default="[]")  # agents per slot per day (local grid)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class ScheduleVersion(Base):
    __tablename__ = "wfm_schedule_versions"
    __table_args__ = (UniqueConstraint("schedule_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("wfm_schedules.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(300), default="")
    solver_status: Mapped[str] = mapped_column(String(20), default="")  # OPTIMAL | FEASIBLE | imported | edited
    objective: Mapped[float | None] = mapped_column(Float, nullable=True)


class ScheduledShift(Base):
    __tablename__ = "wfm_shifts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("wfm_schedule_versions.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[str] = mapped_column(String(100), index=True)
    day: Mapped[dt.date] = mapped_column(Date)  # organisation-local day
    start_at: Mapped[dt.datetime] = mapped_column(DateTime)
    end_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ScheduledActivity(Base):
    __tablename__ = "wfm_activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("wfm_shifts.id", ondelete="CASCADE"), index=True)
    activity: Mapped[str] = mapped_column(String(40))  # work, break, lunch, training, meeting, coaching
    start_at: Mapped[dt.datetime] = mapped_column(DateTime)
    end_at: Mapped[dt.datetime] = mapped_column(DateTime)
    productive: Mapped[bool] = mapped_column(Boolean)
    paid: Mapped[bool] = mapped_column(Boolean)
    adherence_tracked: Mapped[bool] = mapped_column(Boolean, default=True)


class AdherenceException(Base):
    """An approved exception: time the agent is excused from adherence (adherence.callboard)."""

    __tablename__ = "wfm_exceptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(String(100), index=True)
    start_at: Mapped[dt.datetime] = mapped_column(DateTime)
    end_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AgentWorkRules(Base):
    __tablename__ = "wfm_agent_rules"
    agent_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    min_week_paid_min: Mapped[int] = mapped_column(Integer)
    max_week_paid_min: Mapped[int] = mapped_column(Integer)
    max_days: Mapped[int] = mapped_column(Integer, default=5)
    availability_json: Mapped[str] = mapped_column(Text)  # {"0": [420, 1260], ...} weekday -> window (min)
    time_off_json: Mapped[str] = mapped_column(Text, default="[]")  # ["2026-03-04", ...]
    lengths_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # [240, 360] or null
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
