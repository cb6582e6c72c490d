"""/api/v1/forecast: forecast versions, backtest, values, accuracy, staffing plan, intraday, adjustments.

Reading needs `view_forecasts` (supervisor, planner, manager, admin); changes need `manage_forecasts`
(planner, admin). Numbers are centre-wide queue/interval aggregates (ForecastService docstring).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callboard.core.errors import InvalidInput
from callboard.core.viewer import Viewer
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.workforce.forecast_service import ForecastRequest
from callboard.workforce.models import MODELS

router = APIRouter(prefix="/api/v1/forecast", tags=["forecast"])

Ctx = Annotated[WebContext, Depends(get_context)]
ViewForecasts = Annotated[Viewer, Depends(allow("view_forecasts"))]
ManageForecasts = Annotated[Viewer, Depends(allow("manage_forecasts"))]


def plain(value: Any) -> Any:
    """Dataclasses, dates and floats as JSON-ready values (NaN -> null)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def parse_day(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{field} '{value}' is not a date", hint="use YYYY-MM-DD") from exc


def csv_response(header: list[str], rows: list[list[Any]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class ForecastIn(BaseModel):
    interval_minutes: int = Field(30, description="15, 30 or 60")
    horizon_days: int = Field(14, ge=1, le=62)
    history_days: int = Field(56, ge=21, le=400, description="days of history to learn from")
    holdout_days: int = Field(14, ge=1, le=28, description="days the backtest hides")
    as_of: dt.date | None = Field(None, description="last day of history (default: last day with contacts)")
    models: list[str] = Field(default_factory=lambda: list(MODELS), description=f"of {', '.join(MODELS)}")
    note: str = ""

    def request(self) -> ForecastRequest:
        return ForecastRequest(self.interval_minutes, self.horizon_days, self.history_days, self.holdout_days,
                               self.as_of, tuple(self.models), self.note)


class SpecialDayIn(BaseModel):
    day: dt.date
    name: str
    volume_factor: float = Field(0.0, description="0 = closed; 1.5 = half as much again")
    queue: str = Field("", description="empty = every queue")


class OverrideIn(BaseModel):
    queue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    volume_factor: float | None = None
    aht_s: float | None = None
    reason: str


class TargetIn(BaseModel):
    target_sl: str = Field("0.8", description="fraction, e.g. 0.8")
    answer_within_s: float = 20
    max_occupancy: str = "0.85"
    concurrency: int = 1


@router.get("/models", summary="Forecasting models")
def models(viewer: ViewForecasts) -> dict[str, Any]:
    return {"models": [{"name": m.name, "title": m.title} for m in MODELS.values()]}


@router.get("/runs", summary="Forecast versions, newest first")
def runs(ctx: Ctx, viewer: ViewForecasts) -> dict[str, Any]:
    return {"runs": plain(ctx.runtime.forecasting.runs(viewer))}


@router.post("/runs", summary="Backtest every model, fit the best, store a new forecast version")
def create_run(ctx: Ctx, viewer: ManageForecasts, body: ForecastIn) -> dict[str, Any]:
    with ctx.engine():
        info = ctx.runtime.forecasting.create_forecast(viewer, body.request())
    return plain(info)


@router.post("/backtest", summary="Holdout backtest (WAPE per model) without storing a forecast")
def backtest(ctx: Ctx, viewer: ManageForecasts, body: ForecastIn) -> dict[str, Any]:
    with ctx.engine():
        result = ctx.runtime.forecasting.backtest(viewer, body.request())
    return {**result.as_json(), "beats_baseline": result.beats_baseline,
            "wape": "sum |actual - forecast| / sum actual over every queue and interval of the holdout"}


@router.get("/runs/{version}", summary="One forecast version with its backtest")
def run(ctx: Ctx, viewer: ViewForecasts, version: int) -> dict[str, Any]:
    return plain(ctx.runtime.forecasting.run(viewer, version))


@router.delete("/runs/{version}", summary="Delete a forecast version")
def delete_run(ctx: Ctx, viewer: ManageForecasts, version: int) -> dict[str, Any]:
    ctx.runtime.forecasting.delete_forecast(viewer, version)
    return {"deleted": version}


def _points(ctx: WebContext, viewer: Viewer, version: int, queue: str | None, from_: str | None, to: str | None) -> Any:
    return ctx.runtime.forecasting.points(viewer, version, queues=[queue] if queue else None,
                                          from_date=parse_day(from_, "from"), to_date=parse_day(to, "to"))


@router.get("/runs/{version}/values", summary="Forecast volume and AHT per queue and interval (adjusted)")
def values(ctx: Ctx, viewer: ViewForecasts, version: int, queue: str | None = None,
           from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None) -> dict[str, Any]:
    return {"version": version, "values": plain(_points(ctx, viewer, version, queue, from_, to))}


@router.get("/runs/{version}/values.csv", summary="Forecast values as CSV")
def values_csv(ctx: Ctx, viewer: ViewForecasts, version: int, queue: str | None = None,
               from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None) -> Response:
    points = _points(ctx, viewer, version, queue, from_, to)
    rows = [[p.queue, p.interval_start.isoformat(timespec="minutes"), round(p.volume, 4),
             "" if p.aht_s is None else round(p.aht_s, 2), round(p.base_volume, 4), "; ".join(p.adjusted_by)]
            for p in points]
    return csv_response(["queue", "interval_start", "volume", "aht_s", "model_volume", "adjusted_by"], rows,
                        f"forecast-v{version}.csv")


@router.get("/runs/{version}/accuracy", summary="Forecast vs actuals so far (WAPE)")
def accuracy(ctx: Ctx, viewer: ViewForecasts, version: int, queue: str | None = None) -> dict[str, Any]:
    with ctx.engine():
        return plain(ctx.runtime.forecasting.accuracy(viewer, version, queue=queue))


@router.get("/runs/{version}/staffing", summary="Required agents per queue and interval")
def staffing(ctx: Ctx, viewer: ViewForecasts, version: int, queue: str | None = None,
             from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None) -> dict[str, Any]:
    with ctx.engine():
        plan = ctx.runtime.forecasting.staffing(viewer, version, from_date=parse_day(from_, "from"),
                                                to_date=parse_day(to, "to"), queues=[queue] if queue else None)
    return {"version": version, "interval_minutes": plan.interval_minutes,
            "shrinkage": {"categories": plan.shrinkage.categories, "total": str(plan.shrinkage.total)},
            "targets": plain(plan.targets), "rows": plain(plan.rows), "totals": plain(plan.totals())}


@router.get("/runs/{version}/staffing.csv", summary="Staffing plan as CSV")
def staffing_csv(ctx: Ctx, viewer: ViewForecasts, version: int, queue: str | None = None,
                 from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None) -> Response:
    with ctx.engine():
        plan = ctx.runtime.forecasting.staffing(viewer, version, from_date=parse_day(from_, "from"),
                                                to_date=parse_day(to, "to"), queues=[queue] if queue else None)
    rows = [[r.queue, r.interval_start.isoformat(timespec="minutes"), round(r.volume, 4),
             "" if r.aht_s is None else round(r.aht_s, 2), r.agents_raw, r.agents,
             "" if r.service_level is None else round(r.service_level, 6)] for r in plan.rows]
    return csv_response(["queue", "interval_start", "volume", "aht_s", "agents_raw", "agents", "service_level"], rows,
                        f"staffing-v{version}.csv")


@router.get("/intraday", summary="One day: forecast vs actual volume, required vs staffed agents")
def intraday(ctx: Ctx, viewer: ViewForecasts, day: str, queue: str | None = None) -> dict[str, Any]:
    with ctx.engine():
        view = ctx.runtime.forecasting.intraday(viewer, parse_day(day, "day") or dt.date.today(), queue=queue)
    return {**plain(view), "totals": plain(view.totals)}


@router.get("/special-days", summary="Holidays and events")
def special_days(ctx: Ctx, viewer: ViewForecasts) -> dict[str, Any]:
    return {"special_days": plain(ctx.runtime.forecasting.special_days(viewer))}


@router.post("/special-days", summary="Add a holiday or event (audited)")
def add_special_day(ctx: Ctx, viewer: ManageForecasts, body: SpecialDayIn) -> dict[str, Any]:
    return plain(ctx.runtime.forecasting.add_special_day(viewer, day=body.day, name=body.name,
                                                         volume_factor=body.volume_factor, queue=body.queue))


@router.delete("/special-days/{special_day_id}", summary="Remove a special day (audited)")
def delete_special_day(ctx: Ctx, viewer: ManageForecasts, special_day_id: int) -> dict[str, Any]:
    ctx.runtime.forecasting.delete_special_day(viewer, special_day_id)
    return {"deleted": special_day_id}


@router.get("/overrides", summary="Manual overrides")
def overrides(ctx: Ctx, viewer: ViewForecasts, include_inactive: bool = False) -> dict[str, Any]:
    return {"overrides": plain(ctx.runtime.forecasting.overrides(viewer, include_inactive=include_inactive))}


@router.post("/overrides", summary="Add an override (audited)")
def add_override(ctx: Ctx, viewer: ManageForecasts, body: OverrideIn) -> dict[str, Any]:
    return plain(ctx.runtime.forecasting.add_override(viewer, queue=body.queue, starts_at=body.starts_at,
                                                      ends_at=body.ends_at, volume_factor=body.volume_factor,
                                                      aht_s=body.aht_s, reason=body.reason))


@router.delete("/overrides/{override_id}", summary="Withdraw an override (audited, kept inactive)")
def delete_override(ctx: Ctx, viewer: ManageForecasts, override_id: int) -> dict[str, Any]:
    ctx.runtime.forecasting.delete_override(viewer, override_id)
    return {"deleted": override_id}


@router.get("/shrinkage", summary="Planned shrinkage by category")
def shrinkage(ctx: Ctx, viewer: ViewForecasts) -> dict[str, Any]:
    plan = ctx.runtime.forecasting.shrinkage(viewer)
    return {"categories": plan.categories, "total": str(plan.total)}


@router.put("/shrinkage", summary="Set planned shrinkage fractions (audited)")
def set_shrinkage(ctx: Ctx, viewer: ManageForecasts, body: dict[str, str]) -> dict[str, Any]:
    plan = ctx.runtime.forecasting.set_shrinkage(viewer, body)
    return {"categories": plan.categories, "total": str(plan.total)}


@router.get("/targets", summary="Staffing targets per queue")
def targets(ctx: Ctx, viewer: ViewForecasts) -> dict[str, Any]:
    with ctx.engine():
        return {"targets": plain(list(ctx.runtime.forecasting.targets(viewer).values()))}


@router.put("/targets/{queue}", summary="Set a queue's staffing target (audited)")
def set_target(ctx: Ctx, viewer: ManageForecasts, queue: str, body: TargetIn) -> dict[str, Any]:
    return plain(ctx.runtime.forecasting.set_target(viewer, queue=queue, target_sl=body.target_sl,
                                                    answer_within_s=body.answer_within_s,
                                                    max_occupancy=body.max_occupancy, concurrency=body.concurrency))
