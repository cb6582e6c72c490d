"""/api/v1/goals: list (scoped to the viewer), create, get with progress, update, archive, suggest, CSV.

Every rule (who may see or set which goal) is in GoalService; this module parses and renders.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.goals.model import GoalInput
from callboard.goals.service import GoalWithProgress
from callboard.goals.suggest import Suggestion
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.params import check_period, parse_day

router = APIRouter(prefix="/api/v1", tags=["goals"])

ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "outside the viewer's goals"},
    404: {"model": ErrorResponse, "description": "no such goal, metric, team or agent"},
    422: {"model": ErrorResponse, "description": "invalid goal"}}
ViewGoals = Annotated[Viewer, Depends(allow("view_goals"))]
ManageGoals = Annotated[Viewer, Depends(allow("manage_goals"))]
Ctx = Annotated[WebContext, Depends(get_context)]
From = Annotated[str | None, Query(alias="from", description="goals whose period ends on or after this day")]
To = Annotated[str | None, Query(alias="to", description="goals whose period starts on or before this day")]
AsOf = Annotated[str | None, Query(description="measure progress up to this day (default yesterday, the last "
                                               "complete day)")]
ScopeKind = Annotated[Literal["agent", "team", "queue", "channel"] | None, Query(description="only this scope kind")]


class ProgressOut(BaseModel):
    as_of: dt.date
    measured_to: dt.date | None = Field(description="last day counted; null before the period starts")
    elapsed_days: int
    period_days: int
    value: float | None = Field(description="the metric over the period so far")
    projected: float | None = Field(description="expected at period end")
    projection: str = Field(description="'linear by elapsed days' (counts) or 'current value' (rates, averages)")
    attainment_ratio: float | None = Field(description="projection against target (lower is better: target/value)")
    status: str = Field(description="green | amber | red | none (no data) | not_started")
    member_value: float | None = Field(None, description="agent pages: the agent's own value on a team goal")


class GoalOut(BaseModel):
    id: int
    name: str
    metric: str = Field(description="resolved catalog metric with its parameters")
    metric_title: str
    unit: str
    target: float
    direction: str
    amber_band: float
    period: str
    starts_on: dt.date
    ends_on: dt.date
    scope_kind: str
    scope_id: str
    collaborative: bool
    owner: str
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    progress: ProgressOut | None = None


class SuggestionOut(BaseModel):
    metric: str
    direction: str
    target: float | None = Field(description="null when there is no history")
    percentile: int
    values_count: int
    agents_count: int
    from_: dt.date = Field(alias="from")
    to: dt.date
    basis: str
    unit: str = Field(description="the metric's unit: ratio, seconds, count, ...")
    model_config = {"populate_by_name": True}


def goal_json(item: GoalWithProgress | Any) -> dict[str, Any]:
    goal = item.goal if isinstance(item, GoalWithProgress) else item
    out = {k: getattr(goal, k) for k in GoalOut.model_fields if k != "progress"}
    if isinstance(item, GoalWithProgress):
        p = item.progress
        out["progress"] = {k: getattr(p, k) for k in ProgressOut.model_fields}
    return out


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {"metric": s.metric, "direction": s.direction, "target": s.target, "percentile": s.percentile,
            "values_count": s.values_count, "agents_count": s.agents_count, "from": s.from_date, "to": s.to_date,
            "basis": s.basis, "unit": s.unit}


def listed(ctx: WebContext, viewer: Viewer, from_: str | None, to: str | None, scope_kind: str | None,
           as_of: str | None, include_archived: bool = False) -> list[GoalWithProgress]:
    start, end = check_period(from_, to)
    day = parse_day(as_of, "as_of")
    service = ctx.runtime.goals
    goals = service.list_goals(viewer, from_date=start, to_date=end, scope_kind=scope_kind,
                               include_archived=include_archived)
    with ctx.engine():
        return service.with_progress(goals, day)  # type: ignore[no-any-return]


@router.get("/goals", response_model=list[GoalOut], responses=ERRORS, summary="Goals the viewer may see, with progress")
def list_goals(ctx: Ctx, viewer: ViewGoals, from_: From = None, to: To = None, scope_kind: ScopeKind = None,
               as_of: AsOf = None, include_archived: bool = False) -> Any:
    """Agents: their own and their teams' goals; supervisors: their teams' and agents'; managers: their site's;
    admins: all."""
    return [goal_json(g) for g in listed(ctx, viewer, from_, to, scope_kind, as_of, include_archived)]


CSV_COLUMNS = ("id", "name", "scope_kind", "scope_id", "collaborative", "metric", "direction", "target", "amber_band",
               "period", "starts_on", "ends_on", "owner", "value", "projected", "projection", "attainment_ratio",
               "status", "measured_to")


def goals_csv_text(items: list[GoalWithProgress]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for item in items:
        row = {**goal_json(item.goal), **goal_json(item)["progress"]}
        writer.writerow({c: "" if row.get(c) is None else row[c] for c in CSV_COLUMNS})
    return buffer.getvalue()


@router.get("/goals.csv", response_class=Response, responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
            summary="The goals table as CSV")
def goals_csv(ctx: Ctx, viewer: ViewGoals, from_: From = None, to: To = None, scope_kind: ScopeKind = None,
              as_of: AsOf = None) -> Response:
    """The same goals and numbers as GET /api/v1/goals, one row per goal."""
    text = goals_csv_text(listed(ctx, viewer, from_, to, scope_kind, as_of))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="goals.csv"'})


@router.get("/goals/suggest", response_model=SuggestionOut, responses=ERRORS, summary="Suggested target from history")
def suggest(ctx: Ctx, viewer: ManageGoals, metric: str, scope_kind: Literal["agent", "team", "queue", "channel"],
            scope_id: str, starts_on: str | None = None, direction: Literal["higher", "lower"] | None = None) -> Any:
    """The team's 75th percentile of weekly agent values over the 8 weeks before `starts_on` (25th when lower is
    better); for queue and channel goals, of the scope's own weekly values. `basis` says which."""
    day = parse_day(starts_on, "starts_on")
    with ctx.engine():
        found = ctx.runtime.goals.suggest(viewer, metric=metric, scope_kind=scope_kind, scope_id=scope_id,
                                          starts_on=day, direction=direction)
    return suggestion_json(found)


@router.post("/goals", response_model=GoalOut, status_code=201, responses=ERRORS, summary="Create a goal")
def create_goal(ctx: Ctx, viewer: ManageGoals, body: GoalInput) -> Any:
    with ctx.engine():
        return goal_json(ctx.runtime.goals.create(viewer, body))


@router.get("/goals/{goal_id}", response_model=GoalOut, responses=ERRORS, summary="One goal with its progress")
def get_goal(ctx: Ctx, viewer: ViewGoals, goal_id: int, as_of: AsOf = None) -> Any:
    day = parse_day(as_of, "as_of")
    with ctx.engine():
        return goal_json(ctx.runtime.goals.progress(viewer, goal_id, day))


@router.put("/goals/{goal_id}", response_model=GoalOut, responses=ERRORS, summary="Replace a goal's fields")
def update_goal(ctx: Ctx, viewer: ManageGoals, goal_id: int, body: GoalInput) -> Any:
    with ctx.engine():
        return goal_json(ctx.runtime.goals.update(viewer, goal_id, body))


@router.post("/goals/{goal_id}/archive", response_model=GoalOut, responses=ERRORS, summary="Archive a goal")
def archive_goal(ctx: Ctx, viewer: ManageGoals, goal_id: int) -> Any:
    return goal_json(ctx.runtime.goals.archive(viewer, goal_id))
