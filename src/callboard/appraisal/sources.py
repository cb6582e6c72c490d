"""The one adapter between appraisal packets and the goal and scorecard services.

Goals and scorecards are separate domains (callboard.goals, callboard.scorecards) reached through
the runtime. While a service is not there yet (module missing, method missing or a different
signature) the packet shows an empty state saying so instead of failing; an error the service raises
on purpose (CallboardError, e.g. no scorecard for this team) becomes the section's empty message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from callboard.appraisal.model import GoalLine, ScorecardPoint, Section
from callboard.appraisal.period import AppraisalPeriod
from callboard.core.errors import CallboardError
from callboard.core.viewer import Viewer

log = logging.getLogger("callboard.appraisal")
NOT_READY = (ImportError, AttributeError, NotImplementedError, TypeError)
GOALS_PENDING = "Goals are not available in this installation yet."
SCORECARDS_PENDING = "Scorecards are not available in this installation yet."


class DomainServices(Protocol):
    """The runtime's lazily built services (callboard.runtime.Runtime satisfies it)."""

    @property
    def goals(self) -> Any: ...

    @property
    def scorecards(self) -> Any: ...


@dataclass(frozen=True)
class Fetched:
    rows: tuple[Any, ...]
    section: Section


def _call(compute: Callable[[], Any], pending: str) -> tuple[Any, Section | None]:
    """`compute()`, or the empty state to show: the service's own message, or `pending` if it is not there."""
    try:
        return compute(), None
    except CallboardError as exc:
        return None, Section(False, exc.message)
    except NOT_READY as exc:
        log.info("appraisal: %s (%s: %s)", pending, type(exc).__name__, exc)
        return None, Section(False, pending)


def _first(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _goal_line(raw: Any) -> GoalLine:
    """A GoalWithProgress (goal: GoalView, progress: GoalProgress) from callboard.goals as a packet line."""
    goal = _first(raw, "goal", default=raw)
    progress = _first(raw, "progress", default=raw)
    scope_kind, scope_id = _first(goal, "scope_kind", default=""), _first(goal, "scope_id", default="")
    status = _first(progress, "status", "rag")
    elapsed, days = _first(progress, "elapsed_days"), _first(progress, "period_days")
    return GoalLine(
        name=str(_first(goal, "name", "metric", default="goal")),
        metric=str(_first(goal, "definition") or _first(goal, "metric", default="")),
        scope=f"{scope_kind} {scope_id}".strip(),
        target=float(_first(goal, "target", default=0.0)),
        direction=str(_first(goal, "direction", default="higher")),
        actual=_number(_first(progress, "value", "actual")),
        status=str(status).lower() if status else None,
        unit=str(_first(goal, "unit", default="")),
        projected=_number(_first(progress, "projected")),
        agent_value=_number(_first(progress, "member_value")),
        metric_title=str(_first(goal, "metric_title", default="")),
        final=isinstance(elapsed, int) and isinstance(days, int) and days > 0 and elapsed >= days,
        starts_on=_first(goal, "starts_on"), ends_on=_first(goal, "ends_on"),
        measured_to=_first(progress, "measured_to"),
    )


def _as_rows(answer: Any) -> Iterable[Any]:
    if answer is None:
        return ()
    rows = _first(answer, "goals", "items", "rows", default=answer)
    return rows if isinstance(rows, (list, tuple)) else (rows,)


def fetch_goals(services: DomainServices, viewer: Viewer, agent_id: str, period: AppraisalPeriod) -> Fetched:
    answer, failed = _call(lambda: services.goals.goals_for_agent(viewer, agent_id, (period.start, period.end)),
                           GOALS_PENDING)
    if failed is not None:
        return Fetched((), failed)
    try:
        lines = tuple(_goal_line(raw) for raw in _as_rows(answer))
    except NOT_READY + (ValueError,) as exc:
        log.info("appraisal: goals not understood (%s)", exc)
        return Fetched((), Section(False, GOALS_PENDING))
    return Fetched(lines, Section(bool(lines), "" if lines else "No goals applied to this agent in the period."))


def _scorecard_point(raw: Any) -> ScorecardPoint:
    """A HistoryPoint (period, score, coverage, rank, ranked_agents, team_score) from callboard.scorecards."""
    period = _first(raw, "period")
    return ScorecardPoint(
        period_label=str(_first(period, "label", default=period)),
        score=_number(_first(raw, "score")),
        coverage=_number(_first(raw, "coverage")),
        rank=_first(raw, "rank"),
        team_size=_first(raw, "ranked_agents"),
        team_score=_number(_first(raw, "team_score")),
    )


def fetch_scorecards(services: DomainServices, viewer: Viewer, agent_id: str, period: AppraisalPeriod,
                     count: int) -> Fetched:
    """The agent's overall score for `period` and the `count - 1` periods of its kind before it (oldest first);
    periods without a score are left out."""
    def history() -> Any:
        from callboard.scorecards.periods import ScorePeriod

        until = ScorePeriod(period.kind, period.start, period.end)
        return services.scorecards.agent_history(viewer, agent_id, periods=count, until=until)

    answer, failed = _call(history, SCORECARDS_PENDING)
    if failed is not None:
        return Fetched((), failed)
    try:
        points = tuple(p for p in (_scorecard_point(raw) for raw in answer) if p.score is not None)
    except NOT_READY + (ValueError,) as exc:
        log.info("appraisal: scorecard history not understood (%s)", exc)
        return Fetched((), Section(False, SCORECARDS_PENDING))
    return Fetched(points, Section(bool(points), "" if points else "No scorecard score for this agent in these "
                                                                   "periods (no scorecard for the team, or no data)."))

