"""/api/v1/audit (JSON) and /api/v1/audit.csv: the audit log, administrators only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from callboard.core.viewer import Viewer
from callboard.org.audit import AuditRow
from callboard.org.settings_audit import AuditLogService
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context

router = APIRouter(prefix="/api/v1", tags=["audit"])

AuditViewer = Annotated[Viewer, Depends(allow("view_audit"))]
Ctx = Annotated[WebContext, Depends(get_context)]
Entity = Annotated[str | None, Query(description="only this kind: user, settings, goal, scorecard, team, ...")]
Limit = Annotated[int, Query(ge=1, le=5000, description="newest entries first, at most this many")]
ERRORS: dict[int | str, dict[str, Any]] = {403: {"model": ErrorResponse, "description": "administrators only"}}


class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_rows(ctx: WebContext, viewer: Viewer, entity: str | None, limit: int) -> list[AuditRow]:
    return AuditLogService(ctx.runtime.app_db).entries(viewer, entity=entity, limit=limit)


def row_json(row: AuditRow) -> dict[str, Any]:
    return {"id": row.id, "at": row.at, "actor": row.actor, "action": row.action, "entity": row.entity,
            "entity_id": row.entity_id, "before": row.before, "after": row.after}


@router.get("/audit", response_model=list[AuditEntryOut], responses=ERRORS, summary="The audit log")
def audit_log(ctx: Ctx, viewer: AuditViewer, entity: Entity = None, limit: Limit = 200) -> Any:
    """Every change to users, settings, goals, scorecards...: who, when, the record before and after."""
    return [row_json(r) for r in audit_rows(ctx, viewer, entity, limit)]


@router.get("/audit.csv", response_class=Response, responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
            summary="The audit log as CSV")
def audit_csv(ctx: Ctx, viewer: AuditViewer, entity: Entity = None, limit: Limit = 5000) -> Response:
    """Columns id, at, actor, action, entity, entity_id, before, after (before/after as JSON text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "at", "actor", "action", "entity", "entity_id", "before", "after"])
    for r in audit_rows(ctx, viewer, entity, limit):
        writer.writerow([r.id, r.at.isoformat(timespec="seconds"), r.actor, r.action, r.entity, r.entity_id,
                         "" if r.before is None else json.dumps(r.before, sort_keys=True),
                         "" if r.after is None else json.dumps(r.after, sort_keys=True)])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
