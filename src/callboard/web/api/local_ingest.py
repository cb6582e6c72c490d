"""/api/v1/local/ingest/csv: `callboard ingest csv` routed through a running server.

While `callboard serve` owns the DuckDB file no other process can open it, so the CLI posts the file
paths here (same machine, same user) with the token from `<data_dir>/server.json`. The server reads
the files itself and answers with the load reports.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from callboard.records.batch import LoadReport
from callboard.web.context import WebContext, get_context, require_local_token

router = APIRouter(prefix="/api/v1/local", tags=["local CLI"], dependencies=[Depends(require_local_token)])


class LocalIngestRequest(BaseModel):
    paths: list[str] = Field(min_length=1, description="absolute paths on the server's machine")
    mapping: str | None = None
    source: str | None = None


@router.post("/ingest/csv", summary="Load CSV/Excel files named by the local CLI")
def ingest_csv(body: LocalIngestRequest, ctx: Annotated[WebContext, Depends(get_context)]) -> dict[str, Any]:
    with ctx.engine():
        reports = ctx.runtime.ingest.ingest_csv(
            [Path(p) for p in body.paths], mapping=Path(body.mapping) if body.mapping else None, source=body.source
        )
        body_out = _reports_body(ctx, reports)
    ctx.invalidate()
    ctx.runtime.wallboard.data_changed("load")
    return body_out


class LocalConnectorRequest(BaseModel):
    paths: list[str] = Field(min_length=1, description="absolute paths on the server's machine")
    options: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    source: str | None = None
    only_new: bool = Field(default=False, description="skip files with nothing new since their cursor")


@router.post("/ingest/{connector}", summary="Load files with a platform connector, named by the local CLI")
def ingest_connector(
    connector: str, body: LocalConnectorRequest, ctx: Annotated[WebContext, Depends(get_context)]
) -> dict[str, Any]:
    with ctx.engine():
        reports = ctx.runtime.ingest.ingest(
            connector, [Path(p) for p in body.paths], options=body.options, source=body.source,
            only_new=body.only_new,
        )
        body_out = _reports_body(ctx, reports)
    if reports:
        ctx.invalidate()
        ctx.runtime.wallboard.data_changed("load")
    return body_out


def _reports_body(ctx: WebContext, reports: list[LoadReport]) -> dict[str, Any]:
    examples = {r.batch_id: [asdict(x) for x in ctx.runtime.ingest.quarantine_examples(r.batch_id)] for r in reports}
    return {"reports": [{**asdict(r), "unmapped_identities": list(r.unmapped_identities)} for r in reports],
            "quarantine_examples": examples}
