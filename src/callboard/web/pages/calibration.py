"""Quality operations pages: /quality/sampling (plans, draws, workload), /quality/calibration (sessions),
/quality/calibration/{id} (blind scoring, then agreement) and /quality/reports (evaluator-adjusted scores,
fail-rate trends, productivity, disputes). Rules and numbers come from runtime.sampling and
runtime.calibration; this module parses forms and renders.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import CallboardError, InvalidInput
from callboard.core.viewer import Viewer
from callboard.quality.agreement import kappa_band
from callboard.quality.sampling import Targeting
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.pages.qa_figures import adjusted_figure, trend_figure
from callboard.web.params import check_period, parse_day

router = APIRouter(tags=["pages"])

Ctx = Annotated[WebContext, Depends(get_context)]
Manage = Annotated[Viewer, Depends(allow("manage_evaluations"))]
ViewEvaluations = Annotated[Viewer, Depends(allow("view_evaluations"))]


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").replace("\n", ",").split(",") if x.strip()]


def _num(text: str | None) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"'{text}' is not a number") from None


# -- sampling --------------------------------------------------------------------------------------
def _sampling(request: Request, ctx: Ctx, viewer: Viewer, plan_id: int | None, day: dt.date | None,
              errors: list[CallboardError], status_code: int = 200) -> HTMLResponse:
    service = ctx.runtime.sampling
    plans = service.plans(viewer)
    chosen = next((p for p in plans if p.id == plan_id), plans[-1] if plans else None)
    periods = service.periods(viewer, chosen.id) if chosen else []
    day = day or (periods[0] if periods else None)
    items = service.items(viewer, plan_id=chosen.id, day=day) if chosen and day else []
    context = {"nav": "quality", "plans": plans, "plan": chosen, "periods": periods, "day": day, "items": items,
               "workload": service.workload(viewer), "teams": ctx.runtime.org.teams(viewer), "errors": errors,
               "today": dt.datetime.now(dt.timezone.utc).date()}
    return ctx.templates.TemplateResponse(request, "sampling.html", context, status_code=status_code)


@router.get("/quality/sampling", response_class=HTMLResponse, summary="Sampling plans, draws and workload")
def sampling_page(request: Request, ctx: Ctx, viewer: Manage, plan: int | None = None,
                  day: str | None = None) -> HTMLResponse:
    return _sampling(request, ctx, viewer, plan, parse_day(day, "day") if day else None, [])


@router.post("/quality/sampling", response_class=HTMLResponse, summary="Create a sampling plan")
async def create_plan(request: Request, ctx: Ctx, viewer: Manage) -> Response:
    form = await request.form()
    try:
        targeting = Targeting(low_csat_max=_num(str(form.get("low_csat_max", ""))),
                              long_aht_min_s=_num(str(form.get("long_aht_min_s", ""))),
                              transfers=bool(form.get("transfers")), repeats=bool(form.get("repeats")),
                              match_all=form.get("match") == "all")
        seed = _num(str(form.get("seed", "")))
        plan_id = ctx.runtime.sampling.create_plan(
            viewer, name=str(form.get("name", "")), n_per_agent=int(_num(str(form.get("n_per_agent", ""))) or 0),
            period=str(form.get("period", "week")), stratify_by=str(form.get("stratify_by") or "") or None,
            targeting=targeting, team_ids=[str(t) for t in form.getlist("team_ids")] or None,
            evaluators=_split(str(form.get("evaluators", ""))), seed=None if seed is None else int(seed))
    except CallboardError as error:
        return _sampling(request, ctx, viewer, None, None, [error], status_code=422)
    return RedirectResponse(f"/quality/sampling?plan={plan_id}", status_code=303)


@router.post("/quality/sampling/{plan_id}/draw", response_class=HTMLResponse, summary="Draw a period's sample")
async def draw_plan(plan_id: int, request: Request, ctx: Ctx, viewer: Manage) -> Response:
    form = await request.form()
    try:
        day = parse_day(str(form.get("day") or ""), "day") or dt.datetime.now(dt.timezone.utc).date()
        with ctx.engine():
            report = ctx.runtime.sampling.draw(viewer, plan_id, day)
    except CallboardError as error:
        return _sampling(request, ctx, viewer, plan_id, None, [error], status_code=422)
    return RedirectResponse(f"/quality/sampling?plan={plan_id}&day={report.period_start}", status_code=303)


# -- calibration -----------------------------------------------------------------------------------
def _sessions(request: Request, ctx: Ctx, viewer: Viewer, errors: list[CallboardError],
              status_code: int = 200) -> HTMLResponse:
    cal = ctx.runtime.calibration
    context = {"nav": "quality", "sessions": cal.sessions(viewer), "versions": cal.form_versions(viewer),
               "drift": cal.drift(viewer), "errors": errors}
    return ctx.templates.TemplateResponse(request, "calibration.html", context, status_code=status_code)


@router.get("/quality/calibration", response_class=HTMLResponse, summary="Calibration sessions and drift")
def calibration_page(request: Request, ctx: Ctx, viewer: Manage) -> HTMLResponse:
    return _sessions(request, ctx, viewer, [])


@router.post("/quality/calibration", response_class=HTMLResponse, summary="Create a calibration session")
async def create_session(request: Request, ctx: Ctx, viewer: Manage) -> Response:
    form = await request.form()
    try:
        reference = str(form.get("reference", "expert"))
        with ctx.engine():
            sid = ctx.runtime.calibration.create_session(
                viewer, name=str(form.get("name", "")), form_version_id=int(_num(str(form.get("form_version_id"))) or 0),
                contact_ids=_split(str(form.get("contact_ids", ""))), participants=_split(str(form.get("participants", ""))),
                reference=reference, expert=str(form.get("expert") or "").strip() or None,
                scheduled_on=parse_day(str(form.get("scheduled_on") or ""), "scheduled_on") or None)
    except CallboardError as error:
        return _sessions(request, ctx, viewer, [error], status_code=422)
    return RedirectResponse(f"/quality/calibration/{sid}", status_code=303)


def _session(request: Request, ctx: Ctx, viewer: Viewer, session_id: int, errors: list[CallboardError],
             status_code: int = 200) -> HTMLResponse:
    detail = ctx.runtime.calibration.detail(viewer, session_id)
    mine = {s.contact_row_id: s for s in detail.mine}
    context = {"nav": "quality", "d": detail, "s": detail.session, "mine": mine, "a": detail.analysis,
               "errors": errors, "band": kappa_band,
               "grid": {(x.evaluator, x.contact_row_id): x.score_pct for x in detail.scores},
               "is_participant": viewer.username in detail.session.participants}
    return ctx.templates.TemplateResponse(request, "calibration_session.html", context, status_code=status_code)


@router.get("/quality/calibration/{session_id}", response_class=HTMLResponse, summary="A calibration session")
def session_page(session_id: int, request: Request, ctx: Ctx, viewer: Manage) -> HTMLResponse:
    return _session(request, ctx, viewer, session_id, [])


@router.post("/quality/calibration/{session_id}/contacts/{row_id}", response_class=HTMLResponse,
             summary="Save or submit answers for one contact")
async def score_contact(session_id: int, row_id: int, request: Request, ctx: Ctx, viewer: Manage) -> Response:
    form = await request.form()
    answers: dict[str, Any] = {}
    for key in form:
        if key.startswith("q:"):
            values = [str(v) for v in form.getlist(key) if str(v) != ""]
            if values:
                answers[key[2:]] = values if key.endswith("[]") else values[0]
    answers = {k.removesuffix("[]"): v for k, v in answers.items()}
    try:
        ctx.runtime.calibration.score_contact(viewer, session_id, row_id, answers, submit=form.get("action") == "submit")
    except CallboardError as error:
        return _session(request, ctx, viewer, session_id, [error], status_code=422)
    return RedirectResponse(f"/quality/calibration/{session_id}#contact-{row_id}", status_code=303)


@router.post("/quality/calibration/{session_id}/close", response_class=HTMLResponse, summary="Close a session")
async def close_session(session_id: int, request: Request, ctx: Ctx, viewer: Manage) -> Response:
    try:
        ctx.runtime.calibration.close_session(viewer, session_id)
    except CallboardError as error:
        return _session(request, ctx, viewer, session_id, [error], status_code=403)
    return RedirectResponse(f"/quality/calibration/{session_id}", status_code=303)


# -- reports ---------------------------------------------------------------------------------------
@router.get("/quality/reports", response_class=HTMLResponse, summary="QA operations reports")
def reports_page(request: Request, ctx: Ctx, viewer: ViewEvaluations,
                 from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None,
                 period: str = "week") -> HTMLResponse:
    ops = ctx.runtime.calibration.ops
    start, end = check_period(from_, to)
    end = end or ops.latest_day() or dt.datetime.now(dt.timezone.utc).date()
    start = start or end - dt.timedelta(days=27)
    adjusted = ops.adjusted_scores(viewer, from_date=start, to_date=end)
    with ctx.engine():  # fail-rate trends from the KPI catalog (question_fail_rate, section_fail_rate)
        questions = ctx.runtime.quality.fail_trend(viewer, from_date=start, to_date=end, kind="question",
                                                   period=period)
        sections = ctx.runtime.quality.fail_trend(viewer, from_date=start, to_date=end, kind="section",
                                                  period=period)
    context = {
        "nav": "quality", "start": start, "end": end, "period": period, "model": adjusted.model,
        "agents": sorted(adjusted.model.agents, key=lambda a: a.adjusted, reverse=True),
        "productivity": ops.productivity(viewer, from_date=start, to_date=end),
        "disputes": ops.disputes(viewer, from_date=start, to_date=end), "sections": sections,
        "adjusted_json": json.dumps(adjusted_figure(adjusted.model)).replace("</", "<\\/"),
        "question_json": json.dumps(trend_figure(questions, "Question")).replace("</", "<\\/"),
        "section_json": json.dumps(trend_figure(sections, "Section")).replace("</", "<\\/"),
        "api_link": f"/api/v1/qa-reports/operations?from={start}&to={end}&period={period}",
        "adjusted_link": f"/api/v1/qa-reports/adjusted?from={start}&to={end}",
    }
    return ctx.templates.TemplateResponse(request, "qa_reports.html", context)
