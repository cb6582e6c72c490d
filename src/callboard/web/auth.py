"""Who is calling: the session cookie (browser and API), or the local CLI's token. CSRF for changes.

Every route states the capability it needs with `Depends(allow("view_kpis"))`, which answers 401
when nobody is signed in and 403 when the role lacks the capability; services then limit the data to
the viewer's scope. Changes (POST/PUT/PATCH/DELETE) from a browser session must carry the session's
CSRF token, as the form field `csrf_token` or the `X-CSRF-Token` header.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from callboard.core.errors import Forbidden, NotSignedIn
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.runtime.server_file import TOKEN_HEADER
from callboard.web.context import WebContext, get_context

SESSION_COOKIE = "callboard_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _local_cli(request: Request, ctx: WebContext) -> bool:
    given = request.headers.get(TOKEN_HEADER)
    return bool(ctx.local_token and given and secrets.compare_digest(given, ctx.local_token))


async def current_viewer(request: Request, ctx: Annotated[WebContext, Depends(get_context)]) -> Viewer:
    """The signed-in viewer; checks CSRF on changes made with a session cookie."""
    if _local_cli(request, ctx):
        return LOCAL_OWNER
    token = request.cookies.get(SESSION_COOKIE)
    found = ctx.runtime.users.session_viewer(token) if token else None
    if found is None:
        raise NotSignedIn("sign in first", hint="open /login (API clients: POST /api/v1/session)")
    viewer, csrf = found
    if request.method in UNSAFE:
        given = request.headers.get(CSRF_HEADER)
        if given is None and "form" in request.headers.get("content-type", ""):
            given = str((await request.form()).get(CSRF_FIELD) or "")
        if not given or not secrets.compare_digest(given, csrf):
            raise Forbidden("the form's security token is missing or stale (CSRF check)",
                            hint="reload the page and submit again")
    request.state.csrf_token = csrf
    request.state.viewer = viewer
    return viewer


def allow(capability: str) -> Callable[..., Awaitable[Viewer]]:
    """Dependency: the signed-in viewer, who must have `capability` (see core/viewer.py CAPABILITIES)."""

    async def dependency(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
        viewer.require(capability)
        return viewer

    dependency.capability = capability  # type: ignore[attr-defined]  # read by the access-matrix test
    return dependency


def signed_in() -> Callable[..., Awaitable[Viewer]]:
    """Dependency for pages every role may open (account, sign out)."""

    async def dependency(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
        return viewer

    dependency.capability = None  # type: ignore[attr-defined]
    return dependency
