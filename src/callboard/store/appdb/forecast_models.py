"""App database tables for forecasting and staffing plans (migration 0005_forecast).

A forecast run is one stored version of a forecast: its model, interval length, the history it learned
from and its backtest scores; its rows (`forecast_values`) hold volume and AHT per queue and interval
start (organisation-local wall clock, naive). Overrides, special days, the shrinkage plan and the
staffing targets are edited by planners; every change is audited (callboard.org.audit).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callboard.store.appdb.models import Base


class ForecastRun(Base):
    """One forecast version (`id` is the version number)."""

    __tablename__ = "forecast_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model: Mapped[str] = mapped_column(String(40))
    interval_minutes: Mapped[int] = mapped_column(Integer)
    history_from: Mapped[dt.date] = mapped_column(Date)
    history_to: Mapped[dt.date] = mapped_column(Date)
    horizon_from: Mapped[dt.date] = mapped_column(Date)
    horizon_to: Mapped[dt.date] = mapped_column(Date)
    backtest_json: Mapped[str] = mapped_column(Text, default="{}")  # {"volume_wape": {model: x}, ...}
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class ForecastValue(Base):
    __tablename__ = "forecast_values"
    __table_args__ = (UniqueConstraint("run_id", "queue_id", "interval_start"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_runs.id", ondelete="CASCADE"), index=True)
    queue_id: Mapped[str] = mapped_column(String(100))
    interval_start: Mapped[dt.datetime] = mapped_column(DateTime)
    volume: Mapped[float] = mapped_column(Float)
    aht_s: Mapped[float | None] = mapped_column(Float, nullable=True)


class ForecastOverride(Base):
    """A planner's change to the forecast over [starts_at, ends_at) for one queue: volume x factor and/or
    a fixed AHT. Deleting one sets `active` False (kept for the audit trail)."""

    __tablename__ = "forecast_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue_id: Mapped[str] = mapped_column(String(100), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    volume_factor: Mapped[float | None] = mapped_column(Float, nullable=True)
    aht_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    reason: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class ForecastSpecialDay(Base):
    """A holiday or event: history on that day is cleaned before training, forecasts are multiplied by
    `volume_factor` (0 = closed). `queue_id` "" means every queue."""

    __tablename__ = "forecast_special_days"
    __table_args__ = (UniqueConstraint("day", "queue_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    queue_id: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(200))
    volume_factor: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class ShrinkageCategory(Base):
    """Planned shrinkage by category (breaks, training, coaching, absence, ...): a decimal fraction kept as
    text so staffing applies it exactly (reference §15 step 4)."""

    __tablename__ = "shrinkage_plan"
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    fraction_text: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100))


class StaffingTarget(Base):
    """Per queue: service-level target within a threshold, occupancy cap and (chat) concurrency."""

    __tablename__ = "staffing_targets"
    queue_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    target_sl_text: Mapped[str] = mapped_column(String(20))
    answer_within_s: Mapped[float] = mapped_column(Float)
    max_occupancy_text: Mapped[str] = mapped_column(String(20))
    concurrency: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
