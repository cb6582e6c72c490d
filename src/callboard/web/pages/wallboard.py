"""Wallboard pages: /wallboard (every queue the viewer may watch), /wallboard/queue/{id}, /wallboard/team/{id}.

The page renders the current snapshot (so it is readable without JavaScript), then static/wallboard.js
opens the server-sent event stream and redraws the board on every event; times in state and the
longest wait tick every second between events. Numbers and scope come from WallboardService.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from callboard.core.viewer import Viewer
from callboard.web.api.wallboard import snapshot_json
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.format import DASH, format_duration

router = APIRouter(tags=["pages"])
WallboardViewer = Annotated[Viewer, Depends(allow("view_wallboard"))]

STATE_LABELS = {"on_contact": "On contact", "connecting": "Ringing", "acw": "Wrap-up", "available": "Available",
                "aux": "Paused", "error": "Error", "offline": "Offline"}


def duration(seconds: float | None) -> str:
    return DASH if seconds is None else format_duration(seconds)


def span(seconds: float | None) -> str:
    """A threshold in words: 20 s, 45 s, 5 min, 4 h (wallboard.js has the same function)."""
    if seconds is None:
        return DASH
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{round(seconds / 60, 1):g} min"
    return f"{round(seconds / 3600, 1):g} h"


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def _team_names(ctx: WebContext, viewer: Viewer) -> dict[str, str]:
    return {t.id: t.name for t in ctx.runtime.org.teams(viewer)}


async def _render(request: Request, ctx: WebContext, viewer: Viewer, *, queues: list[str] | None,
                  team: str | None) -> HTMLResponse:
    snapshot = await run_in_threadpool(snapshot_json, ctx, viewer, queues, team)
    teams = await run_in_threadpool(_team_names, ctx, viewer)
    params: list[tuple[str, str]] = [("queue", ",".join(queues))] if queues else [("team", team)] if team else []
    query = ("?" + urlencode(params)) if params else ""
    heading = (f"{teams.get(team, team)}" if team else str(snapshot["title"]) if queues else "All queues")
    context = {
        "s": snapshot, "heading": heading, "scope_team": team, "scope_queues": queues or [],
        "stream_url": f"/api/v1/wallboard/stream{query}", "api_url": f"/api/v1/wallboard{query}",
        "teams": sorted(teams.items(), key=lambda kv: kv[1].casefold()),
        "snapshot_json": json.dumps(snapshot).replace("</", "<\\/"),
        "state_labels": STATE_LABELS, "duration": duration, "percent": percent, "span": span,
    }
    return ctx.templates.TemplateResponse(request, "wallboard.html", context)


@router.get("/wallboard", response_class=HTMLResponse, summary="Live wallboard: every queue", include_in_schema=False)
async def wallboard_all(request: Request, ctx: Annotated[WebContext, Depends(get_context)],
                        viewer: WallboardViewer) -> HTMLResponse:
    return await _render(request, ctx, viewer, queues=None, team=None)


@router.get("/wallboard/queue/{queue_id}", response_class=HTMLResponse, summary="Live wallboard of a queue",
            include_in_schema=False)
async def wallboard_queue(queue_id: str, request: Request, ctx: Annotated[WebContext, Depends(get_context)],
                          viewer: WallboardViewer) -> HTMLResponse:
    return await _render(request, ctx, viewer, queues=[queue_id], team=None)


@router.get("/wallboard/team/{team_id}", response_class=HTMLResponse, summary="Live wallboard of a team",
            include_in_schema=False)
async def wallboard_team(team_id: str, request: Request, ctx: Annotated[WebContext, Depends(get_context)],
                         viewer: WallboardViewer) -> HTMLResponse:
    return await _render(request, ctx, viewer, queues=None, team=team_id)

