"""Sign in, sign out, change password: the pages and the JSON session API."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from callboard.core.errors import CallboardError, Forbidden
from callboard.core.viewer import Viewer
from callboard.org.users import SESSION_LIFETIME
from callboard.web.auth import SESSION_COOKIE, signed_in
from callboard.web.context import WebContext, get_context

router = APIRouter(tags=["session"])
LOGIN_CSRF_COOKIE = "callboard_login_csrf"


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _set_session(response: Response, request: Request, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def viewer_json(viewer: Viewer) -> dict[str, Any]:
    return {"username": viewer.username, "display_name": viewer.display_name, "role": viewer.role,
            "agent_id": viewer.agent_id,
            "team_ids": sorted(viewer.team_ids) if viewer.team_ids is not None else None,
            "site_ids": sorted(viewer.site_ids) if viewer.site_ids is not None else None}


def _login_page(request: Request, ctx: WebContext, *, next_url: str, error: str | None = None,
                status: int = 200) -> HTMLResponse:
    csrf = secrets.token_urlsafe(24)
    response = ctx.templates.TemplateResponse(request, "login.html", {"next": next_url, "error": error, "csrf": csrf,
                                                                     "nav": "login"}, status_code=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/login",
                        secure=request.url.scheme == "https")
    return response  # type: ignore[no-any-return]


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, ctx: Annotated[WebContext, Depends(get_context)], next: str = "/") -> HTMLResponse:
    return _login_page(request, ctx, next_url=_safe_next(next))


@router.post("/login", include_in_schema=False)
def login_submit(request: Request, ctx: Annotated[WebContext, Depends(get_context)],
                 username: Annotated[str, Form()], password: Annotated[str, Form()],
                 csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(request, ctx, next_url=_safe_next(next), status=403,
                           error="The sign-in form expired. Please try again.")
    try:
        signed = ctx.runtime.users.sign_in(username, password)
    except CallboardError as exc:
        return _login_page(request, ctx, next_url=_safe_next(next), error=str(exc), status=exc.status_code)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session(response, request, signed.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, ctx: Annotated[WebContext, Depends(get_context)],
           viewer: Annotated[Viewer, Depends(signed_in())]) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        ctx.runtime.users.sign_out(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account(request: Request, ctx: Annotated[WebContext, Depends(get_context)],
            viewer: Annotated[Viewer, Depends(signed_in())], done: int = 0) -> HTMLResponse:
    return ctx.templates.TemplateResponse(request, "account.html", {  # type: ignore[no-any-return]
        "viewer": viewer, "nav": "account", "done": bool(done), "error": None})


@router.post("/account/password", include_in_schema=False)
def change_password(request: Request, ctx: Annotated[WebContext, Depends(get_context)],
                    viewer: Annotated[Viewer, Depends(signed_in())], current: Annotated[str, Form()],
                    new: Annotated[str, Form()], repeat: Annotated[str, Form()]) -> Response:
    try:
        if new != repeat:
            raise Forbidden("the two new passwords differ", hint="type the same new password twice")
        ctx.runtime.users.change_password(viewer, current=current, new=new)
    except CallboardError as exc:
        return ctx.templates.TemplateResponse(request, "account.html", {  # type: ignore[no-any-return]
            "viewer": viewer, "nav": "account", "done": False, "error": str(exc)}, status_code=exc.status_code)
    response = RedirectResponse("/login?next=/account", status_code=303)  # changing it signs out everywhere
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


class SessionRequest(BaseModel):
    username: str
    password: str


@router.post("/api/v1/session", summary="Sign in (API): sets the session cookie, returns the CSRF token")
def api_sign_in(body: SessionRequest, request: Request, response: Response,
                ctx: Annotated[WebContext, Depends(get_context)]) -> dict[str, Any]:
    signed = ctx.runtime.users.sign_in(body.username, body.password)
    _set_session(response, request, signed.token)
    return {"csrf_token": signed.csrf_token, "viewer": viewer_json(signed.viewer)}


@router.delete("/api/v1/session", summary="Sign out (API)")
def api_sign_out(request: Request, response: Response, ctx: Annotated[WebContext, Depends(get_context)],
                 viewer: Annotated[Viewer, Depends(signed_in())]) -> dict[str, Any]:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        ctx.runtime.users.sign_out(token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"signed_out": viewer.username}


@router.get("/api/v1/me", summary="The signed-in user, role and scope")
def me(request: Request, viewer: Annotated[Viewer, Depends(signed_in())]) -> dict[str, Any]:
    return {**viewer_json(viewer), "csrf_token": getattr(request.state, "csrf_token", None)}
