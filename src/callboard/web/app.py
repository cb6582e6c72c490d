"""`create_app(runtime)`: the FastAPI app serving the JSON API, the pages, our CSS and the local plotly.js.

Nothing is configured at import time: each call builds a fresh app around the Runtime it is given
(the caller owns the Runtime and closes it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from callboard.core.errors import CallboardError, NotFound
from callboard.runtime import Runtime
from callboard.web.api import adherence as adherence_api
from callboard.web.api import appraisal as appraisal_api
from callboard.web.api import audit as audit_api
from callboard.web.api import browse as browse_api
from callboard.web.api import calibration as calibration_api
from callboard.web.api import contacts as contacts_api
from callboard.web.api import erlang as erlang_api
from callboard.web.api import forecast as forecast_api
from callboard.web.api import goals as goals_api
from callboard.web.api import kpi as kpi_api
from callboard.web.api import local_ingest as local_ingest_api
from callboard.web.api import metrics as metrics_api
from callboard.web.api import quality as quality_api
from callboard.web.api import sampling as sampling_api
from callboard.web.api import schedules as schedules_api
from callboard.web.api import scorecards as scorecards_api
from callboard.web.api import settings as settings_api
from callboard.web.api import wallboard as wallboard_api
from callboard.web.context import WebContext
from callboard.web.errors import install_error_handlers
from callboard.web.pages import (
    admin,
    agent,
    api_docs,
    appraisal,
    calibration,
    goals,
    login,
    overview,
    quality,
    queue,
    schedule_pages,
    scorecards,
    team,
    wallboard,
    workforce,
)

HERE = Path(__file__).resolve().parent
log = logging.getLogger("callboard.web")

DESCRIPTION = (
    "Callboard's JSON API: KPIs from the metric catalog (the same service and numbers as `callboard kpi` "
    "and the overview page), the catalog itself with each metric's SQL, and what the data holds."
)


def plotly_js_path() -> Path:
    """plotly.min.js from the installed plotly wheel: served locally, never from a CDN."""
    import plotly

    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise NotFound(f"plotly.min.js is missing from the plotly package at {path}",
                       hint="reinstall plotly: uv sync --reinstall-package plotly")
    return path


def create_app(runtime: Runtime) -> FastAPI:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    context = WebContext(runtime=runtime, templates=templates)
    # Tables of contact rows show a queue's display name (its id in the cell's title) where the source gave one.
    templates.env.globals["queue_label"] = lambda queue_id: context.queue_names().get(queue_id, queue_id)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Warm the engine (first query compiles and plans slowly) and cache the overview's filters.
        try:
            await run_in_threadpool(overview.page_furniture, context)
        except CallboardError as exc:
            log.warning("warm-up query failed: %s", exc)
        yield

    app = FastAPI(title="Callboard", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=lifespan)
    app.state.callboard = context
    install_error_handlers(app)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(plotly_js_path(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.include_router(kpi_api.router)
    app.include_router(metrics_api.router)
    app.include_router(browse_api.router)
    app.include_router(local_ingest_api.router)
    for api in (goals_api, scorecards_api, contacts_api, wallboard_api, appraisal_api, settings_api, audit_api,
                quality_api, calibration_api, sampling_api, erlang_api, forecast_api, schedules_api, adherence_api):
        app.include_router(api.router)
    app.include_router(login.router)
    app.include_router(overview.router)
    for pages in (team, agent, queue, goals, scorecards, wallboard, appraisal, admin, quality, calibration, workforce,
                  schedule_pages):
        app.include_router(pages.router)
    app.include_router(api_docs.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return app
