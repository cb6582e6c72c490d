"""Reads and writes for schedules: app-database rows <-> ShiftRow, and agent states from the analytics store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callboard.store.appdb.schedule_models import (
    AdherenceException,
    Schedule,
    ScheduledActivity,
    ScheduledShift,
    ScheduleVersion,
)
from callboard.store.base import AnalyticsStore
from callboard.workforce.adherence import ApprovedException, ScheduledSpan, StateSpan
from callboard.workforce.schedule_csv import ActivityRow, ShiftRow


def add_version(session: Session, schedule: Schedule, shifts: list[ShiftRow], *, actor: str, note: str,
                status: str, objective: float | None, at: dt.datetime) -> ScheduleVersion:
    latest = session.scalar(select(ScheduleVersion.version).where(ScheduleVersion.schedule_id == schedule.id)
                            .order_by(ScheduleVersion.version.desc()).limit(1))
    version = ScheduleVersion(schedule_id=schedule.id, version=(latest or 0) + 1, created_at=at, created_by=actor,
                              note=note[:300], solver_status=status, objective=objective)
    session.add(version)
    session.flush()
    for s in shifts:
        row = ScheduledShift(version_id=version.id, agent_id=s.agent_id, day=s.day, start_at=s.start_at, end_at=s.end_at)
        session.add(row)
        session.flush()
        session.add_all([ScheduledActivity(shift_id=row.id, activity=a.activity, start_at=a.start_at, end_at=a.end_at,
                                           productive=a.productive, paid=a.paid, adherence_tracked=a.adherence_tracked)
                         for a in s.activities])
    return version


def load_shifts(session: Session, version_id: int, agent_ids: frozenset[str] | None = None,
                days: tuple[dt.date, dt.date] | None = None) -> list[ShiftRow]:
    q = select(ScheduledShift).where(ScheduledShift.version_id == version_id)
    if agent_ids is not None:
        q = q.where(ScheduledShift.agent_id.in_(sorted(agent_ids)))
    if days is not None:
        q = q.where(ScheduledShift.day >= days[0], ScheduledShift.day <= days[1])
    shifts = list(session.scalars(q.order_by(ScheduledShift.day, ScheduledShift.agent_id)))
    if not shifts:
        return []
    acts: dict[int, list[ActivityRow]] = {s.id: [] for s in shifts}
    for a in session.scalars(select(ScheduledActivity).where(ScheduledActivity.shift_id.in_(list(acts)))
                             .order_by(ScheduledActivity.start_at)):
        acts[a.shift_id].append(ActivityRow(a.activity, a.start_at, a.end_at, a.productive, a.paid, a.adherence_tracked))
    return [ShiftRow(s.agent_id, s.day, s.start_at, s.end_at, tuple(acts[s.id])) for s in shifts]


def versions_of(session: Session, schedule_id: int) -> list[ScheduleVersion]:
    return list(session.scalars(select(ScheduleVersion).where(ScheduleVersion.schedule_id == schedule_id)
                                .order_by(ScheduleVersion.version)))


def schedules_covering(session: Session, first: dt.date, last: dt.date) -> list[Schedule]:
    """Schedules overlapping [first, last], newest first (a newer schedule wins a day both cover)."""
    return list(session.scalars(select(Schedule).where(Schedule.first_day <= last, Schedule.last_day >= first)
                                .order_by(Schedule.created_at.desc(), Schedule.id.desc())))


def exceptions_between(session: Session, start: dt.datetime, end: dt.datetime,
                       agent_ids: frozenset[str] | None) -> list[ApprovedException]:
    q = select(AdherenceException).where(AdherenceException.start_at < end, AdherenceException.end_at > start)
    if agent_ids is not None:
        q = q.where(AdherenceException.agent_id.in_(sorted(agent_ids)))
    return [ApprovedException(e.agent_id, e.start_at, e.end_at, e.reason) for e in session.scalars(q)]


def spans(shifts: list[ShiftRow]) -> list[ScheduledSpan]:
    return [ScheduledSpan(s.agent_id, a.start_at, a.end_at, a.activity, a.productive, a.adherence_tracked, a.paid)
            for s in shifts for a in s.activities]


def _fetch(store: AnalyticsStore, expr: Any) -> list[dict[str, Any]]:
    to_arrow = getattr(store, "to_pyarrow", None)
    if to_arrow is not None:
        return to_arrow(expr).to_pylist()  # type: ignore[no-any-return]
    return store.execute(expr).to_dict("records")  # type: ignore[attr-defined,no-any-return]


def _naive(value: Any) -> dt.datetime:
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return stamp.replace(tzinfo=None) if stamp.tzinfo else stamp  # type: ignore[no-any-return]


def states_between(store: AnalyticsStore, start: dt.datetime, end: dt.datetime,
                   agent_ids: frozenset[str] | None, *, open_until: dt.datetime | None = None) -> list[StateSpan]:
    """Agent state intervals overlapping [start, end); open intervals end at `open_until` (or `end`)."""
    t = store.table("agent_states")
    expr = t.filter((t.started_at < end) & (t.ended_at.isnull() | (t.ended_at > start)))
    if agent_ids is not None:
        expr = expr.filter(t.agent_id.isin(sorted(agent_ids)))
    rows = _fetch(store, expr.select("agent_id", "state", "reason", "started_at", "ended_at"))
    out = []
    for r in rows:
        began = _naive(r["started_at"])
        ended = r["ended_at"]
        ended_at = _naive(ended) if ended is not None and ended == ended else (open_until or end)
        reason = r["reason"] if isinstance(r["reason"], str) else None
        out.append(StateSpan(r["agent_id"], r["state"], began, max(began, ended_at), reason))
    return out


def latest_state_start(store: AnalyticsStore) -> dt.datetime | None:
    t = store.table("agent_states")
    rows = _fetch(store, t.aggregate(last=t.started_at.max()))
    return _naive(rows[0]["last"]) if rows and rows[0]["last"] is not None else None


def handled_seconds_by_slot(store: AnalyticsStore, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, float]]:
    """Handle seconds (talk + hold + ACW) by the connect time's 30-minute slot, for a history-based requirement."""
    t = store.table("agent_segments")
    f = t.filter((t.connected_at >= start) & (t.connected_at < end))
    handle = (f.talk_ms.fill_null(0) + f.hold_ms.fill_null(0) + f.acw_ms.fill_null(0)) / 1000.0
    slot = f.connected_at.truncate("m").name("minute")
    rows = _fetch(store, f.mutate(minute=slot, handle_s=handle).group_by("minute").aggregate(s=lambda x: x.handle_s.sum()))
    out: dict[dt.datetime, float] = {}
    for r in rows:
        m = _naive(r["minute"])
        key = m.replace(minute=m.minute - m.minute % 30)
        out[key] = out.get(key, 0.0) + float(r["s"] or 0.0)
    return sorted(out.items())
