"""Scorecard pages: `/scorecards` (teams), `/scorecards/team/{id}` (ranking, outliers, score history),
`/scorecards/agent/{id}` (one agent's card) and `/admin/scorecards` (configuration, managers and admins).

Numbers come from `runtime.scorecards` (ScorecardService), which checks the viewer; this module formats.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import NotFound
from callboard.core.viewer import Viewer
from callboard.scorecards.periods import ScorePeriod
from callboard.scorecards.results import AgentScorecard, HistoryPoint, ItemScore, TeamHistory
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.format import format_value
from callboard.web.pages import scorecards_admin
from callboard.web.pages.qa_slot import qa_slot

router = APIRouter(tags=["pages"])
router.include_router(scorecards_admin.router)

Ctx = Annotated[WebContext, Depends(get_context)]
ViewViewer = Annotated[Viewer, Depends(allow("view_scorecards"))]
PeriodQuery = Annotated[str | None, Query(description="2026-03, 2026-W10, 2026-Q1 or a day")]
PICKER_PERIODS = 12
LINE_COLOURS = ("#1f4e8c", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#0369a1", "#4d7c0f", "#a21caf",
                "#c2410c", "#334155", "#15803d", "#9f1239", "#1d4ed8", "#854d0e")


def fmt(value: float | None, unit: str) -> str:
    if unit == "points":
        return "—" if value is None else f"{value:.0f}"
    return format_value(value, unit)


def score_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def interval_text(item: ItemScore) -> str:
    if item.ci_low is None or item.ci_high is None:
        return ""
    return f"95% CI {item.ci_low * 100:.1f}–{item.ci_high * 100:.1f}%"


def cell(item: ItemScore) -> dict[str, Any]:
    """One item of one agent for a table cell: value, interval, shrunk value, points, outlier."""
    tip = [f"{item.label}: {fmt(item.value, item.unit)}"]
    if item.trials is not None:
        tip.append(f"{item.successes} of {item.trials}; Wilson {interval_text(item)}")
    if item.shrunk is not None:
        tip.append(f"shrunk toward the team: {fmt(item.shrunk, item.unit)}")
    tip.append(f"points {fmt(item.points, 'points')} (ranking uses {fmt(item.fair_points, 'points')})")
    if item.outlier:
        tip.append(f"{item.outlier.side} outlier: {item.outlier.reason}")
    return {"value": fmt(item.value, item.unit), "sort": item.value if item.value is not None else "",
            "interval": interval_text(item), "n": item.trials,
            "shrunk": fmt(item.shrunk, item.unit) if item.shrunk is not None else "",
            "points": fmt(item.points, "points"), "outlier": item.outlier, "tooltip": "\n".join(tip),
            "no_data": item.value is None}


def period_links(base: str, period: ScorePeriod) -> dict[str, Any]:
    options = [p for p in period.next().last(PICKER_PERIODS + 1)][::-1]
    return {"previous": f"{base}?{urlencode({'period': period.previous().label})}",
            "next": f"{base}?{urlencode({'period': period.next().label})}",
            "options": [(p.label, p.title, p == period) for p in options]}


def figure_json(figure: dict[str, Any]) -> str:
    return json.dumps(figure).replace("</", "<\\/")


LAYOUT: dict[str, Any] = {
    "margin": {"l": 48, "r": 16, "t": 16, "b": 40}, "height": 300, "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)", "hovermode": "x unified",
    "font": {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#334155"},
    "legend": {"orientation": "h", "x": 0, "y": -0.18}, "xaxis": {"type": "category", "gridcolor": "#eef2f7"},
    "yaxis": {"title": {"text": "Score (0-100)"}, "range": [0, 102], "gridcolor": "#eef2f7"},
}


def _first_with_data(flags: list[bool]) -> int:
    """Index of the first period with any score (leading periods before the data are left off the chart)."""
    return next((i for i, flag in enumerate(flags) if flag), 0)


def team_history_figure(history: TeamHistory) -> dict[str, Any]:
    skip = _first_with_data([s is not None for s in history.team_scores])
    labels = [p.label for p in history.periods][skip:]
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines+markers", "name": f"{a} {n}".strip(), "x": labels, "y": list(scores)[skip:],
         "line": {"width": 1.3, "color": LINE_COLOURS[i % len(LINE_COLOURS)]}, "opacity": 0.55,
         "hovertemplate": f"{n or a}: %{{y:.1f}}<extra></extra>", "connectgaps": False}
        for i, (a, n, scores) in enumerate(history.agent_scores)]
    data.append({"type": "scatter", "mode": "lines+markers", "name": "Team mean", "x": labels,
                 "y": list(history.team_scores)[skip:], "line": {"width": 4, "color": "#0f172a"},
                 "hovertemplate": "Team mean: %{y:.1f}<extra></extra>"})
    return {"data": data, "layout": LAYOUT}


def agent_history_figure(points: tuple[HistoryPoint, ...]) -> dict[str, Any]:
    points = points[_first_with_data([p.score is not None or p.team_score is not None for p in points]):]
    labels = [p.period.label for p in points]
    ranks = [f"rank {p.rank} of {p.ranked_agents}" if p.rank else "not ranked" for p in points]
    return {"data": [
        {"type": "bar", "name": "Score", "x": labels, "y": [p.score for p in points], "marker": {"color": "#c7d7ee"},
         "customdata": ranks, "hovertemplate": "Score %{y:.1f} (%{customdata})<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "name": "Ranking score (shrunk)", "x": labels,
         "y": [p.fair_score for p in points], "line": {"color": "#1f4e8c", "width": 2.5},
         "hovertemplate": "Ranking score %{y:.1f}<extra></extra>"},
        {"type": "scatter", "mode": "lines", "name": "Team mean", "x": labels, "y": [p.team_score for p in points],
         "line": {"color": "#94a3b8", "dash": "dot", "width": 2}, "hovertemplate": "Team mean %{y:.1f}<extra></extra>"},
    ], "layout": LAYOUT}


@router.get("/scorecards", response_class=HTMLResponse, include_in_schema=False)
def scorecards_index(request: Request, ctx: Ctx, viewer: ViewViewer) -> Response:
    """Teams the viewer may rank, with the scorecard that scores each; agents go to their own card."""
    if viewer.role == "agent":
        if viewer.agent_id:
            return RedirectResponse(f"/scorecards/agent/{viewer.agent_id}", status_code=303)
    service = ctx.runtime.scorecards
    teams = [t for t in ctx.runtime.org.teams(viewer)] if viewer.role != "agent" else []
    rows = [{"team": t, "config": service.config_for_team(t.id)} for t in teams]
    return ctx.templates.TemplateResponse(request, "scorecard_index.html", {
        "nav": "scorecards", "rows": rows, "can_manage": viewer.can("manage_scorecards")})


@router.get("/scorecards/team/{team_id}", response_class=HTMLResponse, include_in_schema=False)
def team_page(request: Request, ctx: Ctx, viewer: ViewViewer, team_id: str, period: PeriodQuery = None) -> Response:
    service = ctx.runtime.scorecards
    with ctx.engine():
        card, history = service.team_card_and_history(viewer, team_id, period)
    rows = [{"agent": a, "cells": [cell(i) for i in a.items], "score": score_text(a.score),
             "fair": score_text(a.fair_score), "coverage": f"{a.coverage * 100:.0f}%"} for a in card.agents]
    outliers = [(a, o) for a in card.agents for o in a.outliers]
    covered = [a.coverage for a in card.agents if a.score is not None]
    query = urlencode({"period": card.period.label})
    return ctx.templates.TemplateResponse(request, "scorecard_team.html", {
        "nav": "scorecards", "card": card, "rows": rows, "outliers": outliers, "fmt": fmt,
        "score_text": score_text, "periods": period_links(f"/scorecards/team/{team_id}", card.period),
        "mean_coverage": f"{sum(covered) / len(covered) * 100:.0f}%" if covered else "—",
        "good": sum(1 for _, o in outliers if o.side == "good"), "bad": sum(1 for _, o in outliers if o.side == "bad"),
        "history_json": figure_json(team_history_figure(history)),
        "history_empty": not any(s is not None for s in history.team_scores),
        "csv_link": f"/api/v1/scorecards/team/{team_id}.csv?{query}",
        "api_link": f"/api/v1/scorecards/team/{team_id}?{query}",
        "can_manage": viewer.can("manage_scorecards")})


@router.get("/scorecards/agent/{agent_id}", response_class=HTMLResponse, include_in_schema=False)
def agent_page(request: Request, ctx: Ctx, viewer: ViewViewer, agent_id: str, period: PeriodQuery = None) -> Response:
    viewer.require("view_scorecards")
    viewer.require_agent(agent_id)
    return ctx.html_cached(request, viewer, lambda: _agent_page(request, ctx, viewer, agent_id, period))


def _agent_page(request: Request, ctx: WebContext, viewer: Viewer, agent_id: str, period: str | None) -> Response:
    service = ctx.runtime.scorecards
    with ctx.engine():
        found, history = ctx.page_cached(("scorecard_agent", viewer, agent_id, period),
                                         lambda: service.agent_card_and_history(viewer, agent_id, period))
    if found is None:
        raise NotFound(f"agent {agent_id} has no contacts and no team in {history[-1].period.label}",
                       hint="pick another period")
    card: AgentScorecard = found
    summaries = {s.position: s for s in card.items}
    items = [{"item": i, "cell": cell(i), "team": summaries[i.position]} for i in card.agent.items]
    query = urlencode({"period": card.period.label})
    team_link = f"/scorecards/team/{card.team_id}?{query}" if viewer.role != "agent" and viewer.sees_team(
        card.team_id) else None
    has_qa = any(i.kind == "qa" for i in card.agent.items)
    qa = qa_slot(ctx.runtime, viewer, agent_id, card.period.start, card.period.end) if has_qa else None
    return ctx.templates.TemplateResponse(request, "scorecard_agent.html", {
        "nav": "scorecards", "card": card, "a": card.agent, "items": items, "fmt": fmt, "score_text": score_text,
        "periods": period_links(f"/scorecards/agent/{agent_id}", card.period),
        "history_json": figure_json(agent_history_figure(history)),
        "history_empty": not any(p.score is not None for p in history),
        "csv_link": f"/api/v1/scorecards/agent/{agent_id}.csv?{query}",
        "api_link": f"/api/v1/scorecards/agent/{agent_id}?{query}", "team_link": team_link, "qa": qa})

