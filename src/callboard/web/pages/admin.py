"""/admin: the administrators' home (organisation settings form, its versions, users read-only, links to
scorecard administration) and /admin/audit (the audit log with an entity filter and CSV export).

Managers (who administer scorecards) open /admin too and see only the scorecards link; the settings
form, users and audit log need the administrator's capabilities, checked again by the services.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import CallboardError, InvalidInput
from callboard.core.viewer import Viewer
from callboard.org.audit import AuditRow
from callboard.org.settings_audit import AuditLogService
from callboard.org.settings_model import OrgSettingsDocument, parse_document
from callboard.org.settings_service import OrgSettingsService
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context

router = APIRouter(tags=["pages"])

Ctx = Annotated[WebContext, Depends(get_context)]
AdminHome = Annotated[Viewer, Depends(allow("manage_scorecards"))]
SettingsAdmin = Annotated[Viewer, Depends(allow("manage_settings"))]
AuditViewer = Annotated[Viewer, Depends(allow("view_audit"))]


@dataclass(frozen=True)
class ThresholdRow:
    index: int
    kind: str  # default | channel | queue
    id: str
    target_pct: str
    threshold_s: str
    short_s: str


@dataclass(frozen=True)
class FieldChange:
    """One field of an audited record: `path` is dotted (channel_thresholds.chat.service_level_threshold_s);
    `before`/`after` are compact JSON text, "" when the field is absent on that side."""

    path: str
    kind: str  # changed | added | removed
    before: str
    after: str


@dataclass(frozen=True)
class AuditView:
    """An audit row as the page shows it: the fields that changed, and the full records on demand."""

    row: AuditRow
    changes: tuple[FieldChange, ...]
    before_json: str
    after_json: str


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _diff(old: dict[str, Any], new: dict[str, Any], prefix: str, out: list[FieldChange]) -> None:
    for key in dict.fromkeys([*old, *new]):
        path = f"{prefix}.{key}" if prefix else str(key)
        if key not in new:
            out.append(FieldChange(path, "removed", _text(old[key]), ""))
        elif key not in old:
            out.append(FieldChange(path, "added", "", _text(new[key])))
        elif isinstance(old[key], dict) and isinstance(new[key], dict):
            _diff(old[key], new[key], path, out)
        elif old[key] != new[key]:
            out.append(FieldChange(path, "changed", _text(old[key]), _text(new[key])))


def audit_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[FieldChange, ...]:
    """Only the fields that differ between two records, in the records' key order. Nested dicts are compared
    key by key (path `a.b.c`); a key present on one side only is one line with its whole value; lists and
    other values compare as a whole. A created record (no before) lists each field as added, a deleted one
    (no after) each field as removed."""
    out: list[FieldChange] = []
    _diff(before or {}, after or {}, "", out)
    return tuple(out)


def audit_view(row: AuditRow) -> AuditView:
    return AuditView(row, audit_diff(row.before, row.after),
                     "" if row.before is None else json.dumps(row.before, sort_keys=True, indent=2, default=str),
                     "" if row.after is None else json.dumps(row.after, sort_keys=True, indent=2, default=str))


def settings_service(ctx: WebContext) -> OrgSettingsService:
    return OrgSettingsService(ctx.runtime.app_db, ctx.runtime.catalog)


def threshold_rows(doc: OrgSettingsDocument) -> list[ThresholdRow]:
    items = [("default", "", doc.default_thresholds)]
    items += [("channel", k, v) for k, v in sorted(doc.channel_thresholds.items())]
    items += [("queue", k, v) for k, v in sorted(doc.queue_thresholds.items())]
    rows = [ThresholdRow(i, kind, key, f"{t.service_level_target_ratio * 100:g}", f"{t.service_level_threshold_s:g}",
                         f"{t.short_abandon_s:g}") for i, (kind, key, t) in enumerate(items)]
    rows.append(ThresholdRow(len(rows), "queue", "", "", "", ""))  # a blank row to add one
    return rows


def _number(text: str, field: str) -> float:
    try:
        return float(text.strip().rstrip("%"))
    except ValueError as exc:
        raise InvalidInput(f"{field}: '{text}' is not a number") from exc


def document_from_form(form: dict[str, str]) -> OrgSettingsDocument:
    """The settings form's fields -> the document (validated; errors name the field)."""
    zones = {k.removeprefix("tz:"): v.strip() for k, v in form.items() if k.startswith("tz:") and v.strip()}
    variants = {k.removeprefix("variant:"): v for k, v in form.items() if k.startswith("variant:") and v}
    body: dict[str, Any] = {"site_time_zones": zones, "metric_defaults": variants, "channel_thresholds": {},
                            "queue_thresholds": {}}
    indexes = sorted({int(k.split(":")[1]) for k in form if k.startswith("th:") and k.split(":")[1].isdigit()})
    for i in indexes:
        get = lambda name: str(form.get(f"th:{i}:{name}", "")).strip()  # noqa: E731
        kind, key = get("kind"), get("id")
        if get("remove") or (kind != "default" and not key) or not get("target"):
            continue
        where = f"{kind} {key}".strip()
        values = {"service_level_target_ratio": _number(get("target"), f"{where} target") / 100,
                  "service_level_threshold_s": _number(get("threshold"), f"{where} threshold"),
                  "short_abandon_s": _number(get("short") or "0", f"{where} short abandon")}
        if kind == "default":
            body["default_thresholds"] = values
        elif kind in ("channel", "queue"):
            body[f"{kind}_thresholds"][key] = values
    return parse_document(body)


def render_admin(request: Request, ctx: WebContext, viewer: Viewer, *, errors: list[CallboardError] | None = None,
                 saved: int | None = None, status_code: int = 200) -> HTMLResponse:
    context: dict[str, Any] = {"nav": "admin", "errors": errors or [], "saved": saved,
                               "can_settings": viewer.can("manage_settings"), "can_audit": viewer.can("view_audit"),
                               "can_users": viewer.can("manage_users")}
    if viewer.can("manage_settings"):
        service = settings_service(ctx)
        current = service.current()
        kpis = ctx.runtime.catalog.kpis()
        context.update({
            "current": current, "versions": service.versions(viewer)[:10],
            "sites": service.sites(),
            "zones": current.document.site_time_zones,
            "variant_kpis": [(k, sorted(m.id for m in ms), ctx.runtime.catalog.default_for(k).id
                              if ctx.runtime.catalog.default_for(k) else "")
                             for k, ms in sorted(kpis.items()) if len(ms) > 1],
            "variants": current.document.metric_defaults, "thresholds": threshold_rows(current.document)})
    if viewer.can("manage_users"):
        context["users"] = ctx.runtime.users.users(viewer)
    if viewer.can("view_audit"):
        context["recent"] = AuditLogService(ctx.runtime.app_db).entries(viewer, limit=8)
    return ctx.templates.TemplateResponse(request, "admin.html", context, status_code=status_code)


@router.get("/admin", response_class=HTMLResponse, include_in_schema=False)
def admin_home(request: Request, ctx: Ctx, viewer: AdminHome, saved: int | None = None) -> HTMLResponse:
    return render_admin(request, ctx, viewer, saved=saved)


@router.post("/admin/settings", response_class=HTMLResponse, include_in_schema=False)
async def save_settings(request: Request, ctx: Ctx, viewer: SettingsAdmin) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        document = document_from_form(form)
        expected = int(form["expected_version"]) if form.get("expected_version", "").isdigit() else None
        info = settings_service(ctx).save(viewer, document, expected_version=expected)
    except CallboardError as exc:
        return render_admin(request, ctx, viewer, errors=[exc], status_code=exc.status_code)
    return RedirectResponse(f"/admin?saved={info.version}", status_code=303)


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, ctx: Ctx, viewer: AuditViewer, entity: Annotated[str | None, Query()] = None,
               limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> HTMLResponse:
    service = AuditLogService(ctx.runtime.app_db)
    rows = service.entries(viewer, entity=entity, limit=limit)
    query = urlencode({k: v for k, v in {"entity": entity or ""}.items() if v})
    context = {"nav": "admin", "rows": [audit_view(r) for r in rows], "entity": entity or "", "entities": service.entities(viewer),
               "limit": limit, "csv_link": "/api/v1/audit.csv" + (f"?{query}" if query else ""),
               "api_link": "/api/v1/audit" + (f"?{query}" if query else "")}
    return ctx.templates.TemplateResponse(request, "admin_audit.html", context)
