"""/api/v1/calibration (sessions, blind scoring, analysis, drift) and /api/v1/qa-reports (evaluator-adjusted
scores, fail-rate trends, evaluator productivity, dispute and overturn rates).

Rules live in CalibrationService (runtime.calibration) and its QaOps; this module parses and renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.quality.calibration_service import SessionDetail
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.params import check_period

router = APIRouter(prefix="/api/v1", tags=["calibration"])

Manage = Annotated[Viewer, Depends(allow("manage_evaluations"))]
ViewEvaluations = Annotated[Viewer, Depends(allow("view_evaluations"))]
Ctx = Annotated[WebContext, Depends(get_context)]
From = Annotated[str | None, Query(alias="from", description="first contact day (default: 28 days before `to`)")]
To = Annotated[str | None, Query(alias="to", description="last contact day (default today, UTC)")]


class SessionIn(BaseModel):
    name: str
    form_version_id: int
    contact_ids: list[str] = Field(min_length=1)
    participants: list[str]
    reference: Literal["expert", "consensus"] = "expert"
    expert: str | None = None
    scheduled_on: dt.date | None = None


class ScoreIn(BaseModel):
    answers: dict[str, Any]
    submit: bool = Field(False, description="submitted scorings are final and reveal the others once all are in")


def period(from_: str | None, to: str | None) -> tuple[dt.date, dt.date]:
    start, end = check_period(from_, to)
    end = end or dt.datetime.now(dt.timezone.utc).date()
    return start or end - dt.timedelta(days=27), end


def detail_json(d: SessionDetail) -> dict[str, Any]:
    a = d.analysis
    return {
        "session": asdict(d.session), "revealed": d.revealed, "mine": [asdict(s) for s in d.mine],
        "scores": [asdict(s) for s in d.scores],
        "analysis": None if a is None else {
            "reference": a.reference, "evaluators": list(a.evaluators),
            "reference_scores": a.reference_scores, "mean_percent_agreement": a.mean_percent_agreement,
            "icc": None if a.icc is None else asdict(a.icc),
            "questions": [asdict(q) for q in a.questions], "per_evaluator": [asdict(e) for e in a.per_evaluator]},
    }


@router.get("/calibration/sessions", summary="Calibration sessions")
def sessions(ctx: Ctx, viewer: Manage) -> list[dict[str, Any]]:
    return [asdict(s) for s in ctx.runtime.calibration.sessions(viewer)]


@router.post("/calibration/sessions", status_code=201, summary="Create a calibration session")
def create_session(body: SessionIn, ctx: Ctx, viewer: Manage) -> dict[str, Any]:
    with ctx.engine():
        sid = ctx.runtime.calibration.create_session(viewer, **body.model_dump())
    return detail_json(ctx.runtime.calibration.detail(viewer, sid))


@router.get("/calibration/sessions/{session_id}", summary="A session: own answers; everyone's and the analysis "
                                                          "once the viewer submitted all (blind until then)")
def session(session_id: int, ctx: Ctx, viewer: Manage) -> dict[str, Any]:
    return detail_json(ctx.runtime.calibration.detail(viewer, session_id))


@router.put("/calibration/sessions/{session_id}/contacts/{contact_row_id}/score", summary="Save or submit answers")
def score(session_id: int, contact_row_id: int, body: ScoreIn, ctx: Ctx, viewer: Manage) -> dict[str, Any]:
    return asdict(ctx.runtime.calibration.score_contact(viewer, session_id, contact_row_id, body.answers,
                                                        submit=body.submit))


@router.post("/calibration/sessions/{session_id}/close", summary="Close a session (facilitator or admin)")
def close(session_id: int, ctx: Ctx, viewer: Manage) -> dict[str, Any]:
    ctx.runtime.calibration.close_session(viewer, session_id)
    return detail_json(ctx.runtime.calibration.detail(viewer, session_id))


@router.get("/calibration/drift", summary="Each evaluator's deviation from the reference across sessions")
def drift(ctx: Ctx, viewer: Manage) -> list[dict[str, Any]]:
    return [asdict(d) for d in ctx.runtime.calibration.drift(viewer)]


@router.get("/qa-reports/adjusted", summary="Agent QA scores raw and adjusted for evaluator severity")
def adjusted(ctx: Ctx, viewer: ViewEvaluations, from_: From = None, to: To = None) -> dict[str, Any]:
    start, end = period(from_, to)
    got = ctx.runtime.calibration.ops.adjusted_scores(viewer, from_date=start, to_date=end)
    m = got.model
    return {"from": start, "to": end, "evaluations": m.evaluations, "components": m.components,
            "residual_sd": m.residual_sd, "evaluators": [asdict(e) for e in m.evaluators],
            "agents": [asdict(a) | {"adjustment_points": a.adjustment_points} for a in m.agents]}


@router.get("/qa-reports/operations", summary="Fail-rate trends, evaluator productivity, disputes and overturns")
def operations(ctx: Ctx, viewer: ViewEvaluations, from_: From = None, to: To = None,
               period_: Annotated[Literal["day", "week", "month"], Query(alias="period")] = "week",
               ) -> dict[str, Any]:
    start, end = period(from_, to)
    ops = ctx.runtime.calibration.ops
    with ctx.engine():  # the trends come from the KPI catalog (analytics store)
        trend = {kind: [asdict(r) | {"fail_rate": r.fail_rate} for r in ctx.runtime.quality.fail_trend(
                     viewer, from_date=start, to_date=end, kind=kind, period=period_)]
                 for kind in ("question", "section")}
    return {"from": start, "to": end, "period": period_, "fail_rate_trend": trend,
            "productivity": [asdict(p) for p in ops.productivity(viewer, from_date=start, to_date=end)],
            "disputes": [asdict(d) | {"dispute_rate": d.dispute_rate, "overturn_rate": d.overturn_rate}
                         for d in ops.disputes(viewer, from_date=start, to_date=end)]}
