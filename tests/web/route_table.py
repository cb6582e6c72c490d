"""Every route the app serves, flattened from its routers (FastAPI 0.16x keeps included routers nested)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


@dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str
    capability: str | None  # from auth.allow(...); None for signed_in() pages; "public" when no viewer needed
    route: Any


def _capability(route: APIRoute) -> str:
    """The capability the route's `allow(...)` dependency demands (searched through nested dependencies)."""
    from callboard.web.context import require_local_token

    stack = [route.dependant]
    found: list[str | None] = []
    while stack:
        dep = stack.pop()
        call = getattr(dep, "call", None)
        if call is require_local_token:
            return "local_cli"
        if call is not None and hasattr(call, "capability"):
            found.append(call.capability)
        stack.extend(dep.dependencies)
    if not found:
        return "public"
    named = [c for c in found if c]
    return named[0] if named else "signed_in"


def _walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for route in routes:
        if hasattr(route, "original_router"):
            include_prefix = getattr(route.include_context, "prefix", "") or ""
            yield from _walk(route.original_router.routes, prefix + include_prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def app_routes(app: FastAPI) -> list[RouteInfo]:
    out = []
    for path, route in _walk(list(app.routes), ""):
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            out.append(RouteInfo(method, path, _capability(route), route))
    return sorted(out, key=lambda r: (r.path, r.method))
