"""/api/v1/wallboard: the live wallboard as JSON, as server-sent events, and the feeds that drive it.

- `GET /api/v1/wallboard?queue=..|team=..`: one snapshot (JSON);
- `GET /api/v1/wallboard/stream?queue=..|team=..`: `text/event-stream`, one `snapshot` event at once and
  after every change (a load, a pushed event), and every 10 s anyway (times in state move on);
- `POST /api/v1/wallboard/events`: platforms push contact and agent-state events (bearer token or admin);
- `POST /api/v1/wallboard/token`: an admin issues the events token;
- `GET|POST|DELETE /api/v1/wallboard/follow`: an admin starts, lists and stops server-side queue_log
  followers (`callboard serve --follow-queue-log FILE` does the same at start).
See docs/wallboard.md.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from callboard.core.errors import InvalidInput, NotFound, NotSignedIn
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.wallboard.follower import Follower
from callboard.wallboard.live import EventBatch
from callboard.web.auth import SESSION_COOKIE, allow, current_viewer
from callboard.web.context import WebContext, get_context

router = APIRouter(prefix="/api/v1", tags=["wallboard"])

WallboardViewer = Annotated[Viewer, Depends(allow("view_wallboard"))]
AdminViewer = Annotated[Viewer, Depends(allow("ingest"))]
QueueParam = Annotated[list[str] | None, Query(description="queue id(s): repeat or comma-separate")]
TeamParam = Annotated[str | None, Query(description="team id (instead of queues)")]

WAKE_S = 1.0  # how often a stream looks for loads made by other paths
REFRESH_S = 10.0  # a snapshot at least this often, so times in state and waits move on
MAX_STREAM_S = 300.0  # then the stream ends and EventSource reconnects (a restart never waits on it long)
EVENT_TOKEN_VIEWER = Viewer(username="wallboard-event-token", role="admin")


def _queues(queue: list[str] | None) -> list[str] | None:
    items = [q.strip() for value in queue or [] for q in value.split(",") if q.strip()]
    return items or None


def wallboard_service(ctx: WebContext) -> Any:
    """The runtime's WallboardService (built with the organisation settings, so each queue is judged against
    its own or its channel's thresholds)."""
    return ctx.runtime.wallboard


def snapshot_json(ctx: WebContext, viewer: Viewer, queues: list[str] | None, team: str | None) -> dict[str, Any]:
    with ctx.engine():
        return wallboard_service(ctx).snapshot(viewer, queues, team).to_json()  # type: ignore[no-any-return]


@router.get("/wallboard", summary="Wallboard snapshot: waiting now, longest wait, agents by state, SL and "
                                  "abandon rate so far today, threshold colours")
def wallboard_snapshot(ctx: Annotated[WebContext, Depends(get_context)], viewer: WallboardViewer,
                       queue: QueueParam = None, team: TeamParam = None) -> dict[str, Any]:
    return snapshot_json(ctx, viewer, _queues(queue), team)


def _check_loads(ctx: WebContext) -> bool:
    with ctx.engine():
        return ctx.runtime.wallboard.check_for_loads()  # type: ignore[no-any-return]


def _session_alive(ctx: WebContext, token: str | None) -> bool:
    return token is None or ctx.runtime.users.session_viewer(token) is not None


def _frame(body: dict[str, Any], *, retry_ms: int | None = None) -> str:
    head = f"retry: {retry_ms}\n" if retry_ms else ""
    return f"{head}id: {body.get('version', 0)}\nevent: snapshot\ndata: {json.dumps(body, separators=(',', ':'))}\n\n"


async def _events(request: Request, ctx: WebContext, viewer: Viewer, queues: list[str] | None, team: str | None,
                  first: dict[str, Any], session: str | None, max_s: float) -> AsyncIterator[str]:
    subscription = ctx.runtime.wallboard.hub.subscribe()
    try:
        yield _frame(first, retry_ms=1000)
        sent_at, deadline = time.monotonic(), time.monotonic() + max_s
        while time.monotonic() < deadline:
            changed = await subscription.wait(WAKE_S)
            if await request.is_disconnected():
                return
            if not changed:
                changed = await run_in_threadpool(_check_loads, ctx)
            due = time.monotonic() - sent_at >= REFRESH_S
            if not changed and not due:
                continue
            if due and not await run_in_threadpool(_session_alive, ctx, session):
                yield "event: end\ndata: {\"reason\": \"signed out\"}\n\n"
                return
            body = await run_in_threadpool(snapshot_json, ctx, viewer, queues, team)
            yield _frame(body)
            sent_at = time.monotonic()
    except asyncio.CancelledError:  # the client went away
        return
    finally:
        subscription.close()


@router.get("/wallboard/stream", summary="Wallboard as server-sent events (text/event-stream)",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "`event: snapshot` frames whose data is the snapshot JSON"}})
async def wallboard_stream(request: Request, ctx: Annotated[WebContext, Depends(get_context)],
                           viewer: WallboardViewer, queue: QueueParam = None, team: TeamParam = None,
                           max_s: Annotated[float, Query(ge=0, le=3600, description=(
                               "end the stream after this many seconds (EventSource reconnects); "
                               "0 sends the current snapshot and ends"))] = MAX_STREAM_S) -> StreamingResponse:
    queues = _queues(queue)
    first = await run_in_threadpool(snapshot_json, ctx, viewer, queues, team)  # scope checked here: 403 before streaming
    session = request.cookies.get(SESSION_COOKIE)
    return StreamingResponse(_events(request, ctx, viewer, queues, team, first, session, max_s),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# -- the event endpoint ------------------------------------------------------------------------------
async def event_writer(request: Request, ctx: Annotated[WebContext, Depends(get_context)]) -> Viewer:
    """`Authorization: Bearer <events token>` (for platforms), or an admin's session (with CSRF)."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        if await run_in_threadpool(ctx.runtime.wallboard.event_token_valid, auth[7:].strip()):
            return EVENT_TOKEN_VIEWER
        raise NotSignedIn("the wallboard event token is not valid",
                          hint="an admin issues one with POST /api/v1/wallboard/token")
    viewer = await current_viewer(request, ctx)
    viewer.require("ingest")
    return viewer


event_writer.capability = "ingest"  # type: ignore[attr-defined]  # read by the access-matrix test


@router.post("/wallboard/events", summary="Push contact and agent-state events to the live wallboards")
def push_events(body: EventBatch, ctx: Annotated[WebContext, Depends(get_context)],
                viewer: Annotated[Viewer, Depends(event_writer)]) -> dict[str, Any]:
    changed = ctx.runtime.wallboard.push_events(viewer, body.events)
    return {"received": len(body.events), "applied": changed, "version": ctx.runtime.wallboard.hub.version}


@router.post("/wallboard/token", summary="Issue the bearer token for POST /api/v1/wallboard/events (shown once)")
def issue_token(ctx: Annotated[WebContext, Depends(get_context)], viewer: AdminViewer) -> dict[str, Any]:
    token = ctx.runtime.wallboard.issue_event_token(viewer)
    with ctx.runtime.app_db.session() as session:
        audit.record(session, actor=viewer.username, action="issue", entity="wallboard_token", entity_id="events",
                     after={"token": "(new; only its SHA-256 is kept)"})
    return {"token": token, "header": f"Authorization: Bearer {token}",
            "note": "shown once; a new token replaces this one"}


# -- server-side queue_log followers -------------------------------------------------------------------
class FollowRequest(BaseModel):
    path: str = Field(min_length=1, description="absolute path of an Asterisk queue_log on the server's machine")
    members: str | None = Field(default=None, description="optional members CSV (interface,member_name)")


def follow_queue_log(ctx: WebContext, path: Path, *, members: Path | None = None, poll_s: float = 0.25) -> Follower:
    """Tail an Asterisk queue_log inside the server: load new lines under the analytics lock, then wake the
    wallboards. Used by `callboard serve --follow-queue-log FILE` and `POST /api/v1/wallboard/follow`."""
    path = path.expanduser().resolve()
    if not path.name.startswith("queue_log") or not path.is_file():
        raise InvalidInput(f"{path} is not a queue_log file", hint="name Asterisk's queue_log (e.g. "
                           "/var/log/asterisk/queue_log); the file name must start with queue_log")
    service = ctx.runtime.wallboard
    known = service.followers.get(str(path))
    if known is not None and known.running:
        return known  # type: ignore[no-any-return]
    options: dict[str, Any] = {"members": str(members)} if members else {}

    def load() -> int:
        if getattr(ctx.runtime, "_closed", False):
            raise RuntimeError("the server is stopping")
        with ctx.engine():
            reports = ctx.runtime.ingest.ingest("queue-log", [path], options=options, only_new=True)
        if reports:
            ctx.invalidate()
        return len(reports)

    follower = Follower(path, connector="queue-log", load=load,
                        on_loaded=lambda n: service.data_changed(f"queue_log {path.name}"), poll_s=poll_s)
    service.followers[str(path)] = follower.start()
    return follower


def start_queue_log_follower(app: FastAPI, path: Path, members: Path | None = None) -> Follower:
    """For `callboard serve --follow-queue-log FILE` (one line after create_app)."""
    return follow_queue_log(app.state.callboard, path, members=members)


@router.get("/wallboard/follow", summary="Server-side queue_log followers and their status")
def list_followers(ctx: Annotated[WebContext, Depends(get_context)], viewer: AdminViewer) -> dict[str, Any]:
    return {"followers": [asdict(f.status()) for f in ctx.runtime.wallboard.followers.values()]}


@router.post("/wallboard/follow", summary="Follow an Asterisk queue_log inside the server (admin)")
def start_follower(body: FollowRequest, ctx: Annotated[WebContext, Depends(get_context)],
                   viewer: AdminViewer) -> dict[str, Any]:
    follower = follow_queue_log(ctx, Path(body.path), members=Path(body.members) if body.members else None)
    with ctx.runtime.app_db.session() as session:
        audit.record(session, actor=viewer.username, action="create", entity="wallboard_follower",
                     entity_id=str(follower.path), after={"path": str(follower.path), "members": body.members})
    return asdict(follower.status())


@router.delete("/wallboard/follow", summary="Stop following a queue_log (admin)")
def stop_follower(ctx: Annotated[WebContext, Depends(get_context)], viewer: AdminViewer,
                  path: Annotated[str, Query(min_length=1)]) -> dict[str, Any]:
    key = str(Path(path).expanduser().resolve())
    follower = ctx.runtime.wallboard.followers.pop(key, None)
    if follower is None:
        raise NotFound(f"no follower for {key}", hint="GET /api/v1/wallboard/follow lists them")
    follower.stop()
    with ctx.runtime.app_db.session() as session:
        audit.record(session, actor=viewer.username, action="delete", entity="wallboard_follower", entity_id=key,
                     before={"path": key})
    return asdict(follower.status())
