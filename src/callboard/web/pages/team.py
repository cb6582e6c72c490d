"""Team pages: `/teams` (the teams the viewer sees) and `/teams/{team_id}` (tiles, trends, agents with
outliers against the team). Numbers come from `runtime.kpi.query`; outliers from metrics/outliers.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from callboard.core.errors import Forbidden, NotFound
from callboard.core.viewer import Viewer
from callboard.metrics.outliers import MIN_VOLUME, OutlierColumn, flag_outliers
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.format import exact_value, format_value
from callboard.web.pages import drill_links as dl
from callboard.web.pages.overview import page_furniture

router = APIRouter(tags=["pages"])

TEAM_TILES: tuple[tuple[str, str], ...] = (
    ("handled", "Handled"), ("answered", "Answered"), ("asa_s", "ASA"), ("aht_s", "AHT"), ("avg_acw_s", "Avg ACW"),
    ("hold_rate", "Hold rate"), ("transfer_rate", "Transfer rate"), ("fcr_rate", "FCR"),
    ("csat_top2_rate", "CSAT top-2-box"), ("nps", "NPS"),
)
AGENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("handled", "Handled"), ("aht_s", "AHT"), ("avg_acw_s", "Avg ACW"), ("hold_rate", "Hold rate"),
    ("transfer_rate", "Transfer rate"), ("fcr_rate", "FCR"), ("csat_top2_rate", "CSAT top-2"),
)
LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("handled", "Handled"), ("aht_s", "AHT"), ("transfer_rate", "Transfer rate"), ("fcr_rate", "FCR"),
    ("csat_top2_rate", "CSAT top-2"),
)
QUALITY_TREND = ("fcr_rate", "csat_top2_rate")
From = Annotated[str | None, Query(alias="from")]


@dataclass(frozen=True)
class Cell:
    text: str
    sort: Any
    tooltip: str
    href: str = ""
    flag: str = ""  # good | bad: an outlier against the team


def cells(row: dict[str, Any], columns: Any, href: Any, flags: dict[str, Any] | None = None) -> list[Cell]:
    out = []
    for c in columns:
        value = row.get(c.requested)
        flag = (flags or {}).get(c.requested)
        tip = f"{c.resolved}: {exact_value(value, c.unit)}" + (f"\n{flag.reason}" if flag else "")
        out.append(Cell(format_value(value, c.unit), value, tip, href(c.requested) if value is not None else "",
                        flag.kind if flag else ""))
    return out


def headers(columns: Any, labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"metric": c.requested, "label": labels.get(c.requested, c.title),
             "tooltip": f"{c.resolved}: {' '.join(c.formula.split())}"} for c in columns]


def agent_table(ctx: WebContext, viewer: Viewer, result: Any, period: dl.PagePeriod, where: dict[str, list[str]],
                *, outliers: bool) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Per-agent rows with drill-down links; with `outliers`, cells flagged against the team median."""
    names = page_furniture(ctx, viewer).agent_names
    drillable, drill = dl.Drillable(ctx), dl.can_drill(viewer)
    units = {c.requested: c for c in result.metrics}
    labels = dict(AGENT_COLUMNS)
    rows_in = [r for r in result.rows if r.get("agent") is not None]
    flags: dict[tuple[str, str], Any] = {}
    if outliers:
        columns = [OutlierColumn(c.requested, labels.get(c.requested, c.title), c.unit, c.better)
                   for c in result.metrics if c.requested != "handled"]
        for f in flag_outliers(rows_in, columns, fmt=format_value, volume_key="handled"):
            flags[(f.agent, f.metric)] = f
    rows = []
    for r in rows_in:
        agent = str(r["agent"])
        own = {**where, "agent": [agent]}

        def href(metric: str, own: dict[str, list[str]] = own) -> str:
            return dl.contacts_href(metric, period.start, period.end, own) if drill and drillable(metric) else ""

        mine = {m: flags[(agent, m)] for m in units if (agent, m) in flags}
        rows.append({"agent": agent, "name": names.get(agent, ""), "handled": r.get("handled") or 0,
                     "cells": cells(r, result.metrics, href, mine),
                     "reasons": [{"kind": f.kind, "text": f.reason} for f in mine.values()]})
    rows.sort(key=lambda x: (-x["handled"], x["agent"]))
    return rows, headers(result.metrics, labels)


def team_names(ctx: WebContext, viewer: Viewer) -> dict[str, tuple[str, str]]:
    """team id -> (name, site name) for the app database's teams the viewer sees."""
    return {t.id: (t.name, t.site_name) for t in ctx.runtime.org.teams(viewer)}


TeamViewer = Annotated[Viewer, Depends(allow("view_teams"))]  # every role but agents (they open their own page)


def _no_agents(viewer: Viewer) -> None:
    if viewer.role == "agent":
        raise Forbidden("team pages compare agents; an agent opens their own page",
                        hint=f"open /agents/{viewer.agent_id}" if viewer.agent_id else "ask your supervisor")


@router.get("/teams", response_class=HTMLResponse, include_in_schema=False)
def teams(request: Request, ctx: Annotated[WebContext, Depends(get_context)], viewer: TeamViewer,
          from_: From = None, to: str | None = None) -> HTMLResponse:
    _no_agents(viewer)
    period = dl.choose_period(ctx, viewer, from_, to)
    known = team_names(ctx, viewer)
    metrics = [m for m, _ in LIST_COLUMNS]
    with ctx.engine():
        result = ctx.kpi.query(metrics=metrics, by=["team"], from_date=period.start, to_date=period.end,
                               viewer=viewer)
    by_team = {str(r["team"]): r for r in result.rows if r.get("team") is not None and viewer.sees_team(str(r["team"]))}
    drillable, drill = dl.Drillable(ctx), dl.can_drill(viewer)
    rows = []
    for team_id in sorted({*known, *by_team}, key=lambda t: known.get(t, (t, ""))[0].casefold()):
        where = {"team": [team_id]}

        def href(metric: str, where: dict[str, list[str]] = where) -> str:
            return dl.contacts_href(metric, period.start, period.end, where) if drill and drillable(metric) else ""

        name, site = known.get(team_id, (team_id, ""))
        rows.append({"id": team_id, "name": name, "site": site,
                     "cells": cells(by_team.get(team_id, {}), result.metrics, href)})
    context = {
        "period": period, "quick": dl.quick_links("/teams", period), "rows": rows,
        "columns": headers(result.metrics, dict(LIST_COLUMNS)),
        "csv": dl.kpi_href("/api/v1/kpi.csv", metrics, "team", period.start, period.end, {}),
        "api": dl.kpi_href("/api/v1/kpi", metrics, "team", period.start, period.end, {}),
    }
    return ctx.templates.TemplateResponse(request, "teams.html", context)


@router.get("/teams/{team_id}", response_class=HTMLResponse, include_in_schema=False)
def team(request: Request, team_id: str, ctx: Annotated[WebContext, Depends(get_context)], viewer: TeamViewer,
         from_: From = None, to: str | None = None) -> HTMLResponse:
    _no_agents(viewer)
    viewer.require_team(team_id)
    known = team_names(ctx, viewer)
    period = dl.choose_period(ctx, viewer, from_, to)
    where = {"team": [team_id]}
    tile_metrics = [m for m, _ in TEAM_TILES]
    agent_metrics = [m for m, _ in AGENT_COLUMNS]
    with ctx.engine():
        totals = ctx.kpi.query(metrics=tile_metrics, from_date=period.start, to_date=period.end, where=where,
                               viewer=viewer)
        trend = ctx.kpi.query(metrics=["handled", "aht_s"], by=["day"], from_date=period.start, to_date=period.end,
                              where=where, viewer=viewer)
        weekly = ctx.kpi.query(metrics=list(QUALITY_TREND), by=["week"], from_date=period.start, to_date=period.end,
                               where=where, viewer=viewer)
        agents = None if viewer.aggregates_only else ctx.kpi.query(
            metrics=agent_metrics, by=["agent"], from_date=period.start, to_date=period.end, where=where, viewer=viewer)
    if team_id not in known and not any(isinstance(r.get("handled"), int) and r["handled"] for r in totals.rows):
        raise NotFound(f"no team '{team_id}'", hint="pick one from /teams")
    drillable, drill = dl.Drillable(ctx), dl.can_drill(viewer)
    hrefs = {m: dl.contacts_href(m, period.start, period.end, where) for m in tile_metrics if drill and drillable(m)}
    days = dl.days_of(period.start, period.end, [dict(r) for r in trend.rows])
    trend_fig = dl.bar_line_figure([d["day"] for d in days], [d.get("handled") or 0 for d in days],
                                   [d.get("aht_s") for d in days], bar_name="Handled", line_name="AHT (s)",
                                   line_format=",.0f")
    weeks = [dict(r) for r in weekly.rows if r.get("week") is not None]
    quality_fig = dl.lines_figure([w["week"] for w in weeks], [("FCR", [w.get("fcr_rate") for w in weeks], ""),
                                                              ("CSAT top-2", [w.get("csat_top2_rate") for w in weeks], "dot")],
                                  y_format=".0%")
    agent_rows, agent_columns = (agent_table(ctx, viewer, agents, period, where, outliers=True)
                                 if agents is not None else ([], []))
    name, site = known.get(team_id, (team_id, ""))
    context = {
        "team_id": team_id, "name": name, "site": site, "period": period,
        "quick": dl.quick_links(f"/teams/{team_id}", period),
        "tiles": dl.tiles(totals, dict(TEAM_TILES), hrefs),
        "trend_json": dl.figure_json(trend_fig), "trend_empty": not trend.rows,
        "quality_json": dl.figure_json(quality_fig), "quality_empty": not weeks,
        "agent_rows": agent_rows, "agent_columns": agent_columns, "show_agents": agents is not None,
        "min_volume": MIN_VOLUME, "outliers": outlier_summary(agent_rows),
        "csv": dl.kpi_href("/api/v1/kpi.csv", agent_metrics, "agent", period.start, period.end, where),
        "api": dl.kpi_href("/api/v1/kpi", agent_metrics, "agent", period.start, period.end, where),
        "trend_csv": dl.kpi_href("/api/v1/kpi.csv", ["handled", "aht_s"], "day", period.start, period.end, where),
        "quality_csv": dl.kpi_href("/api/v1/kpi.csv", list(QUALITY_TREND), "week", period.start, period.end, where),
        "contacts_csv": dl.contacts_href("handled", period.start, period.end, where, path="/api/v1/contacts.csv")
        if drill else "",
    }
    return ctx.templates.TemplateResponse(request, "team.html", context)


def outlier_summary(agent_rows: list[dict[str, Any]]) -> str:
    """'11 outliers against the team median (7 agents flagged)': flags and agents apart, one agent may have several."""
    flags = sum(len(r["reasons"]) for r in agent_rows)
    text = f"{flags} outlier{'s' if flags != 1 else ''} against the team median"
    if flags:
        agents = sum(1 for r in agent_rows if r["reasons"])
        text += f" ({agents} agent{'s' if agents != 1 else ''} flagged)"
    return text
