"""/api/v1/data-range, /api/v1/dimensions/{dimension}/values, /api/v1/health: what the data holds."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from callboard.web.api.kpi import ERRORS, From, KpiViewer, To, Where
from callboard.web.api.models import DataRangeResponse, DimensionValuesResponse, HealthResponse
from callboard.web.context import WebContext, get_context
from callboard.web.params import check_period, parse_where

router = APIRouter(prefix="/api/v1", tags=["data"])


@router.get("/data-range", response_model=DataRangeResponse, responses=ERRORS, summary="Days that hold data")
def data_range(ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer, where: Where = None) -> Any:
    """First and last day (organisation time zone) with any queue entry or handled segment."""
    filters = parse_where(where)
    with ctx.engine():
        span = ctx.browser.data_span(where=filters, viewer=viewer)
    return {"first_day": span.first_day.isoformat() if span.first_day else None,
            "last_day": span.last_day.isoformat() if span.last_day else None,
            "days_with_data": span.days_with_data, "time_zone": ctx.runtime.settings.time_zone}


@router.get("/dimensions/{dimension}/values", response_model=DimensionValuesResponse, responses=ERRORS,
            summary="Values of a dimension")
def dimension_values(ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer, dimension: str,
                     from_: From = None,
                     to: To = None, where: Where = None) -> Any:
    """Distinct values of agent, team, queue, channel, topic or direction with any volume in the period."""
    start, end = check_period(from_, to)
    filters = parse_where(where)
    with ctx.engine():
        values = ctx.browser.dimension_values(dimension, from_date=start, to_date=end, where=filters, viewer=viewer)
    return {"dimension": dimension, "values": list(values)}


@router.get("/health", response_model=HealthResponse, summary="Is this server up, and on which data")
def health(ctx: Annotated[WebContext, Depends(get_context)]) -> Any:
    """The CLI checks this before routing a command through a running `callboard serve`."""
    settings = ctx.runtime.settings
    try:
        package_version = version("callboard")
    except PackageNotFoundError:
        package_version = "unknown"
    return {"status": "ok", "version": package_version, "data_dir": str(settings.data_dir),
            "engine": getattr(ctx.runtime.store, "backend_name", "unknown"), "time_zone": settings.time_zone}
