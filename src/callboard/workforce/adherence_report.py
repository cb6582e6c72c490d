"""Adherence over stored schedules and the analytics store's agent states (used by ScheduleService).

Each day is measured against the version its variant picks (`version_for_day`): the latest one for
adherence.callboard, the latest within 30 days after the day for adherence.amazon_connect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from callboard.core.errors import InvalidInput
from callboard.workforce import schedule_store as db
from callboard.workforce.adherence import VARIANTS, AdherenceResult, compute_adherence, version_for_day
from callboard.workforce.adherence_metrics import Productivity, Shrinkage, productivity, shrinkage, total_productivity
from callboard.workforce.realtime import AgentNow, board
from callboard.workforce.schedule_requirement import local_to_utc

if TYPE_CHECKING:
    from callboard.workforce.schedule_service import ScheduleService

PAID_AUX = frozenset({"break", "meeting", "training", "coaching"})


@dataclass(frozen=True)
class AgentAdherence:
    adherence: AdherenceResult
    productivity: Productivity


@dataclass(frozen=True)
class AdherenceReport:
    variant: str
    first_day: dt.date
    last_day: dt.date
    agents: tuple[AgentAdherence, ...]
    total: AdherenceResult
    total_productivity: Productivity
    shrinkage: Shrinkage
    daily: tuple[tuple[dt.date, float | None], ...]  # adherence per day (ratio of sums)


def _variant(variant_id: str):  # type: ignore[no-untyped-def]
    if variant_id not in VARIANTS:
        raise InvalidInput(f"unknown adherence variant '{variant_id}'", hint=f"one of {', '.join(VARIANTS)}")
    return VARIANTS[variant_id]


def build_report(service: ScheduleService, scope: frozenset[str] | None, first: dt.date, last: dt.date,
                 variant_id: str) -> AdherenceReport:
    variant = _variant(variant_id)
    if last < first or (last - first).days > 62:
        raise InvalidInput("pick at most 63 days, first before last", hint="e.g. one week")

    def pick(day: dt.date, versions: list[tuple[int, dt.datetime]]) -> int:
        return version_for_day(variant, day, versions)  # type: ignore[return-value]

    shifts = service.shifts_between(first, last, scope, version_of=pick)
    spans = db.spans(shifts)
    start, end = local_to_utc(first, 0, service.tz), local_to_utc(last + dt.timedelta(days=1), 0, service.tz)
    agents = frozenset(s.agent_id for s in shifts)
    states = db.states_between(service.store, start, end, agents) if agents else []
    with service.db.session() as session:
        exceptions = db.exceptions_between(session, start, end, agents)
    rows, total = compute_adherence(spans, states, exceptions, variant, start, end)
    states_by: dict[str, list] = {}  # type: ignore[type-arg]
    for s in states:
        states_by.setdefault(s.agent_id, []).append(s)
    spans_by: dict[str, list] = {}  # type: ignore[type-arg]
    for a in spans:
        spans_by.setdefault(a.agent_id, []).append(a)
    prods = [productivity(r.agent_id, spans_by.get(r.agent_id, []), states_by.get(r.agent_id, []), PAID_AUX,
                          start, end) for r in rows]
    daily = []
    for k in range((last - first).days + 1):
        day = first + dt.timedelta(days=k)
        d0, d1 = local_to_utc(day, 0, service.tz), local_to_utc(day + dt.timedelta(days=1), 0, service.tz)
        _, day_total = compute_adherence([a for a in spans if a.start < d1 and a.end > d0], states, exceptions,
                                         variant, d0, d1)
        daily.append((day, day_total.adherence))
    return AdherenceReport(variant.id, first, last, tuple(AgentAdherence(r, p) for r, p in zip(rows, prods)), total,
                           total_productivity(prods), shrinkage(spans, states), tuple(daily))


def default_now(service: ScheduleService) -> dt.datetime:
    """Wall-clock now while states are live (a change in the last hour); for historical data (a demo, a
    replay) 14:00 organisation time on the last day with states."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    last = db.latest_state_start(service.store)
    if last is None or last >= now - dt.timedelta(hours=1):
        return now
    return local_to_utc(last.date(), 14 * 60, service.tz)


def realtime_board(service: ScheduleService, scope: frozenset[str] | None, now: dt.datetime | None,
                   grace_s: float, variant_id: str) -> tuple[dt.datetime, list[AgentNow]]:
    variant = _variant(variant_id)
    at = now or default_now(service)
    day = at.date()
    shifts = service.shifts_between(day - dt.timedelta(days=1), day + dt.timedelta(days=1), scope)
    agents = sorted({s.agent_id for s in shifts if s.start_at <= at < s.end_at})
    if not agents:
        return at, []
    look = at - dt.timedelta(hours=12)
    states = db.states_between(service.store, look, at, frozenset(agents), open_until=at)
    states = [s for s in states if s.start < at]
    states = [type(s)(s.agent_id, s.state, s.start, min(s.end, at), s.reason) for s in states]
    with service.db.session() as session:
        exceptions = db.exceptions_between(session, look, at + dt.timedelta(seconds=1), frozenset(agents))
    return at, board(db.spans(shifts), states, exceptions, agents, at, grace_s=grace_s, variant=variant)
