"""Schedule adherence: agent state intervals against scheduled activities, as named variants (pure).

`adherence.callboard` (reference §11 default): in a productive activity the states available,
connecting, on_contact and acw are adherent; in a non-productive one any aux state; offline, error and
missing state data are non-adherent. Unscheduled time and activities with adherence_tracked = False are
not measured. Time inside an approved exception is left out of both terms (reported as exception_s).

`adherence.amazon_connect` (Historical Schedule Adherence + usage examples): adherence follows the
agent *status*: Available in a productive activity, a custom (non-productive) status in a non-productive
one. Callboard's routing states (connecting, on_contact, acw, error = a missed/failed contact) all sit
under the Available status there, so they count as Available; aux is a custom status; offline is
non-adherent. No exceptions: Amazon says to edit the schedule instead. Schedule edits recompute only days
up to 30 days before the edit (see `version_for_day`).

Results are ratios of sums (seconds), NULL (None) when nothing was scheduled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduledSpan:
    agent_id: str
    start: dt.datetime
    end: dt.datetime
    activity: str
    productive: bool
    adherence_tracked: bool = True
    paid: bool = True


@dataclass(frozen=True)
class StateSpan:
    agent_id: str
    state: str
    start: dt.datetime
    end: dt.datetime
    reason: str | None = None


@dataclass(frozen=True)
class ApprovedException:
    agent_id: str
    start: dt.datetime
    end: dt.datetime
    reason: str


@dataclass(frozen=True)
class AdherenceVariant:
    id: str
    productive_states: frozenset[str]
    nonproductive_states: frozenset[str]
    uses_exceptions: bool
    recompute_window_days: int | None  # None: every schedule edit recomputes every day


CALLBOARD = AdherenceVariant("adherence.callboard", frozenset({"available", "connecting", "on_contact", "acw"}),
                             frozenset({"aux"}), uses_exceptions=True, recompute_window_days=None)
AMAZON_CONNECT = AdherenceVariant("adherence.amazon_connect",
                                  frozenset({"available", "connecting", "on_contact", "acw", "error"}),
                                  frozenset({"aux"}), uses_exceptions=False, recompute_window_days=30)
VARIANTS = {v.id: v for v in (CALLBOARD, AMAZON_CONNECT)}


@dataclass(frozen=True)
class Segment:
    start: dt.datetime
    end: dt.datetime
    status: str  # adherent | non_adherent | exception | unscheduled
    activity: str | None
    state: str | None
    reason: str | None

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class AdherenceResult:
    agent_id: str  # "*" for the total
    variant: str
    scheduled_s: float
    adherent_s: float
    non_adherent_s: float
    exception_s: float

    @property
    def adherence(self) -> float | None:
        return self.adherent_s / self.scheduled_s if self.scheduled_s > 0 else None


def _covering(spans: list, at: dt.datetime, cursor: list[int]) -> object | None:  # type: ignore[type-arg]
    """The span covering `at` in a start-sorted, non-overlapping list (moving pointer; `at` increases)."""
    i = cursor[0]
    while i < len(spans) and spans[i].end <= at:
        i += 1
    cursor[0] = i
    if i < len(spans) and spans[i].start <= at:
        return spans[i]
    return None


def timeline(activities: Iterable[ScheduledSpan], states: Iterable[StateSpan],
             exceptions: Iterable[ApprovedException], variant: AdherenceVariant,
             start: dt.datetime, end: dt.datetime) -> list[Segment]:
    """One agent's time in [start, end) cut at every boundary, each piece with its adherence status."""
    acts = sorted((a for a in activities if a.end > start and a.start < end), key=lambda a: a.start)
    sts = sorted((s for s in states if s.end > start and s.start < end), key=lambda s: s.start)
    exc = sorted((e for e in exceptions if e.end > start and e.start < end), key=lambda e: e.start) \
        if variant.uses_exceptions else []
    cuts = {start, end}
    for span in (*acts, *sts, *exc):
        cuts.update(t for t in (span.start, span.end) if start < t < end)
    points = sorted(cuts)
    out: list[Segment] = []
    ca, cs, ce = [0], [0], [0]
    for lo, hi in zip(points, points[1:]):
        act = _covering(acts, lo, ca)
        st = _covering(sts, lo, cs)
        ex = _covering(exc, lo, ce)
        state = st.state if st else None  # type: ignore[attr-defined]
        reason = st.reason if st else None  # type: ignore[attr-defined]
        if act is None or not act.adherence_tracked:  # type: ignore[attr-defined]
            status = "unscheduled"
        elif ex is not None:
            status = "exception"
        else:
            wanted = variant.productive_states if act.productive else variant.nonproductive_states  # type: ignore[attr-defined]
            status = "adherent" if state in wanted else "non_adherent"
        out.append(Segment(lo, hi, status, act.activity if act else None, state, reason))  # type: ignore[attr-defined]
    return out


def _by_agent(items: Iterable) -> dict[str, list]:  # type: ignore[type-arg]
    grouped: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for item in items:
        grouped[item.agent_id].append(item)
    return grouped


def compute_adherence(activities: Iterable[ScheduledSpan], states: Iterable[StateSpan],
                      exceptions: Iterable[ApprovedException], variant: AdherenceVariant,
                      start: dt.datetime, end: dt.datetime) -> tuple[list[AdherenceResult], AdherenceResult]:
    """Per agent (every agent with a schedule) and the total, over [start, end)."""
    acts, sts, exc = _by_agent(activities), _by_agent(states), _by_agent(exceptions)
    rows: list[AdherenceResult] = []
    for agent_id in sorted(acts):
        totals = {"adherent": 0.0, "non_adherent": 0.0, "exception": 0.0, "unscheduled": 0.0}
        for seg in timeline(acts[agent_id], sts.get(agent_id, []), exc.get(agent_id, []), variant, start, end):
            totals[seg.status] += seg.seconds
        rows.append(AdherenceResult(agent_id, variant.id, totals["adherent"] + totals["non_adherent"],
                                    totals["adherent"], totals["non_adherent"], totals["exception"]))
    total = AdherenceResult("*", variant.id, sum(r.scheduled_s for r in rows), sum(r.adherent_s for r in rows),
                            sum(r.non_adherent_s for r in rows), sum(r.exception_s for r in rows))
    return rows, total


def version_for_day(variant: AdherenceVariant, day: dt.date,
                    versions: list[tuple[int, dt.datetime]]) -> int | None:
    """Which schedule version measures `day`: the latest one, or for a variant with a recompute window the
    latest created no later than `window` days after the day (older edits no longer reach it).
    `versions` = [(version, created_at)] in any order; None if none qualifies."""
    ordered = sorted(versions, key=lambda v: (v[1], v[0]))
    if variant.recompute_window_days is None:
        return ordered[-1][0] if ordered else None
    limit = dt.datetime.combine(day, dt.time()) + dt.timedelta(days=variant.recompute_window_days + 1)
    eligible = [v for v, created in ordered if created < limit]
    # the first version always counts: a schedule published late is still the schedule
    return eligible[-1] if eligible else (ordered[0][0] if ordered else None)
