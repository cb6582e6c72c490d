"""/api/v1/schedules: list, view (scoped), CSV export/import, generate (CP-SAT), edit one agent-day (a new
version), agent work rules and approved adherence exceptions. ScheduleService checks role and scope:
agents get their own shifts only, supervisors their teams', planners and admins manage."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.workforce.schedule_csv import ActivityRow
from callboard.workforce.schedule_rules import AgentRules
from callboard.workforce.scheduler import SolverOptions

router = APIRouter(prefix="/api/v1", tags=["schedules"])

Ctx = Annotated[WebContext, Depends(get_context)]
ViewViewer = Annotated[Viewer, Depends(allow("view_schedules"))]
ManageViewer = Annotated[Viewer, Depends(allow("manage_schedules"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "outside your role or scope"},
    404: {"model": ErrorResponse, "description": "unknown schedule or version"},
    422: {"model": ErrorResponse, "description": "invalid input, or no schedule meets the rules"},
}


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class GenerateBody(BaseModel):
    name: str
    first_day: dt.date
    days: int = Field(7, ge=1, le=14)
    requirement: list[list[float]] | None = Field(
        None, description="agents needed per 30-minute slot, one list of 48 per day; default: past handled workload")
    agent_ids: list[str] | None = Field(None, description="default: agents with work rules, else every known agent")
    seed: int = 7
    max_deterministic_time: float = Field(1.5, gt=0, le=30, description="CP-SAT budget (deterministic units)")


class ActivityBody(BaseModel):
    activity: str
    start: dt.datetime
    end: dt.datetime
    productive: bool
    paid: bool = True
    adherence_tracked: bool = True


class EditBody(BaseModel):
    activities: list[ActivityBody] = Field(description="the agent-day's new activities; empty removes the shift")
    note: str = ""


class RulesBody(BaseModel):
    min_week_paid_min: int = Field(ge=0)
    max_week_paid_min: int = Field(ge=0)
    max_days: int = Field(5, ge=0, le=7)
    availability: dict[int, tuple[int, int]] = Field(description="weekday (0 = Monday) -> [from, to] minutes")
    time_off: list[dt.date] = []
    lengths_min: list[int] | None = None


class ExceptionBody(BaseModel):
    agent_id: str
    start: dt.datetime
    end: dt.datetime
    reason: str


@router.get("/schedules", responses=ERRORS)
def list_schedules(ctx: Ctx, viewer: ViewViewer) -> list[dict[str, Any]]:
    return jsonable(ctx.runtime.schedules.list_schedules(viewer))  # type: ignore[no-any-return]


@router.get("/schedules/{schedule_id}.csv", responses=ERRORS, response_class=Response)
def export_schedule(ctx: Ctx, viewer: ViewViewer, schedule_id: int, version: int | None = None) -> Response:
    text = ctx.runtime.schedules.export_csv(viewer, schedule_id, version)
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="schedule-{schedule_id}.csv"'})


@router.get("/schedules/{schedule_id}", responses=ERRORS)
def get_schedule(ctx: Ctx, viewer: ViewViewer, schedule_id: int,
                 version: Annotated[int | None, Query(description="default: the latest")] = None) -> dict[str, Any]:
    return jsonable(ctx.runtime.schedules.view(viewer, schedule_id, version))  # type: ignore[no-any-return]


@router.post("/schedules/import", responses=ERRORS, status_code=201)
async def import_schedule(ctx: Ctx, viewer: ManageViewer, request: Request,
                          name: Annotated[str, Query(min_length=1)]) -> dict[str, Any]:
    text = (await request.body()).decode("utf-8-sig")
    return jsonable(ctx.runtime.schedules.import_csv(viewer, name, text))  # type: ignore[no-any-return]


@router.post("/schedules/generate", responses=ERRORS, status_code=201)
def generate_schedule(ctx: Ctx, viewer: ManageViewer, body: GenerateBody) -> dict[str, Any]:
    req = np.asarray(body.requirement, dtype=float) if body.requirement is not None else None
    opts = SolverOptions(random_seed=body.seed, max_deterministic_time=body.max_deterministic_time)
    with ctx.engine():
        info = ctx.runtime.schedules.generate(viewer, name=body.name, first_day=body.first_day, n_days=body.days,
                                              requirement=req, agent_ids=body.agent_ids, options=opts)
    return jsonable(info)  # type: ignore[no-any-return]


@router.put("/schedules/{schedule_id}/agents/{agent_id}/days/{day}", responses=ERRORS)
def edit_agent_day(ctx: Ctx, viewer: ManageViewer, schedule_id: int, agent_id: str, day: dt.date,
                   body: EditBody) -> dict[str, Any]:
    acts = [ActivityRow(a.activity, a.start.replace(tzinfo=None), a.end.replace(tzinfo=None), a.productive, a.paid,
                        a.adherence_tracked) for a in body.activities]
    return jsonable(ctx.runtime.schedules.edit_shift(viewer, schedule_id, agent_id, day, acts, body.note))  # type: ignore[no-any-return]


@router.get("/agents/{agent_id}/schedule", responses=ERRORS)
def agent_schedule(ctx: Ctx, viewer: ViewViewer, agent_id: str, from_date: dt.date, to_date: dt.date) -> list[dict[str, Any]]:
    return jsonable(ctx.runtime.schedules.agent_schedule(viewer, agent_id, from_date, to_date))  # type: ignore[no-any-return]


@router.get("/schedule-rules", responses=ERRORS)
def list_rules(ctx: Ctx, viewer: ManageViewer) -> list[dict[str, Any]]:
    return jsonable(ctx.runtime.schedules.agent_rules(viewer))  # type: ignore[no-any-return]


@router.put("/schedule-rules/{agent_id}", responses=ERRORS)
def put_rules(ctx: Ctx, viewer: ManageViewer, agent_id: str, body: RulesBody) -> dict[str, str]:
    rules = AgentRules(agent_id, body.min_week_paid_min, body.max_week_paid_min, body.max_days,
                       {int(k): (int(v[0]), int(v[1])) for k, v in body.availability.items()}, frozenset(body.time_off),
                       tuple(body.lengths_min) if body.lengths_min else None)
    ctx.runtime.schedules.set_agent_rules(viewer, rules)
    return {"agent_id": agent_id, "status": "saved"}


@router.post("/adherence/exceptions", responses=ERRORS, status_code=201)
def add_exception(ctx: Ctx, viewer: ManageViewer, body: ExceptionBody) -> dict[str, int]:
    new_id = ctx.runtime.schedules.add_exception(viewer, body.agent_id, body.start.replace(tzinfo=None),
                                                 body.end.replace(tzinfo=None), body.reason)
    return {"id": new_id}
