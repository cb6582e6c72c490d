"""/api/v1/sampling: sampling plans, draws per period, drawn items and evaluator workload (QA analysts, admins).

Rules live in SamplingService (runtime.sampling); this module parses and renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.quality.sampling import Targeting
from callboard.quality.sampling_service import PlanView
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.params import parse_day

router = APIRouter(prefix="/api/v1", tags=["sampling"])

Manage = Annotated[Viewer, Depends(allow("manage_evaluations"))]
Ctx = Annotated[WebContext, Depends(get_context)]


class TargetingIn(BaseModel):
    low_csat_max: float | None = Field(None, description="CSAT at or below this (1-5 scale)")
    long_aht_min_s: float | None = Field(None, description="handle time at or above this many seconds")
    transfers: bool = False
    repeats: bool = Field(False, description="followed by the customer's next contact within the FCR window")
    match_all: bool = Field(False, description="require every chosen filter (default: any)")


class PlanIn(BaseModel):
    name: str
    n_per_agent: int = Field(ge=1, le=100)
    period: Literal["day", "week", "month"] = "week"
    stratify_by: Literal["channel", "queue"] | None = None
    targeting: TargetingIn = Field(default_factory=TargetingIn)
    team_ids: list[str] | None = None
    channels: list[str] | None = None
    evaluators: list[str]
    seed: int | None = Field(None, description="stored with the plan; random when omitted")
    spread: bool = True
    form_id: int | None = None


class PlanPatch(BaseModel):
    name: str | None = None
    n_per_agent: int | None = Field(None, ge=1, le=100)
    evaluators: list[str] | None = None
    active: bool | None = None


def plan_json(p: PlanView) -> dict[str, Any]:
    body = asdict(p)
    body["created_at"] = p.created_at.isoformat()
    return body


@router.get("/sampling/plans", summary="Sampling plans")
def list_plans(ctx: Ctx, viewer: Manage) -> list[dict[str, Any]]:
    return [plan_json(p) for p in ctx.runtime.sampling.plans(viewer)]


@router.post("/sampling/plans", status_code=201, summary="Create a sampling plan")
def create_plan(body: PlanIn, ctx: Ctx, viewer: Manage) -> dict[str, Any]:
    data = body.model_dump()
    data["targeting"] = Targeting(**data["targeting"])
    plan_id = ctx.runtime.sampling.create_plan(viewer, **data)
    return plan_json(ctx.runtime.sampling.plan(viewer, plan_id))


@router.get("/sampling/plans/{plan_id}", summary="One sampling plan")
def get_plan(plan_id: int, ctx: Ctx, viewer: Manage) -> dict[str, Any]:
    return plan_json(ctx.runtime.sampling.plan(viewer, plan_id))


@router.patch("/sampling/plans/{plan_id}", summary="Rename, change quota or evaluators, pause a plan")
def patch_plan(plan_id: int, body: PlanPatch, ctx: Ctx, viewer: Manage) -> dict[str, Any]:
    return plan_json(ctx.runtime.sampling.update_plan(viewer, plan_id, **body.model_dump()))


@router.post("/sampling/plans/{plan_id}/draw", summary="Draw or top up the sample for the period holding `day`")
def draw(plan_id: int, ctx: Ctx, viewer: Manage,
         day: Annotated[str | None, Query(description="YYYY-MM-DD (default today, UTC)")] = None) -> dict[str, Any]:
    when = parse_day(day, "day") if day else dt.datetime.now(dt.timezone.utc).date()
    with ctx.engine():
        report = ctx.runtime.sampling.draw(viewer, plan_id, when)
    return asdict(report)


@router.get("/sampling/plans/{plan_id}/items", summary="Drawn contacts with assignment and status")
def items(plan_id: int, ctx: Ctx, viewer: Manage,
          day: Annotated[str | None, Query(description="only the period holding this day")] = None
          ) -> list[dict[str, Any]]:
    when = parse_day(day, "day") if day else None
    return [asdict(i) for i in ctx.runtime.sampling.items(viewer, plan_id=plan_id, day=when)]


@router.get("/sampling/workload", summary="Sampled contacts per evaluator: assigned, done, open")
def workload(ctx: Ctx, viewer: Manage, plan_id: int | None = None) -> list[dict[str, Any]]:
    return [asdict(w) | {"open": w.open} for w in ctx.runtime.sampling.workload(viewer, plan_id=plan_id)]
