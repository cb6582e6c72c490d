"""Queue pages `/queues`, `/queues/{queue_id}` and the drill-down page `/contacts` (the contact rows behind
any number; metrics/drill.py). Planners see queue aggregates but no agent rows and no contact rows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from callboard.core.errors import CallboardError, NotFound
from callboard.core.viewer import Viewer
from callboard.metrics.drill import MAX_LIMIT, ContactRows
from callboard.metrics.drill_spec import PARTS
from callboard.web.api.contacts import ContactsViewer, fetch
from callboard.web.api.kpi import KpiViewer
from callboard.web.context import WebContext, get_context
from callboard.web.pages import drill_links as dl
from callboard.web.format import format_value
from callboard.web.pages.team import agent_table, cells, headers
from callboard.web.params import parse_day, parse_where

router = APIRouter(tags=["pages"])

QUEUE_TILES: tuple[tuple[str, str], ...] = (
    ("offered", "Offered"), ("answered", "Answered"), ("service_level", "Service level"),
    ("abandon_rate", "Abandon rate"), ("asa_s", "ASA"), ("aht_s", "AHT"),
)
LIST_COLUMNS = QUEUE_TILES
AGENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("handled", "Handled"), ("aht_s", "AHT"), ("hold_rate", "Hold rate"), ("transfer_rate", "Transfer rate"),
    ("fcr_rate", "FCR"),
)
PAGE_SIZE = 50
From = Annotated[str | None, Query(alias="from")]


def _hrefs(ctx: WebContext, viewer: Viewer, period: dl.PagePeriod, where: dict[str, list[str]],
           metrics: list[str]) -> dict[str, str]:
    if not dl.can_drill(viewer):
        return {}
    drillable = dl.Drillable(ctx)
    return {m: dl.contacts_href(m, period.start, period.end, where) for m in metrics if drillable(m)}


@router.get("/queues", response_class=HTMLResponse, include_in_schema=False)
def queues(request: Request, ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer,
           from_: From = None, to: str | None = None) -> HTMLResponse:
    period = dl.choose_period(ctx, viewer, from_, to)
    metrics = [m for m, _ in LIST_COLUMNS]
    with ctx.engine():
        result = ctx.kpi.query(metrics=metrics, by=["queue", "channel"], from_date=period.start, to_date=period.end,
                               viewer=viewer)
        names = ctx.queue_names()
    rows = []
    for r in result.rows:
        if r.get("queue") is None:
            continue
        where = {"queue": [str(r["queue"])]}
        links = _hrefs(ctx, viewer, period, where, metrics)
        rows.append({"id": r["queue"], "name": names.get(str(r["queue"])), "channel": r.get("channel") or "—",
                     "cells": cells(r, result.metrics, lambda m, links=links: links.get(m, ""))})
    rows.sort(key=lambda x: (-(x["cells"][0].sort or 0), str(x["id"])))
    context = {
        "period": period, "quick": dl.quick_links("/queues", period), "rows": rows,
        "columns": headers(result.metrics, dict(LIST_COLUMNS)),
        "csv": dl.kpi_href("/api/v1/kpi.csv", metrics, "queue,channel", period.start, period.end, {}),
        "api": dl.kpi_href("/api/v1/kpi", metrics, "queue,channel", period.start, period.end, {}),
    }
    return ctx.templates.TemplateResponse(request, "queues.html", context)


def _interval_figure(result: Any, day: dt.date | None, period: dl.PagePeriod) -> tuple[dict[str, Any], list[Any]]:
    if day is not None:
        by_slot = {str(r["interval_30"])[11:16]: r for r in result.rows if r.get("interval_30") is not None}
        slots = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
        first = next((i for i, s in enumerate(slots) if s in by_slot), 0)
        last = max((i for i, s in enumerate(slots) if s in by_slot), default=len(slots) - 1)
        shown = slots[first:last + 1]
        points = [by_slot.get(s, {}) for s in shown]
        fig = dl.bar_line_figure(shown, [p.get("offered") or 0 for p in points],
                                 [p.get("service_level") for p in points], bar_name="Offered",
                                 line_name="Service level", line_format=".0%", x_type="category")
        return fig, shown
    days = dl.days_of(period.start, period.end, [dict(r) for r in result.rows])
    fig = dl.bar_line_figure([d["day"] for d in days], [d.get("offered") or 0 for d in days],
                             [d.get("service_level") for d in days], bar_name="Offered", line_name="Service level",
                             line_format=".0%")
    return fig, days


@router.get("/queues/{queue_id}", response_class=HTMLResponse, include_in_schema=False)
def queue(request: Request, queue_id: str, ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer,
          from_: From = None, to: str | None = None, day: str | None = None) -> HTMLResponse:
    period = dl.choose_period(ctx, viewer, from_, to)
    errors = list(period.errors)
    try:
        chosen = parse_day(day, "day")
    except CallboardError as exc:
        errors.append(exc)
        chosen = None
    where = {"queue": [queue_id]}
    metrics = [m for m, _ in QUEUE_TILES]
    with ctx.engine():
        totals = ctx.kpi.query(metrics=metrics, from_date=period.start, to_date=period.end, where=where, viewer=viewer)
        by = "interval_30" if chosen else "day"
        series = ctx.kpi.query(metrics=["offered", "service_level"], by=[by], from_date=chosen or period.start,
                               to_date=chosen or period.end, where=where, viewer=viewer)
        agents = None if viewer.aggregates_only else ctx.kpi.query(
            metrics=[m for m, _ in AGENT_COLUMNS], by=["agent"], from_date=period.start, to_date=period.end,
            where=where, viewer=viewer)
        queue_name = ctx.queue_names().get(queue_id)
        row = totals.rows[0] if totals.rows else {}
        # nothing offered (e.g. an outbound queue): how many contacts agents handled on it, for the chart's note
        handled = 0 if row.get("offered") else next(
            (r.get("handled") or 0 for r in ctx.kpi.query(metrics=["handled"], from_date=period.start,
                                                        to_date=period.end, where=where, viewer=viewer).rows), 0)
    if not row.get("offered") and not (agents and agents.rows):
        known = ctx.browser.dimension_values("queue", viewer=viewer)
        if queue_id not in known:
            raise NotFound(f"no queue '{queue_id}'", hint="pick one from /queues")
    figure, points = _interval_figure(series, chosen, period)
    agent_rows, agent_columns = (agent_table(ctx, viewer, agents, period, where, outliers=False)
                                 if agents is not None else ([], []))
    offered_any = any(r.get("offered") for r in series.rows)
    busiest = max(points, key=lambda d: d.get("offered") or 0) if offered_any and not chosen else None
    if series.rows and offered_any:
        chart_empty_text = ""
    elif handled:  # e.g. an outbound queue: agents handled contacts that never waited in the queue
        chart_empty_text = (f"No inbound queue entries in this period: its {handled:,} handled contacts did not wait "
                            "in this queue (outbound or direct), so offered, answered and service level do not apply."
                            + (" The agent table below shows who handled them." if agents is not None else ""))
    else:
        chart_empty_text = "No contacts in this period."
    context = {
        "queue_id": queue_id, "queue_name": queue_name, "period": period, "errors": errors, "day": chosen,
        "quick": dl.quick_links(f"/queues/{queue_id}", period),
        "tiles": dl.tiles(totals, dict(QUEUE_TILES), _hrefs(ctx, viewer, period, where, metrics)),
        "chart_json": dl.figure_json(figure), "chart_empty": bool(chart_empty_text), "chart_by": by,
        "chart_empty_text": chart_empty_text,
        "busiest_day": busiest["day"] if busiest else (period.end.isoformat() if period.end and offered_any else ""),
        "agent_rows": agent_rows, "agent_columns": agent_columns, "show_agents": agents is not None,
        "chart_csv": dl.kpi_href("/api/v1/kpi.csv", ["offered", "service_level"], by, chosen or period.start,
                                 chosen or period.end, where),
        "csv": dl.kpi_href("/api/v1/kpi.csv", [m for m, _ in AGENT_COLUMNS], "agent", period.start, period.end, where),
        "api": dl.kpi_href("/api/v1/kpi", [m for m, _ in AGENT_COLUMNS], "agent", period.start, period.end, where),
        "tiles_csv": dl.kpi_href("/api/v1/kpi.csv", metrics, "", period.start, period.end, where),
    }
    return ctx.templates.TemplateResponse(request, "queue.html", context)


def _has_part(ctx: WebContext, metric: str | None, part: str) -> bool:
    try:
        ContactRows(ctx.kpi).spec(metric, part)
    except CallboardError:
        return False
    return True


@router.get("/contacts", response_class=HTMLResponse, include_in_schema=False)
def contacts(request: Request, ctx: Annotated[WebContext, Depends(get_context)], viewer: ContactsViewer,
             metric: str | None = None, part: str = "counted", from_: From = None, to: str | None = None,
             where: Annotated[list[str] | None, Query()] = None,
             page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
    """The contact rows behind a number: same filters as the tile or cell that links here."""
    offset = (page - 1) * PAGE_SIZE
    result = fetch(ctx, viewer, metric=metric, part=part, from_text=from_, to_text=to, where=where,
                   limit=min(PAGE_SIZE, MAX_LIMIT), offset=offset)
    filters = parse_where(where)
    start, end = result.from_date, result.to_date

    def link(**change: Any) -> str:
        return dl.contacts_href(change.get("metric", metric), start, end, filters, part=change.get("part", part))

    with ctx.engine():
        number = ctx.kpi.query(metrics=[result.metric], from_date=start, to_date=end, where=filters, viewer=viewer)
    column = number.metrics[0]
    value = number.rows[0].get(column.requested) if number.rows else None
    pages = max(1, -(-result.total // PAGE_SIZE))
    context = {
        "page": result, "page_no": page, "pages": pages, "filters": filters, "column": column,
        "value": format_value(value, column.unit),
        "parts": [{"part": p, "href": link(part=p), "active": p == part} for p in PARTS if _has_part(ctx, metric, p)],
        "prev": (link() + f"&page={page - 1}") if page > 1 else "",
        "next": (link() + f"&page={page + 1}") if page < pages else "",
        "csv": dl.contacts_href(metric, start, end, filters, part=part, path="/api/v1/contacts.csv"),
        "api": dl.contacts_href(metric, start, end, filters, part=part, path="/api/v1/contacts"),
    }
    return ctx.templates.TemplateResponse(request, "contacts.html", context)
