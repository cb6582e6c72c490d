"""/api/v1/appraisals/{agent_id}: an agent's appraisal packet as JSON, PDF or CSV, and supervisor comments.

The rules live in AppraisalService: agents open their own packet; supervisors, managers and admins
their scope's agents, and only they comment (comment_appraisals) and export (export_appraisals).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callboard.appraisal.comments import CommentInfo
from callboard.appraisal.csv_export import packet_csv
from callboard.appraisal.model import AppraisalPacket
from callboard.appraisal.pdf import html_to_pdf
from callboard.core.viewer import Viewer
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.pages.appraisal import print_html

router = APIRouter(prefix="/api/v1", tags=["appraisal"])

ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "the agent is outside your scope, or your role may not do this"},
    404: {"model": ErrorResponse, "description": "unknown agent"},
    422: {"model": ErrorResponse, "description": "invalid period or comment"}}
Period = Annotated[str | None, Query(description="A month `2026-10` or a quarter `2026-Q3`; default: the agent's "
                                                 "last complete month with data", examples=["2026-10", "2026-Q3"])]
Context = Annotated[WebContext, Depends(get_context)]
Exporter = Annotated[Viewer, Depends(allow("export_appraisals"))]
# Agents (their own packet), supervisors, managers, admins; the service refuses QA analysts.
Reader = Annotated[Viewer, Depends(allow("view_appraisals"))]


class CommentIn(BaseModel):
    period: str = Field(description="The month `2026-10` or quarter `2026-Q3` the comment is about")
    text: str = Field(description="The comment, up to 4000 characters")


def comment_json(comment: CommentInfo) -> dict[str, Any]:
    return jsonable_encoder(dataclasses.asdict(comment))


def packet_json(packet: AppraisalPacket) -> dict[str, Any]:
    body = dataclasses.asdict(packet)
    body["period"] = {"label": packet.period.label, "kind": packet.period.kind, "title": packet.period.title,
                      "start": packet.period.start, "end": packet.period.end}
    body["previous_period"] = {"label": packet.previous_period.label, "start": packet.previous_period.start,
                               "end": packet.previous_period.end}
    return jsonable_encoder(body)


def _download(body: bytes | str, media_type: str, packet: AppraisalPacket, suffix: str) -> Response:
    name = f"appraisal-{packet.agent_id}-{packet.period.label}.{suffix}"
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename=\"{quote(name)}\""})


# The .pdf and .csv routes come before /appraisals/{agent_id}, whose parameter would also match "a005.pdf".
@router.get("/appraisals/{agent_id}.pdf", response_class=Response, responses={
    **ERRORS, 200: {"content": {"application/pdf": {}}, "description": "the packet as a PDF (A4)"}},
    summary="Appraisal packet as PDF")
def appraisal_pdf(ctx: Context, viewer: Exporter, agent_id: str, period: Period = None) -> Response:
    with ctx.engine():
        packet = ctx.runtime.appraisal.export_packet(viewer, agent_id, period)
    return _download(html_to_pdf(print_html(ctx, packet)), "application/pdf", packet, "pdf")


@router.get("/appraisals/{agent_id}.csv", response_class=Response, responses={
    **ERRORS, 200: {"content": {"text/csv": {}}, "description": "section,item,metric,period,value,... rows"}},
    summary="Appraisal packet as CSV")
def appraisal_csv(ctx: Context, viewer: Exporter, agent_id: str, period: Period = None) -> Response:
    with ctx.engine():
        packet = ctx.runtime.appraisal.export_packet(viewer, agent_id, period)
    return _download(packet_csv(packet), "text/csv; charset=utf-8", packet, "csv")


@router.get("/appraisals/{agent_id}/comments", responses=ERRORS, summary="Supervisor comments on an agent's period")
def list_comments(ctx: Context, viewer: Reader, agent_id: str, period: Period = None) -> list[dict[str, Any]]:
    """Comments on any period overlapping the one asked for (a month's comments show in its quarter)."""
    with ctx.engine():  # no period: the default one is found from the agent's data
        comments = ctx.runtime.appraisal.comments(viewer, agent_id=agent_id, period=period)
    return [comment_json(c) for c in comments]


@router.post("/appraisals/{agent_id}/comments", status_code=201, responses=ERRORS,
             summary="Add a supervisor comment (audited)")
def add_comment(ctx: Context, viewer: Annotated[Viewer, Depends(allow("comment_appraisals"))], agent_id: str,
                body: CommentIn) -> dict[str, Any]:
    return comment_json(ctx.runtime.appraisal.add_comment(viewer, agent_id=agent_id, period=body.period,
                                                          text=body.text))


@router.get("/appraisals/{agent_id}", responses=ERRORS, summary="Appraisal packet (JSON)")
def appraisal(ctx: Context, viewer: Reader, agent_id: str, period: Period = None) -> dict[str, Any]:
    """KPIs against goals and the team, weekly trends, scorecard history, QA and coaching sections (empty
    until those modules are in use) and supervisor comments, for a month or a quarter."""
    with ctx.engine():
        packet = ctx.runtime.appraisal.packet(viewer, agent_id, period)
    return packet_json(packet)
