"""Planner adjustments to a forecast: special days (holidays, events) and manual overrides, audited.

Both are applied when a forecast is read, so one added after a run still changes it:
1. special days: volume x `volume_factor` on that day (0 = closed), for one queue or all ("");
2. overrides, oldest first: volume x `volume_factor` and/or AHT := `aht_s` over [starts_at, ends_at).
Special days in the history are also cleaned before a model learns from it (forecast_engine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from callboard.core.errors import Conflict, InvalidInput, NotFound
from callboard.org import audit
from callboard.store.appdb.forecast_models import ForecastOverride, ForecastSpecialDay
from callboard.workforce.forecast_engine import SpecialDayRule


@dataclass(frozen=True)
class SpecialDay:
    id: int
    day: dt.date
    queue: str
    name: str
    volume_factor: float
    created_by: str

    def rule(self) -> SpecialDayRule:
        return SpecialDayRule(self.day, self.queue, self.volume_factor)


@dataclass(frozen=True)
class Override:
    id: int
    queue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    volume_factor: float | None
    aht_s: float | None
    reason: str
    active: bool
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True)
class Point:
    """One forecast interval after adjustments; `base_*` are the model's numbers."""

    queue: str
    interval_start: dt.datetime
    volume: float
    aht_s: float | None
    base_volume: float
    base_aht_s: float | None
    adjusted_by: tuple[str, ...] = ()


def _special(row: ForecastSpecialDay) -> SpecialDay:
    return SpecialDay(row.id, row.day, row.queue_id, row.name, row.volume_factor, row.created_by)


def _override(row: ForecastOverride) -> Override:
    return Override(row.id, row.queue_id, row.starts_at, row.ends_at, row.volume_factor, row.aht_s, row.reason,
                    row.active, row.created_at, row.created_by)


def _special_json(row: ForecastSpecialDay) -> dict[str, object]:
    return {"day": row.day.isoformat(), "queue": row.queue_id, "name": row.name, "volume_factor": row.volume_factor}


def _override_json(row: ForecastOverride) -> dict[str, object]:
    return {"queue": row.queue_id, "starts_at": row.starts_at.isoformat(), "ends_at": row.ends_at.isoformat(),
            "volume_factor": row.volume_factor, "aht_s": row.aht_s, "reason": row.reason, "active": row.active}


def special_days(session: Session) -> list[SpecialDay]:
    return [_special(r) for r in session.scalars(select(ForecastSpecialDay).order_by(ForecastSpecialDay.day))]


def add_special_day(session: Session, *, actor: str, day: dt.date, name: str, volume_factor: float,
                    queue: str = "") -> SpecialDay:
    if not name.strip():
        raise InvalidInput("a special day needs a name", hint="e.g. 'Easter Monday' or 'Broadband outage'")
    if not 0 <= volume_factor <= 10:
        raise InvalidInput(f"volume factor {volume_factor} is out of range", hint="use 0 (closed) to 10")
    exists = session.scalars(select(ForecastSpecialDay).where(ForecastSpecialDay.day == day,
                                                              ForecastSpecialDay.queue_id == queue)).first()
    if exists is not None:
        raise Conflict(f"{day} is already a special day ({exists.name}) for {queue or 'every queue'}",
                       hint="delete it first to change it")
    row = ForecastSpecialDay(day=day, queue_id=queue, name=name.strip(), volume_factor=volume_factor,
                             created_at=audit.utc_now(), created_by=actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="forecast_special_day", entity_id=row.id,
                 after=_special_json(row))
    return _special(row)


def delete_special_day(session: Session, *, actor: str, special_day_id: int) -> None:
    row = session.get(ForecastSpecialDay, special_day_id)
    if row is None:
        raise NotFound(f"no special day {special_day_id}", hint="see GET /api/v1/forecast/special-days")
    audit.record(session, actor=actor, action="delete", entity="forecast_special_day", entity_id=row.id,
                 before=_special_json(row))
    session.delete(row)


def overrides(session: Session, *, include_inactive: bool = False) -> list[Override]:
    query = select(ForecastOverride).order_by(ForecastOverride.id)
    if not include_inactive:
        query = query.where(ForecastOverride.active.is_(True))
    return [_override(r) for r in session.scalars(query)]


def add_override(session: Session, *, actor: str, queue: str, starts_at: dt.datetime, ends_at: dt.datetime,
                 volume_factor: float | None, aht_s: float | None, reason: str) -> Override:
    if ends_at <= starts_at:
        raise InvalidInput(f"override ends ({ends_at}) before it starts ({starts_at})", hint="swap the two times")
    if volume_factor is None and aht_s is None:
        raise InvalidInput("an override needs a volume factor, an AHT or both", hint="e.g. volume_factor=1.2")
    if volume_factor is not None and not 0 <= volume_factor <= 10:
        raise InvalidInput(f"volume factor {volume_factor} is out of range", hint="use 0 to 10")
    if aht_s is not None and not 0 < aht_s <= 86400:
        raise InvalidInput(f"AHT {aht_s} s is out of range", hint="use seconds, more than 0")
    if not reason.strip():
        raise InvalidInput("an override needs a reason", hint="say why, e.g. 'marketing campaign'")
    row = ForecastOverride(queue_id=queue, starts_at=starts_at, ends_at=ends_at, volume_factor=volume_factor,
                           aht_s=aht_s, reason=reason.strip(), active=True, created_at=audit.utc_now(),
                           created_by=actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="forecast_override", entity_id=row.id,
                 after=_override_json(row))
    return _override(row)


def deactivate_override(session: Session, *, actor: str, override_id: int) -> None:
    row = session.get(ForecastOverride, override_id)
    if row is None or not row.active:
        raise NotFound(f"no active override {override_id}", hint="see GET /api/v1/forecast/overrides")
    before = _override_json(row)
    row.active = False
    audit.record(session, actor=actor, action="delete", entity="forecast_override", entity_id=row.id,
                 before=before, after=_override_json(row))


def apply(points: list[Point], days: list[SpecialDay], active: list[Override]) -> list[Point]:
    """Special-day factors, then overrides in creation order (see the module docstring)."""
    by_day: dict[tuple[dt.date, str], list[SpecialDay]] = {}
    for d in days:
        by_day.setdefault((d.day, d.queue), []).append(d)
    out = []
    for p in points:
        volume, aht, notes = p.volume, p.aht_s, list(p.adjusted_by)
        for d in by_day.get((p.interval_start.date(), ""), []) + by_day.get((p.interval_start.date(), p.queue), []):
            volume *= d.volume_factor
            notes.append(f"special day: {d.name}")
        for o in active:
            if o.queue == p.queue and o.starts_at <= p.interval_start < o.ends_at:
                if o.volume_factor is not None:
                    volume *= o.volume_factor
                if o.aht_s is not None:
                    aht = o.aht_s
                notes.append(f"override #{o.id}: {o.reason}")
        out.append(replace(p, volume=volume, aht_s=aht, adjusted_by=tuple(notes)) if notes else p)
    return out
