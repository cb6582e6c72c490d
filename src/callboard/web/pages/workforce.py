"""Workforce pages: /workforce (home), /workforce/forecast, /workforce/staffing, /workforce/intraday, and the
planner forms behind them. (/workforce/schedule and /workforce/adherence live in their own modules.)

Access: the home page needs view_forecasts or view_schedules; forecast, staffing and intraday need
view_forecasts (supervisors, planners, managers, admins); the forms need manage_forecasts (planners, admins).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import CallboardError, Forbidden
from callboard.core.viewer import Viewer
from callboard.web.api.forecast import parse_day
from callboard.web.auth import allow, signed_in
from callboard.web.context import WebContext, get_context
from callboard.workforce.forecast_figures import accuracy_figure, forecast_figure, intraday_figure, staffing_figure
from callboard.workforce.forecast_service import ForecastRequest
from callboard.workforce.models import MODELS

router = APIRouter(tags=["pages"])

Ctx = Annotated[WebContext, Depends(get_context)]
SignedIn = Annotated[Viewer, Depends(signed_in())]
ViewForecasts = Annotated[Viewer, Depends(allow("view_forecasts"))]
ManageForecasts = Annotated[Viewer, Depends(allow("manage_forecasts"))]


def _fig(figure: dict[str, Any]) -> str:
    return json.dumps(figure).replace("</", "<\\/")


def _back(path: str, error: CallboardError | None = None, **params: Any) -> RedirectResponse:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if error is not None:
        query["error"] = error.message + (f" — {error.hint}" if error.hint else "")
    return RedirectResponse(f"{path}?{urlencode(query, quote_via=quote)}" if query else path, status_code=303)


def _version(ctx: WebContext, viewer: Viewer, version: int | None) -> Any:
    service = ctx.runtime.forecasting
    if version is not None:
        return service.run(viewer, version)
    return service.latest_run(viewer)


@router.get("/workforce", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, ctx: Ctx, viewer: SignedIn) -> HTMLResponse:
    if not (viewer.can("view_forecasts") or viewer.can("view_schedules")):
        raise Forbidden(f"a {viewer.role} cannot open workforce management", hint="ask a planner")
    latest = ctx.runtime.forecasting.latest_run(viewer) if viewer.can("view_forecasts") else None
    links = []
    if viewer.can("view_forecasts"):
        links += [("/workforce/forecast", "Forecast", "Volume and AHT per queue and interval, backtest, accuracy"),
                  ("/workforce/staffing", "Staffing plan", "Required agents per queue and interval after shrinkage"),
                  ("/workforce/intraday", "Intraday", "Actual vs forecast, required vs staffed")]
    if viewer.can("view_schedules"):
        links += [("/workforce/schedule", "Schedule", "Shifts, breaks and coverage"),
                  ("/workforce/adherence", "Adherence", "Adherence and conformance against the schedule")]
    return ctx.templates.TemplateResponse(request, "workforce.html", {"links": links, "latest": latest})


@router.get("/workforce/forecast", response_class=HTMLResponse, include_in_schema=False)
def forecast_page(request: Request, ctx: Ctx, viewer: ViewForecasts, version: int | None = None,
                  queue: str | None = None, error: str | None = None) -> HTMLResponse:
    service = ctx.runtime.forecasting
    with ctx.engine():
        run = _version(ctx, viewer, version)
        runs = service.runs(viewer)
        points = service.points(viewer, run.version, queues=[queue] if queue else None) if run else []
        accuracy = service.accuracy(viewer, run.version, queue=queue) if run else None
        if accuracy is not None and accuracy.to_date is None:  # a future forecast: show the newest one with actuals
            _first, last = service.span(viewer)
            earlier = next((r for r in runs if last and r.horizon_from <= last and r.version != run.version), None)
            accuracy = service.accuracy(viewer, earlier.version, queue=queue) if earlier else accuracy
        queues = sorted(service.channels())
    context = {
        "run": run, "runs": runs, "queue": queue or "", "queues": queues, "error": error,
        "models": MODELS, "can_manage": viewer.can("manage_forecasts"),
        "forecast_json": _fig(forecast_figure(points)) if points else None,
        "accuracy": accuracy, "accuracy_json": _fig(accuracy_figure(accuracy)) if accuracy and accuracy.days else None,
        "special_days": service.special_days(viewer), "overrides": service.overrides(viewer),
        "total_volume": sum(p.volume for p in points), "adjusted": sum(1 for p in points if p.adjusted_by),
    }
    return ctx.templates.TemplateResponse(request, "forecast.html", context)


@router.get("/workforce/staffing", response_class=HTMLResponse, include_in_schema=False)
def staffing_page(request: Request, ctx: Ctx, viewer: ViewForecasts, version: int | None = None,
                  day: str | None = None, queue: str | None = None, error: str | None = None) -> HTMLResponse:
    service = ctx.runtime.forecasting
    with ctx.engine():
        run = _version(ctx, viewer, version)
        chosen = parse_day(day, "day") or (run.horizon_from if run else None)
        plan = service.staffing(viewer, run.version, from_date=chosen, to_date=chosen,
                                queues=[queue] if queue else None) if run else None
        targets = service.targets(viewer)
        shrinkage = service.shrinkage(viewer)
    days = [run.horizon_from + dt.timedelta(days=i) for i in range((run.horizon_to - run.horizon_from).days + 1)] if run else []
    queues = plan.queues() if plan else ()
    table = []
    if plan:
        cells: dict[Any, dict[str, Any]] = {}
        for r in plan.rows:
            cells.setdefault(r.interval_start, {})[r.queue] = r
        for total in plan.totals():
            table.append({"start": total.interval_start, "volume": total.volume, "raw": total.agents_raw,
                          "agents": total.agents, "queues": [cells[total.interval_start].get(q) for q in queues]})
    context = {
        "run": run, "runs": service.runs(viewer), "day": chosen, "days": days, "queue": queue or "", "error": error,
        "plan": plan, "queues": queues, "table": [t for t in table if t["volume"] > 0 or t["agents"] > 0],
        "targets": sorted(targets.values(), key=lambda t: t.queue), "shrinkage": shrinkage,
        "channels": service.channels(), "can_manage": viewer.can("manage_forecasts"),
        "staffing_json": _fig(staffing_figure(plan)) if plan and plan.rows else None,
        "peak": max((t.agents for t in plan.totals()), default=0) if plan else 0,
        "agent_hours": sum(t.agents_raw for t in plan.totals()) * plan.interval_minutes / 60 if plan else 0,
    }
    return ctx.templates.TemplateResponse(request, "staffing.html", context)


@router.get("/workforce/intraday", response_class=HTMLResponse, include_in_schema=False)
def intraday_page(request: Request, ctx: Ctx, viewer: ViewForecasts, day: str | None = None,
                  queue: str | None = None) -> HTMLResponse:
    service = ctx.runtime.forecasting
    error = None
    view = None
    with ctx.engine():
        _first, last = service.span(viewer)
        chosen = parse_day(day, "day") or last or dt.date.today()
        try:
            view = service.intraday(viewer, chosen, queue=queue or None)
        except CallboardError as exc:
            error = exc
        queues = sorted(service.channels())
    context = {"day": chosen, "queue": queue or "", "queues": queues, "view": view, "error": error,
               "totals": view.totals if view else {},
               "intraday_json": _fig(intraday_figure(view)) if view and view.rows else None,
               "previous": chosen - dt.timedelta(days=1), "next": chosen + dt.timedelta(days=1)}
    return ctx.templates.TemplateResponse(request, "workforce_intraday.html", context)


# -- planner forms -----------------------------------------------------------------------------
@router.post("/workforce/forecast/run", include_in_schema=False)
async def create_run(request: Request, ctx: Ctx, viewer: ManageForecasts) -> Response:
    form = await request.form()
    try:
        models = [m for m in MODELS if form.get(f"model_{m}")] or list(MODELS)
        req = ForecastRequest(interval_minutes=int(str(form.get("interval_minutes") or 30)),
                              horizon_days=int(str(form.get("horizon_days") or 14)),
                              history_days=int(str(form.get("history_days") or 56)),
                              as_of=parse_day(str(form.get("as_of") or ""), "as of"), models=tuple(models),
                              note=str(form.get("note") or ""))
        with ctx.engine():
            info = ctx.runtime.forecasting.create_forecast(viewer, req)
    except ValueError:
        return _back("/workforce/forecast", CallboardError("interval, horizon and history must be whole numbers"))
    except CallboardError as exc:
        return _back("/workforce/forecast", exc)
    return _back("/workforce/forecast", version=info.version)


@router.post("/workforce/forecast/special-days", include_in_schema=False)
async def add_special_day(request: Request, ctx: Ctx, viewer: ManageForecasts) -> Response:
    form = await request.form()
    try:
        day = parse_day(str(form.get("day") or ""), "day")
        if day is None:
            raise CallboardError("pick the special day's date")
        ctx.runtime.forecasting.add_special_day(viewer, day=day, name=str(form.get("name") or ""),
                                                volume_factor=float(str(form.get("volume_factor") or 0)),
                                                queue=str(form.get("queue") or ""))
    except ValueError:
        return _back("/workforce/forecast", CallboardError("the volume factor must be a number"))
    except CallboardError as exc:
        return _back("/workforce/forecast", exc)
    return _back("/workforce/forecast")


@router.post("/workforce/forecast/special-days/{special_day_id}/delete", include_in_schema=False)
def delete_special_day(ctx: Ctx, viewer: ManageForecasts, special_day_id: int) -> Response:
    ctx.runtime.forecasting.delete_special_day(viewer, special_day_id)
    return _back("/workforce/forecast")


@router.post("/workforce/forecast/overrides", include_in_schema=False)
async def add_override(request: Request, ctx: Ctx, viewer: ManageForecasts) -> Response:
    form = await request.form()
    try:
        factor, aht = str(form.get("volume_factor") or "").strip(), str(form.get("aht_s") or "").strip()
        ctx.runtime.forecasting.add_override(
            viewer, queue=str(form.get("queue") or ""), starts_at=dt.datetime.fromisoformat(str(form.get("starts_at"))),
            ends_at=dt.datetime.fromisoformat(str(form.get("ends_at"))), volume_factor=float(factor) if factor else None,
            aht_s=float(aht) if aht else None, reason=str(form.get("reason") or ""))
    except ValueError:
        return _back("/workforce/forecast", CallboardError("start, end, factor and AHT must be valid times and numbers"))
    except CallboardError as exc:
        return _back("/workforce/forecast", exc)
    return _back("/workforce/forecast")


@router.post("/workforce/forecast/overrides/{override_id}/delete", include_in_schema=False)
def delete_override(ctx: Ctx, viewer: ManageForecasts, override_id: int) -> Response:
    ctx.runtime.forecasting.delete_override(viewer, override_id)
    return _back("/workforce/forecast")


@router.post("/workforce/staffing/shrinkage", include_in_schema=False)
async def set_shrinkage(request: Request, ctx: Ctx, viewer: ManageForecasts) -> Response:
    form = await request.form()
    categories = {k.removeprefix("shrink_"): str(v) for k, v in form.items() if k.startswith("shrink_")}
    try:
        ctx.runtime.forecasting.set_shrinkage(viewer, categories)
    except CallboardError as exc:
        return _back("/workforce/staffing", exc)
    return _back("/workforce/staffing")


@router.post("/workforce/staffing/targets", include_in_schema=False)
async def set_target(request: Request, ctx: Ctx, viewer: ManageForecasts) -> Response:
    form = await request.form()
    try:
        ctx.runtime.forecasting.set_target(
            viewer, queue=str(form.get("queue") or ""), target_sl=str(form.get("target_sl") or ""),
            answer_within_s=float(str(form.get("answer_within_s") or 0)),
            max_occupancy=str(form.get("max_occupancy") or ""), concurrency=int(str(form.get("concurrency") or 1)))
    except ValueError:
        return _back("/workforce/staffing", CallboardError("answer within and concurrency must be numbers"))
    except CallboardError as exc:
        return _back("/workforce/staffing", exc)
    return _back("/workforce/staffing")
