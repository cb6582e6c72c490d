"""/api/v1/kpi (JSON) and /api/v1/kpi.csv: KPIs per dimension, the same service call as `callboard kpi`."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from callboard.core.viewer import Viewer
from callboard.web.api.models import ErrorResponse, KpiResponse
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.params import check_period, parse_where

router = APIRouter(prefix="/api/v1", tags=["kpi"])

ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse, "description": "unknown metric or dimension"},
                                           422: {"model": ErrorResponse, "description": "invalid parameter"}}

Metrics = Annotated[str, Query(description="Comma list of metric names; parameters in brackets: "
                                           "`service_level(threshold_s=30)`. See /api/v1/metrics.",
                               examples=["offered,service_level,aht_s"])]
By = Annotated[str, Query(description="Comma list of dimensions: contact, agent, team, queue, channel, topic, "
                                      "direction, interval_15, interval_30, interval_60, hour, day, week, month; "
                                      "QA metrics also evaluator, question, section")]
From = Annotated[str | None, Query(alias="from", description="First day, YYYY-MM-DD, organisation time zone")]
To = Annotated[str | None, Query(alias="to", description="Last day, inclusive, YYYY-MM-DD")]
Where = Annotated[list[str] | None, Query(description="Filter `DIMENSION=VALUE[,VALUE]`, repeatable: "
                                                      "`where=queue=Billing&where=channel=voice,chat`")]


def run_query(ctx: WebContext, viewer: Viewer, metrics: str, by: str, from_text: str | None, to_text: str | None,
              where: list[str] | None) -> Any:
    start, end = check_period(from_text, to_text)
    filters = parse_where(where)
    with ctx.engine():
        return ctx.kpi.query(metrics=metrics, by=by, from_date=start, to_date=end, where=filters, viewer=viewer)


KpiViewer = Annotated[Viewer, Depends(allow("view_kpis"))]


def result_json(result: Any) -> dict[str, Any]:
    return {
        "rows": [dict(row) for row in result.rows],
        "metrics": [{"requested": m.requested, "resolved": m.resolved, "title": m.title, "unit": m.unit,
                     "better": m.better, "formula": m.formula} for m in result.metrics],
        "dimensions": list(result.dimensions),
        "time_zone": result.time_zone,
        "from": result.from_date.isoformat() if result.from_date else None,
        "to": result.to_date.isoformat() if result.to_date else None,
        "provisional_from": result.provisional_from.isoformat() if result.provisional_from else None,
    }


@router.get("/kpi", response_model=KpiResponse, response_model_by_alias=True, responses=ERRORS,
            summary="KPIs per dimension")
def kpi(ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer, metrics: Metrics, by: By = "", from_: From = None,
        to: To = None, where: Where = None) -> Any:
    """Rows keyed by the dimension and metric names as requested, plus each metric's resolved definition.

    Example: `/api/v1/kpi?metrics=offered,service_level&by=queue,day&from=2026-03-01&to=2026-03-28&where=channel=voice`.
    """
    return result_json(run_query(ctx, viewer, metrics, by, from_, to, where))


CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS, 200: {"content": {"text/csv": {}}, "description": "CSV with a header row"}}


@router.get("/kpi.csv", responses=CSV_RESPONSES,
            summary="KPIs per dimension as CSV", response_class=Response)
def kpi_csv(ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer, metrics: Metrics, by: By = "", from_: From = None,
            to: To = None, where: Where = None) -> Response:
    """Same parameters and numbers as /api/v1/kpi; columns are the dimensions, then the metrics; null is empty."""
    result = run_query(ctx, viewer, metrics, by, from_, to, where)
    columns = [*result.dimensions, *(m.requested for m in result.metrics)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in result.rows:
        writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in columns})
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="kpi.csv"'})
