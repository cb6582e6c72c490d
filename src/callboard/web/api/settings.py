"""/api/v1/settings: the organisation settings document (read: KPI readers; change: administrators),
its versions, and the thresholds that apply to a queue or channel."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.org.settings_model import OrgSettingsDocument
from callboard.org.settings_service import OrgSettingsService, SettingsVersionInfo
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context

router = APIRouter(prefix="/api/v1", tags=["settings"])

Ctx = Annotated[WebContext, Depends(get_context)]
Reader = Annotated[Viewer, Depends(allow("view_kpis"))]
Admin = Annotated[Viewer, Depends(allow("manage_settings"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "administrators only"},
    409: {"model": ErrorResponse, "description": "the settings changed since expected_version"},
    422: {"model": ErrorResponse, "description": "invalid document: every wrong field is named"}}


class SettingsOut(BaseModel):
    version: int = Field(description="0 = built-in defaults (nothing saved yet)")
    created_at: dt.datetime | None
    created_by: str
    document: OrgSettingsDocument


class SettingsUpdate(BaseModel):
    document: OrgSettingsDocument
    expected_version: int | None = Field(None, description="the version you edited; a later save answers 409")


class ThresholdsOut(BaseModel):
    service_level_target_ratio: float
    service_level_threshold_s: float
    short_abandon_s: float
    source: str = Field(description="queue:<id>, channel:<name> or default")


def service(ctx: WebContext) -> OrgSettingsService:
    return OrgSettingsService(ctx.runtime.app_db, ctx.runtime.catalog)


def info_json(info: SettingsVersionInfo) -> dict[str, Any]:
    return {"version": info.version, "created_at": info.created_at, "created_by": info.created_by,
            "document": info.document}


@router.get("/settings", response_model=SettingsOut, responses=ERRORS, summary="Organisation settings in force")
def get_settings(ctx: Ctx, viewer: Reader) -> Any:
    return info_json(service(ctx).get(viewer))


@router.put("/settings", response_model=SettingsOut, responses=ERRORS, summary="Save a new settings version")
def put_settings(ctx: Ctx, viewer: Admin, body: SettingsUpdate) -> Any:
    """Validates site ids and metric variants against the catalog, saves version N+1, audits before/after."""
    return info_json(service(ctx).save(viewer, body.document, expected_version=body.expected_version))


@router.get("/settings/versions", response_model=list[SettingsOut], responses=ERRORS,
            summary="Every saved settings version, newest first")
def settings_versions(ctx: Ctx, viewer: Admin) -> Any:
    return [info_json(v) for v in service(ctx).versions(viewer)]


@router.get("/settings/thresholds", response_model=ThresholdsOut, responses=ERRORS,
            summary="Service-level and short-abandon thresholds for a queue or channel")
def thresholds(ctx: Ctx, viewer: Reader, queue: Annotated[str | None, Query()] = None,
               channel: Annotated[str | None, Query()] = None) -> Any:
    """The queue's own thresholds, else its channel's, else the default."""
    found = service(ctx).get(viewer)
    t = service(ctx).thresholds_for(queue, channel, document=found.document)
    return {"service_level_target_ratio": t.service_level_target_ratio,
            "service_level_threshold_s": t.service_level_threshold_s, "short_abandon_s": t.short_abandon_s,
            "source": t.source}
