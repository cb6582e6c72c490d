"""/api/v1/contacts (JSON) and /api/v1/contacts.csv: the contact rows behind a number (metrics/drill.py).

Same `from`, `to` and `where` as /api/v1/kpi; `metric` names the number (rows it counts; `part=base` its
denominator's rows, `part=missed` the denominator's rows it does not count). The viewer's scope applies
as for KPIs; planners see aggregates only (403).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from callboard.core.viewer import Viewer
from callboard.metrics.drill import CSV_COLUMNS, EXPORT_LIMIT, MAX_LIMIT, ContactPage, ContactRows
from callboard.web.api.kpi import ERRORS, From, To, Where
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.params import check_period, parse_where

router = APIRouter(prefix="/api/v1", tags=["contacts"])

ContactsViewer = Annotated[Viewer, Depends(allow("view_contacts"))]
Metric = Annotated[str | None, Query(description="The number to drill into: any metric the KPI API takes "
                                                 "(default `offered`: every queue entry)", examples=["abandon_rate"])]
Part = Annotated[str, Query(description="counted (rows the metric counts) | base (its denominator's rows) | "
                                        "missed (base rows not counted)")]


def fetch(ctx: WebContext, viewer: Viewer, *, metric: str | None, part: str, from_text: str | None,
          to_text: str | None, where: list[str] | None, limit: int, offset: int) -> ContactPage:
    start, end = check_period(from_text, to_text)
    with ctx.engine():
        return ContactRows(ctx.kpi).contacts(viewer=viewer, from_date=start, to_date=end, where=parse_where(where),
                                             metric=metric, part=part, limit=limit, offset=offset)


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value


def page_json(page: ContactPage) -> dict[str, Any]:
    return {
        "rows": [{k: _json(v) for k, v in dataclasses.asdict(r).items()} for r in page.rows],
        "total": page.total, "limit": page.limit, "offset": page.offset,
        "metric": page.metric, "resolved": page.resolved, "part": page.part, "fact": page.fact,
        "caption": page.caption, "time_zone": page.time_zone,
        "from": page.from_date.isoformat() if page.from_date else None,
        "to": page.to_date.isoformat() if page.to_date else None,
        "where": {k: list(v) for k, v in page.where},
    }


@router.get("/contacts", responses=ERRORS, summary="Contact rows behind a number")
def contacts(ctx: Annotated[WebContext, Depends(get_context)], viewer: ContactsViewer, metric: Metric = None,
             part: Part = "counted", from_: From = None, to: To = None, where: Where = None,
             limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
             offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """One page of rows, newest first; `total` is the number of rows, equal to the metric's count for
    the same filters (e.g. `metric=abandoned` gives as many rows as the `abandoned` KPI).

    Example: `/api/v1/contacts?metric=abandon_rate&from=2026-03-01&to=2026-03-07&where=queue=Billing`."""
    return page_json(fetch(ctx, viewer, metric=metric, part=part, from_text=from_, to_text=to, where=where,
                           limit=limit, offset=offset))


def _csv_lines(page: ContactPage) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in page.rows:
        values = dataclasses.astuple(row)
        writer.writerow(["" if v is None else _json(v) for v in values])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get("/contacts.csv", responses={**ERRORS, 200: {"content": {"text/csv": {}}, "description": "CSV"}},
            summary="Contact rows behind a number, as CSV", response_class=StreamingResponse)
def contacts_csv(ctx: Annotated[WebContext, Depends(get_context)], viewer: ContactsViewer, metric: Metric = None,
                 part: Part = "counted", from_: From = None, to: To = None, where: Where = None) -> StreamingResponse:
    """Every row (up to 100,000, newest first) with the same parameters as /api/v1/contacts."""
    page = fetch(ctx, viewer, metric=metric, part=part, from_text=from_, to_text=to, where=where,
                 limit=EXPORT_LIMIT, offset=0)
    name = (metric or "offered").split("(")[0].replace(".", "_")
    return StreamingResponse(_csv_lines(page), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="contacts-{name}.csv"',
                                      "X-Total-Rows": str(page.total)})
