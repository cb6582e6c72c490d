"""Map the CallboardError tree (and FastAPI's own errors) to status codes and one error shape.

API paths answer `{"error": {"code", "message", "hint"}}`; page paths answer an HTML error page
with the same message and hint.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from callboard.core.errors import CallboardError, NotSignedIn

log = logging.getLogger("callboard.web")

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              409: "conflict", 422: "invalid_input", 501: "engine_unsupported"}


def error_body(code: str, message: str, hint: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "hint": hint}}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith((".json", ".csv"))


def _respond(request: Request, status: int, code: str, message: str, hint: str | None) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(code, message, hint), status_code=status)
    templates = request.app.state.callboard.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "code": code, "message": message,
                                                              "hint": hint}, status_code=status)


def _validation_message(exc: RequestValidationError) -> tuple[str, str]:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request", "see /docs for each endpoint's parameters"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CallboardError)
    async def callboard_error(request: Request, exc: CallboardError) -> Response:
        if isinstance(exc, NotSignedIn) and not _wants_json(request) and request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
        return _respond(request, exc.status_code, exc.code, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        message, hint = _validation_message(exc)
        return _respond(request, 422, "invalid_input", message, hint)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = HTTP_CODES.get(exc.status_code, "http_error")
        if exc.status_code == 404:
            message, hint = f"no page or endpoint at {request.url.path}", "see /docs for the API and / for the overview"
        else:
            message, hint = str(exc.detail), None
        return _respond(request, exc.status_code, code, message, hint)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _respond(request, 500, "internal_error", f"unexpected {type(exc).__name__}: {exc}",
                        "this is a bug in Callboard; the server log has the traceback")


__all__ = ["error_body", "install_error_handlers"]
