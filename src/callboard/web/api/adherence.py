"""/api/v1/adherence: historical adherence (variant adherence.callboard or adherence.amazon_connect) with
conformance, occupancy, utilization and planned vs actual shrinkage; /api/v1/adherence/now: who is out of
adherence now. Scope per ScheduleService: agents see themselves, supervisors their teams."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from callboard.core.viewer import Viewer
from callboard.web.api.models import ErrorResponse
from callboard.web.api.schedules import jsonable
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context

router = APIRouter(prefix="/api/v1", tags=["adherence"])

Ctx = Annotated[WebContext, Depends(get_context)]
ViewViewer = Annotated[Viewer, Depends(allow("view_schedules"))]
Variant = Annotated[str, Query(description="adherence.callboard (reference §11) or adherence.amazon_connect")]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "outside your role or scope"},
    422: {"model": ErrorResponse, "description": "invalid dates or variant"},
}


def report_json(report: Any) -> dict[str, Any]:
    out = jsonable(report)
    for row, src in zip(out["agents"], report.agents):
        row["adherence"]["adherence"] = src.adherence.adherence
    out["total"]["adherence"] = report.total.adherence
    return out  # type: ignore[no-any-return]


@router.get("/adherence", responses=ERRORS)
def adherence(ctx: Ctx, viewer: ViewViewer, from_date: dt.date, to_date: dt.date,
              variant: Variant = "adherence.callboard") -> dict[str, Any]:
    with ctx.engine():
        report = ctx.runtime.schedules.adherence(viewer, from_date, to_date, variant)
    return report_json(report)


@router.get("/adherence/now", responses=ERRORS)
def adherence_now(ctx: Ctx, viewer: ViewViewer,
                  at: Annotated[dt.datetime | None, Query(description="UTC; default now (historical data: 14:00 on its last day)")] = None,
                  grace_s: Annotated[float, Query(ge=0, le=3600)] = 300,
                  variant: Variant = "adherence.callboard") -> dict[str, Any]:
    with ctx.engine():
        now, rows = ctx.runtime.schedules.realtime(viewer, at.replace(tzinfo=None) if at else None, grace_s, variant)
    return {"at": now.isoformat(), "grace_s": grace_s, "variant": variant, "agents": jsonable(rows)}
