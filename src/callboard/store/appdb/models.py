"""App database tables (SQLAlchemy 2): organisation, users and sessions, settings, goals, scorecards, audit.

Agents are identified everywhere by the analytics `agent_id` (a001...); a user with the agent role is
tied to one. Team membership is effective-dated so an agent who changes team keeps past contacts with
the old team; the same rows are mirrored into the analytics store's `team_memberships` for KPIs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("agent", "supervisor", "qa_analyst", "planner", "manager", "admin")


class Base(DeclarativeBase):
    pass


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    site: Mapped[Site] = relationship()


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    agent_id: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), nullable=True)  # a manager's site
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class TeamMembership(Base):
    """An agent in a team from `valid_from` (inclusive) to `valid_to` (exclusive, null = still)."""

    __tablename__ = "team_memberships"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(String(100), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    valid_from: Mapped[dt.datetime] = mapped_column(DateTime)
    valid_to: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class TeamSupervisor(Base):
    __tablename__ = "team_supervisors"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), primary_key=True)


class UserSite(Base):
    """Sites assigned to a QA analyst (or any user who works across sites)."""

    __tablename__ = "user_sites"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)


class WebSession(Base):
    """A signed-in browser: the cookie holds the token, only its SHA-256 is stored."""

    __tablename__ = "web_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """Who changed what, when, with the record before and after (JSON)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # create | update | delete | login_locked ...
    entity: Mapped[str] = mapped_column(String(50), index=True)  # user | settings | goal | scorecard ...
    entity_id: Mapped[str] = mapped_column(String(100))
    before_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    after_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class SettingsVersion(Base):
    """The organisation settings document; every change adds a version, the highest is in force."""

    __tablename__ = "settings_versions"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    body_json: Mapped[str] = mapped_column(Text)


class Goal(Base):
    __tablename__ = "goals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(200))  # resolved catalog id, e.g. service_level(threshold_s=30)
    target: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10))  # higher | lower
    amber_within: Mapped[float] = mapped_column(Float)  # distance from target still amber (metric units)
    red_beyond: Mapped[float] = mapped_column(Float)  # distance from target from which it is red
    period: Mapped[str] = mapped_column(String(10))  # week | month | quarter | custom
    scope_kind: Mapped[str] = mapped_column(String(10))  # agent | team | queue | channel
    scope_id: Mapped[str] = mapped_column(String(100))
    collaborative: Mapped[bool] = mapped_column(Boolean, default=False)  # a team goal everyone works toward
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class Scorecard(Base):
    __tablename__ = "scorecards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    applies_to_kind: Mapped[str] = mapped_column(String(10))  # team | role
    applies_to_id: Mapped[str] = mapped_column(String(100))  # a team id, or a role name
    period: Mapped[str] = mapped_column(String(10))  # week | month | quarter
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    items: Mapped[list[ScorecardItem]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", order_by="ScorecardItem.position"
    )


class ScorecardItem(Base):
    """One weighted KPI: points are linear from `floor` (0) to `target` (max), either direction, capped."""

    __tablename__ = "scorecard_items"
    __table_args__ = (UniqueConstraint("scorecard_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="kpi")  # kpi | qa (filled by quality management)
    metric: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float)
    floor: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    scorecard: Mapped[Scorecard] = relationship(back_populates="items")


class SupervisorComment(Base):
    """A supervisor's note on an agent's period, printed in the appraisal packet."""

    __tablename__ = "supervisor_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(String(100), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
