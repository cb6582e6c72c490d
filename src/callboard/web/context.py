"""What every web handler needs: the Runtime, a lock around the analytics engine, the browser helper."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from callboard.core.errors import Forbidden
from callboard.core.timeutil import zone
from callboard.core.viewer import Viewer
from callboard.metrics.browse import KpiBrowser
from callboard.runtime import Runtime
from callboard.runtime.server_file import TOKEN_HEADER
from callboard.store.appdb.models import AuditEntry

T = TypeVar("T")

# Page furniture (data span, dropdown values) is cached this long; KPI numbers never are.
FURNITURE_TTL_S = 30.0


@dataclass
class WebContext:
    """Built by `create_app`; one per app, so every test app has its own."""

    runtime: Runtime
    templates: Jinja2Templates
    lock: threading.RLock = field(default_factory=threading.RLock)
    furniture_ttl_s: float = FURNITURE_TTL_S
    local_token: str | None = None  # set by `callboard serve`; the local CLI presents it (see require_local_token)
    _cache: dict[str, tuple[float, Any, Any]] = field(default_factory=dict)

    @property
    def kpi(self) -> Any:
        return self.runtime.kpi

    @property
    def browser(self) -> KpiBrowser:
        return KpiBrowser(self.runtime.kpi)

    @contextmanager
    def engine(self) -> Iterator[None]:
        """One query at a time: the DuckDB connection is shared by all request threads."""
        with self.lock:
            yield

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` under the engine lock, reused for `furniture_ttl_s` seconds (filters, data span) while
        the analytics data stays the same (KpiService.data_version)."""
        with self.lock:
            version = self.runtime.kpi.data_version()
            hit = self._cache.get(key)
            if hit is not None and hit[1] == version and time.monotonic() - hit[0] < self.furniture_ttl_s:
                return hit[2]  # type: ignore[no-any-return]
            value = compute()
            self._cache[key] = (time.monotonic(), version, value)
            return value

    def queue_names(self) -> dict[str, str]:
        """queue_id -> the display name its source gave (one cached read for every page and table)."""
        return self.cached("queue_names", self.browser.queue_names)

    def app_version(self) -> object:
        """Changes with every change to the app database that pages read (users, scopes, memberships, settings,
        goals, scorecards, comments): each is written to the audit log in the same transaction."""
        with self.runtime.app_db.session() as s:
            return s.scalar(select(func.max(AuditEntry.id)))

    def page_cached(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """A page part built from both databases (e.g. a scorecard), reused while the analytics data
        (KpiService.cached), the app database (app_version) and the organisation's day are the same.
        `key` holds the viewer and the request's parameters."""
        kpi = self.runtime.kpi
        today = kpi.clock().astimezone(zone(kpi.settings.time_zone)).date()
        return kpi.cached(("page", *key, self.app_version(), today), compute)  # type: ignore[no-any-return]

    def html_cached(self, request: Request, viewer: Viewer, render: Callable[[], Response]) -> Response:
        """A whole page's HTML for this viewer and session (the page embeds its CSRF token) and URL, reused on
        the terms of `page_cached`. Errors are raised, never kept."""
        key = ("html", request.url.path, tuple(sorted(request.query_params.multi_items())), viewer,
               getattr(request.state, "csrf_token", None))

        def build() -> tuple[int, bytes, str | None]:
            response = render()
            return response.status_code, bytes(response.body), response.media_type

        with self.engine():
            status, body, media_type = self.page_cached(key, build)
        return Response(body, status_code=status, media_type=media_type)

    def invalidate(self) -> None:
        """Forget cached page furniture, e.g. after new data was loaded through this server."""
        with self.lock:
            self._cache.clear()


def get_context(request: Request) -> WebContext:
    return request.app.state.callboard  # type: ignore[no-any-return]


def require_local_token(request: Request) -> None:
    """Dependency for endpoints only the local CLI may call (e.g. ingest through a running server):
    the request must carry the token `callboard serve` wrote to `<data_dir>/server.json`."""
    ctx = get_context(request)
    given = request.headers.get(TOKEN_HEADER)
    if not ctx.local_token or not given or not secrets.compare_digest(given, ctx.local_token):
        raise Forbidden("this endpoint is for the local Callboard CLI only",
                        hint=f"send the {TOKEN_HEADER} header from <data_dir>/server.json")
