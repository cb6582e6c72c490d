"""Schedule and adherence pages: `/workforce/schedule` (Gantt of one day, coverage vs requirement, CSV,
import and generate for planners), `/workforce/schedule/agent/{id}` (one agent's week),
`/workforce/adherence` (adherence, conformance, occupancy, utilization, shrinkage) and
`/workforce/adherence/now` (who is out of adherence now). ScheduleService checks role and scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.viewer import Viewer
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.workforce.adherence import VARIANTS
from callboard.workforce.schedule_csv import ShiftRow
from callboard.workforce.schedule_requirement import utc_to_local
from callboard.workforce.scheduler import SolverOptions

router = APIRouter(tags=["pages"])
Ctx = Annotated[WebContext, Depends(get_context)]
ViewViewer = Annotated[Viewer, Depends(allow("view_schedules"))]
ManageViewer = Annotated[Viewer, Depends(allow("manage_schedules"))]
GANTT_FROM_MIN, GANTT_TO_MIN = 6 * 60, 24 * 60


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def hm(seconds: float) -> str:
    m = int(round(seconds / 60))
    return f"{m // 60}:{m % 60:02d}"


def gantt_rows(shifts: list[ShiftRow], tz: str) -> list[dict[str, Any]]:
    """One row per shift: activity bars positioned in % of the 06:00-24:00 window (local time)."""
    span = GANTT_TO_MIN - GANTT_FROM_MIN
    rows = []
    for s in sorted(shifts, key=lambda x: (x.agent_id, x.day)):
        bars = []
        for a in s.activities:
            lo, hi = utc_to_local(a.start_at, tz), utc_to_local(a.end_at, tz)
            start = (lo - dt.datetime.combine(s.day, dt.time())).total_seconds() / 60
            end = (hi - dt.datetime.combine(s.day, dt.time())).total_seconds() / 60
            left = max(0.0, (start - GANTT_FROM_MIN) / span * 100)
            width = max(0.4, (min(end, GANTT_TO_MIN) - max(start, GANTT_FROM_MIN)) / span * 100)
            bars.append({"kind": a.activity, "left": round(left, 2), "width": round(width, 2),
                         "title": f"{a.activity} {lo:%H:%M}-{hi:%H:%M}" + ("" if a.adherence_tracked else " (not tracked)")})
        lo, hi = utc_to_local(s.start_at, tz), utc_to_local(s.end_at, tz)
        rows.append({"agent_id": s.agent_id, "day": s.day, "label": f"{lo:%H:%M}-{hi:%H:%M}", "bars": bars})
    return rows


def coverage_figure(requirement: list[list[float]], coverage: list[list[float]], day_index: int) -> str:
    slots = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
    req, cov = requirement[day_index], coverage[day_index]
    gap = [round(r - c, 2) for r, c in zip(req, cov)]
    data = [
        {"type": "scatter", "mode": "lines", "name": "required", "x": slots, "y": req, "line": {"shape": "hv", "color": "#1f4e8c"}},
        {"type": "scatter", "mode": "lines", "name": "scheduled (productive)", "x": slots, "y": cov,
         "line": {"shape": "hv", "color": "#0f766e"}},
        {"type": "bar", "name": "gap (short > 0)", "x": slots, "y": gap, "marker": {"color": "#be123c"}, "opacity": 0.5},
    ]
    layout = {"height": 300, "margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "legend": {"orientation": "h"},
              "yaxis": {"title": "agents"}, "xaxis": {"range": [12, 47]}}
    return json.dumps({"data": data, "layout": layout})


@router.get("/workforce/schedule", response_class=HTMLResponse)
def schedule_page(request: Request, ctx: Ctx, viewer: ViewViewer, schedule: int | None = None,
                  version: int | None = None, day: dt.date | None = None) -> Response:
    svc = ctx.runtime.schedules
    schedules = svc.list_schedules(viewer)
    view = None
    rows: list[dict[str, Any]] = []
    figure = None
    if schedules:
        chosen = schedule or schedules[0].id
        view = svc.view(viewer, chosen, version)
        day = day if day and view.info.first_day <= day <= view.info.last_day else view.info.first_day
        rows = gantt_rows([s for s in view.shifts if s.day == day], svc.tz)
        if view.requirement and view.coverage:
            figure = coverage_figure(view.requirement, view.coverage, (day - view.info.first_day).days)
    days = [] if view is None else [view.info.first_day + dt.timedelta(days=k)
                                    for k in range((view.info.last_day - view.info.first_day).days + 1)]
    return ctx.templates.TemplateResponse(request, "schedule.html", {
        "viewer": viewer, "schedules": schedules, "view": view, "rows": rows, "day": day, "days": days,
        "figure": figure, "can_manage": viewer.can("manage_schedules"), "tz": svc.tz,
        "hours": list(range(6, 25, 2))})


@router.get("/workforce/schedule/agent/{agent_id}", response_class=HTMLResponse)
def agent_schedule_page(request: Request, ctx: Ctx, viewer: ViewViewer, agent_id: str,
                        from_date: Annotated[dt.date | None, Query()] = None) -> Response:
    svc = ctx.runtime.schedules
    if from_date is None:
        latest = svc.list_schedules(viewer)
        from_date = latest[0].first_day if latest else dt.date.today()
    to_date = from_date + dt.timedelta(days=6)
    shifts = svc.agent_schedule(viewer, agent_id, from_date, to_date)
    with ctx.engine():
        report = svc.adherence(viewer, from_date, to_date, agent_ids=frozenset({agent_id}))
    mine = report.agents[0] if report.agents else None
    return ctx.templates.TemplateResponse(request, "schedule_agent.html", {
        "viewer": viewer, "agent_id": agent_id, "rows": gantt_rows(shifts, svc.tz), "from_date": from_date,
        "to_date": to_date, "mine": mine, "report": report, "pct": pct, "hm": hm,
        "prev": from_date - dt.timedelta(days=7), "next": from_date + dt.timedelta(days=7),
        "hours": list(range(6, 25, 2)), "paid_h": sum((a.end_at - a.start_at).total_seconds() for s in shifts
                                                       for a in s.activities if a.paid) / 3600})


@router.post("/workforce/schedule/import")
async def import_form(request: Request, ctx: Ctx, viewer: ManageViewer, name: Annotated[str, Form()]) -> Response:
    form = await request.form()
    upload = form.get("file")
    text = (await upload.read()).decode("utf-8-sig") if hasattr(upload, "read") else str(form.get("csv") or "")
    info = ctx.runtime.schedules.import_csv(viewer, name, text)
    return RedirectResponse(f"/workforce/schedule?schedule={info.id}", status_code=303)


@router.post("/workforce/schedule/generate")
def generate_form(ctx: Ctx, viewer: ManageViewer, name: Annotated[str, Form()],
                  first_day: Annotated[dt.date, Form()], days: Annotated[int, Form()] = 7) -> Response:
    with ctx.engine():
        info = ctx.runtime.schedules.generate(viewer, name=name, first_day=first_day, n_days=max(1, min(days, 14)),
                                              options=SolverOptions())
    return RedirectResponse(f"/workforce/schedule?schedule={info.id}", status_code=303)


@router.get("/workforce/adherence", response_class=HTMLResponse)
def adherence_page(request: Request, ctx: Ctx, viewer: ViewViewer, from_date: dt.date | None = None,
                   to_date: dt.date | None = None, variant: str = "adherence.callboard") -> Response:
    svc = ctx.runtime.schedules
    if from_date is None or to_date is None:
        latest = svc.list_schedules(viewer)
        from_date = latest[0].first_day if latest else dt.date.today() - dt.timedelta(days=6)
        to_date = latest[0].last_day if latest else dt.date.today()
    with ctx.engine():
        report = svc.adherence(viewer, from_date, to_date, variant)
    daily = {"data": [{"type": "bar", "x": [d.isoformat() for d, _ in report.daily],
                       "y": [None if v is None else round(v * 100, 2) for _, v in report.daily],
                       "marker": {"color": "#1f4e8c"}, "name": "adherence %"}],
             "layout": {"height": 260, "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
                        "yaxis": {"title": "%", "range": [0, 100]}}}
    return ctx.templates.TemplateResponse(request, "adherence.html", {
        "viewer": viewer, "report": report, "from_date": from_date, "to_date": to_date, "variant": variant,
        "variants": list(VARIANTS), "pct": pct, "hm": hm, "daily_json": json.dumps(daily),
        "rows": sorted(report.agents, key=lambda a: (a.adherence.adherence is None, a.adherence.adherence or 0))})


@router.get("/workforce/adherence/now", response_class=HTMLResponse)
def adherence_now_page(request: Request, ctx: Ctx, viewer: ViewViewer, at: dt.datetime | None = None,
                       grace_min: Annotated[float, Query(ge=0, le=60)] = 5,
                       variant: str = "adherence.callboard") -> Response:
    svc = ctx.runtime.schedules
    with ctx.engine():
        now, rows = svc.realtime(viewer, at.replace(tzinfo=None) if at else None, grace_min * 60, variant)
    return ctx.templates.TemplateResponse(request, "adherence_now.html", {
        "viewer": viewer, "now": now, "rows": rows, "grace_min": grace_min, "variant": variant,
        "variants": list(VARIANTS), "hm": hm, "alarms": sum(r.alarm for r in rows),
        "adherent": sum(r.status == "adherent" for r in rows), "local": lambda d: utc_to_local(d, svc.tz)})
