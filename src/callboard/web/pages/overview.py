"""The overview page `/`: KPI tiles, a daily trend chart and a per-agent table for one period and filter.

Every number comes from `runtime.kpi.query` (the service behind `callboard kpi` and /api/v1/kpi);
this module only picks metrics, calls the service and formats the answers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from callboard.core.errors import CallboardError
from callboard.metrics.browse import DataSpan
from callboard.core.viewer import Viewer
from callboard.web.api.kpi import KpiViewer
from callboard.web.context import WebContext, get_context
from callboard.web.format import exact_value, format_duration, format_value
from callboard.web.params import check_period

router = APIRouter(tags=["pages"])

# (metric request, tile label): the request is what the API is asked for, so tests can compare.
TILES: tuple[tuple[str, str], ...] = (
    ("offered", "Offered"), ("answered", "Answered"), ("service_level", "Service level"),
    ("abandon_rate", "Abandon rate"), ("asa_s", "ASA"), ("aht_s", "AHT"), ("fcr_rate", "FCR"),
    ("csat_top2_rate", "CSAT top-2-box"), ("transfer_rate", "Transfer rate"), ("nps", "NPS"),
)
AGENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("handled", "Handled"), ("aht_s", "AHT"), ("hold_rate", "Hold rate"), ("transfer_rate", "Transfer rate"),
    ("fcr_rate", "FCR"), ("csat_top2_rate", "CSAT top-2"),
)
TREND_METRICS = ("offered", "service_level")
FILTER_DIMENSIONS: tuple[tuple[str, str], ...] = (("queue", "queues"), ("channel", "channels"), ("team", "teams"))
DEFAULT_DAYS = 28
QUICK_PERIODS = (7, 28, 90)


@dataclass(frozen=True)
class Tile:
    metric: str
    label: str
    value: str
    raw: Any
    unit: str
    resolved: str
    title: str
    tooltip: str
    delta: str
    delta_class: str


@dataclass(frozen=True)
class Cell:
    text: str
    sort: Any
    tooltip: str


@dataclass(frozen=True)
class FilterSelect:
    name: str
    label: str
    options: tuple[str, ...]
    selected: str


def _previous(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


def _delta(now: Any, before: Any, unit: str, better: str) -> tuple[str, str]:
    """Change against the previous period of the same length: text and a CSS class (up-good, down-bad...)."""
    if not isinstance(now, (int, float)) or not isinstance(before, (int, float)):
        return "", ""
    diff = now - before
    if unit == "ratio":
        text = f"{diff * 100:+.1f} pp"
        flat = abs(diff) < 0.0005
    elif unit == "seconds":
        text = ("+" if diff >= 0 else "-") + format_duration(abs(diff))
        flat = abs(diff) < 0.5
    elif unit == "points":
        text = f"{diff:+.0f} pts"
        flat = abs(diff) < 0.5
    elif before:
        text = f"{diff / before * 100:+.1f}%"
        flat = abs(diff / before) < 0.0005
    else:
        return "", ""
    if flat:
        return "±0" if unit != "ratio" else "±0.0 pp", "delta-flat"
    good = (diff > 0 and better == "higher") or (diff < 0 and better == "lower")
    bad = (diff < 0 and better == "higher") or (diff > 0 and better == "lower")
    return text, "delta-good" if good else "delta-bad" if bad else "delta-flat"


def _tiles(result: Any, previous: Any | None) -> list[Tile]:
    row = result.rows[0] if result.rows else {}
    before = previous.rows[0] if previous is not None and previous.rows else {}
    labels = dict(TILES)
    tiles = []
    for column in result.metrics:
        value = row.get(column.requested)
        delta, delta_class = _delta(value, before.get(column.requested), column.unit, column.better)
        formula = " ".join(column.formula.split())
        tooltip = f"{column.resolved}\n{column.title}: {formula}\nexact: {exact_value(value, column.unit)}"
        label = labels.get(column.requested, column.title)
        tiles.append(Tile(column.requested, label, format_value(value, column.unit),
                          value, column.unit, column.resolved, column.title, tooltip, delta, delta_class))
    return tiles


def _tile_links(ctx: WebContext, viewer: Viewer, metrics: list[str], start: dt.date | None, end: dt.date | None,
                where: dict[str, list[str]]) -> dict[str, str]:
    """metric -> the page of contact rows behind its tile (none for planners, who see aggregates only)."""
    from callboard.web.pages import drill_links as dl  # drill_links builds on this module

    if not dl.can_drill(viewer):
        return {}
    drillable = dl.Drillable(ctx)
    return {m: dl.contacts_href(m, start, end, where) for m in metrics if drillable(m)}


def _agent_rows(result: Any, names: dict[str, str]) -> tuple[list[dict[str, Any]], list[Any]]:
    columns = list(result.metrics)
    rows = []
    for row in result.rows:
        if row.get("agent") is None:
            continue  # abandoned contacts have no agent
        cells = [Cell(format_value(row.get(c.requested), c.unit), row.get(c.requested),
                      f"{c.resolved}: {exact_value(row.get(c.requested), c.unit)}") for c in columns]
        rows.append({"agent": row["agent"], "name": names.get(str(row["agent"]), ""),
                     "team": row.get("team") or "—", "cells": cells, "handled": row.get("handled") or 0})
    rows.sort(key=lambda r: (-r["handled"], r["agent"]))
    labels = dict(AGENT_COLUMNS)
    headers = [{"metric": c.requested, "label": labels.get(c.requested, c.title),
                "tooltip": f"{c.resolved}: {' '.join(c.formula.split())}"} for c in columns]
    return rows, headers


def _trend_days(result: Any, start: dt.date | None, end: dt.date | None) -> list[dict[str, Any]]:
    """One point per day of the period: days without contacts get offered 0 and no service level."""
    by_day = {row["day"]: row for row in result.rows if row.get("day") is not None}
    if start is None or end is None or (end - start).days > 1000:
        return [by_day[d] for d in sorted(by_day)]
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    return [by_day.get(d, {"day": d, "offered": 0, "service_level": None}) for d in days]


def _trend_figure(result: Any, start: dt.date | None, end: dt.date | None) -> dict[str, Any]:
    """A Plotly figure (plain JSON for plotly.js): offered per day as bars, service level as a line."""
    points = _trend_days(result, start, end)
    days = [p["day"] for p in points]
    offered = [p.get("offered") for p in points]
    sl = [p.get("service_level") for p in points]
    sl_column = next(c for c in result.metrics if c.requested == "service_level")
    sl_name = sl_column.resolved.split("(")[0]
    most = max((v for v in offered if isinstance(v, (int, float))), default=0)
    x_range = ([f"{(start - dt.timedelta(days=1)).isoformat()} 12:00", f"{end.isoformat()} 12:00"]
               if start and end else None)
    return {
        "data": [
            {"type": "bar", "name": "Offered", "x": days, "y": offered, "marker": {"color": "#c7d7ee"},
             "hovertemplate": "%{x|%a %d %b}<br>Offered %{y:,}<extra></extra>"},
            {"type": "scatter", "mode": "lines+markers", "name": "Service level", "x": days, "y": sl, "yaxis": "y2",
             "line": {"color": "#1f4e8c", "width": 2.5}, "marker": {"size": 5}, "connectgaps": False,
             "hovertemplate": "%{x|%a %d %b}<br>Service level %{y:.1%}<extra>" + sl_name + "</extra>"},
        ],
        "layout": {
            "margin": {"l": 48, "r": 56, "t": 16, "b": 36}, "height": 300,
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12,
                     "color": "#334155"},
            "legend": {"orientation": "h", "x": 0, "y": 1.12},
            "xaxis": {"type": "date", "tickformat": "%d %b", "gridcolor": "#eef2f7",
                      **({"range": x_range} if x_range else {})},
            "yaxis": {"title": {"text": "Offered"}, "rangemode": "tozero", "gridcolor": "#eef2f7", "tickformat": ",",
                      **({"dtick": 1} if most <= 8 else {})},
            "yaxis2": {"title": {"text": "Service level"}, "overlaying": "y", "side": "right", "tickformat": ".0%",
                       "range": [0, 1.04], "dtick": 0.2, "showgrid": False},
            "bargap": 0.25, "hovermode": "x unified",
        },
    }


def _query_string(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v})


def _api_href(path: str, metrics: list[str], by: str, start: dt.date | None, end: dt.date | None,
              where: dict[str, list[str]]) -> str:
    """The API call that returns this part of the page, for 'open in API' and CSV links."""
    params: list[tuple[str, str]] = [("metrics", ",".join(metrics))]
    if by:
        params.append(("by", by))
    if start:
        params.append(("from", start.isoformat()))
    if end:
        params.append(("to", end.isoformat()))
    params += [("where", f"{dim}={','.join(values)}") for dim, values in where.items()]
    return f"{path}?{urlencode(params)}"


@dataclass(frozen=True)
class Furniture:
    """What frames the numbers: data span, filter dropdown values, agent display names."""

    span: DataSpan
    options: dict[str, tuple[str, ...]]
    agent_names: dict[str, str]


def page_furniture(ctx: WebContext, viewer: Viewer | None = None) -> Furniture:
    """Cached briefly per viewer (see WebContext.cached); with no viewer, the server's warm-up at start."""
    dims = [d for d, _ in FILTER_DIMENSIONS]
    return ctx.cached(f"overview_furniture:{viewer.username if viewer else ''}", lambda: Furniture(
        ctx.browser.data_span(viewer=viewer), ctx.browser.dimension_options(dims, viewer=viewer),
        ctx.browser.agent_names(viewer)))


@router.get("/", response_class=HTMLResponse, summary="Overview dashboard", include_in_schema=False)
def overview(request: Request, ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer,
             from_: Annotated[str | None, Query(alias="from")] = None, to: Annotated[str | None, Query()] = None,
             queue: str | None = None, channel: str | None = None, team: str | None = None) -> Response:
    return ctx.html_cached(request, viewer, lambda: _overview(request, ctx, viewer, from_, to, queue, channel, team))


def _overview(request: Request, ctx: WebContext, viewer: Viewer, from_: str | None, to: str | None,
              queue: str | None, channel: str | None, team: str | None) -> Response:
    errors: list[CallboardError] = []
    furniture = page_furniture(ctx, viewer)
    span, options = furniture.span, furniture.options
    try:
        start, end = check_period(from_, to)
    except CallboardError as exc:
        errors.append(exc)
        start, end = None, None
    if start is None and end is None:
        start, end = span.last_days(DEFAULT_DAYS)
    elif start is None:
        start = min(span.first_day, end) if span.first_day else end
    elif end is None:
        end = max(span.last_day, start) if span.last_day else start
    selected = {"queue": queue or "", "channel": channel or "", "team": team or ""}
    where = {dim: [value] for dim, value in selected.items() if value}
    with ctx.engine():
        tiles_result = ctx.kpi.query(metrics=[m for m, _ in TILES], from_date=start, to_date=end, where=where,
                                     viewer=viewer)
        previous = None
        compare = _previous(start, end) if start and end else None
        if compare and span.first_day and compare[0] >= span.first_day:  # only against a period fully in the data
            previous = ctx.kpi.query(metrics=[m for m, _ in TILES], from_date=compare[0], to_date=compare[1],
                                     where=where, viewer=viewer)
        trend = ctx.kpi.query(metrics=list(TREND_METRICS), by=["day"], from_date=start, to_date=end, where=where,
                              viewer=viewer)
        agents = None if viewer.aggregates_only else ctx.kpi.query(
            metrics=[m for m, _ in AGENT_COLUMNS], by=["agent", "team"], from_date=start, to_date=end, where=where,
            viewer=viewer)
    agent_rows, agent_columns = _agent_rows(agents, furniture.agent_names) if agents is not None else ([], [])
    filters = [FilterSelect(dim, plural, tuple(sorted({*options[dim], selected[dim]} - {""}, key=str.casefold)),
                            selected[dim]) for dim, plural in FILTER_DIMENSIONS]
    periods = [(f"Last {days} days", *span.last_days(days)) for days in QUICK_PERIODS]
    periods.append(("All data", span.first_day, span.last_day))
    quick = [{"label": label, "href": "/?" + _query_string(**{"from": q_start, "to": q_end}, **selected),
              "active": (q_start, q_end) == (start, end)} for label, q_start, q_end in periods]
    context = {
        "span": span, "start": start, "end": end, "days": (end - start).days + 1 if start and end else None,
        "previous": compare,
        "time_zone": ctx.runtime.settings.time_zone, "tiles": _tiles(tiles_result, previous),
        "tile_links": _tile_links(ctx, viewer, [m for m, _ in TILES], start, end, where),
        "trend_json": json.dumps(_trend_figure(trend, start, end)).replace("</", "<\\/"),  # safe inside <script>
        "trend_empty": not trend.rows,
        "agent_rows": agent_rows, "agent_columns": agent_columns, "filters": filters, "quick": quick,
        "errors": errors, "has_data": span.last_day is not None, "show_agents": agents is not None,
        "api_link": _api_href("/api/v1/kpi", [m for m, _ in TILES], "", start, end, where),
        "export_link": _api_href("/api/v1/kpi.csv", [m for m, _ in AGENT_COLUMNS], "agent,team", start, end, where),
    }
    return ctx.templates.TemplateResponse(request, "overview.html", context)
