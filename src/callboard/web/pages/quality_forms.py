"""Quality form pages: /quality/forms (list, create, import from Genesys/Amazon), /quality/forms/{id} (a YAML
editor with a live preview of the current draft or published version, version history, publish), and the exemplar
library /quality/exemplars (search by text, tag, channel; QA analysts mark contacts)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import CallboardError, InvalidInput
from callboard.core.viewer import Viewer
from callboard.quality.forms import parse_form
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context

router = APIRouter(tags=["pages"])
Ctx = Annotated[WebContext, Depends(get_context)]
View = Annotated[Viewer, Depends(allow("view_evaluations"))]
Manage = Annotated[Viewer, Depends(allow("manage_evaluations"))]

STARTER = """name: New form
scoring_mode: points_weighted_by_group   # or pct_weighted_by_question
dispute_window_days: 7
sections:
  - id: opening
    title: Opening
    weight: 40
    questions:
      - {id: greet, text: Greeted the customer?, type: yes_no}
      - {id: verify, text: Verified the account?, type: yes_no, critical: true}
  - id: closing
    title: Closing
    weight: 20
    questions:
      - {id: summary, text: Summarised next steps?, type: yes_no, na_allowed: true}
"""


def _redirect(url: str, error: CallboardError | None = None) -> RedirectResponse:
    if error is not None:
        url += ("&" if "?" in url else "?") + f"error={quote(str(error))}"
    return RedirectResponse(url, status_code=303)


def parse_text(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"the form is not valid YAML/JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidInput("the form is a mapping with name and sections")
    return data


@router.get("/quality/forms", response_class=HTMLResponse)
def forms_page(request: Request, ctx: Ctx, viewer: View) -> Response:
    context = {"nav": "quality", "forms": ctx.runtime.quality.list_forms(viewer), "starter": STARTER,
               "can_manage": viewer.can("manage_evaluations"), "error": request.query_params.get("error")}
    return ctx.templates.TemplateResponse(request, "quality_forms.html", context)


@router.post("/quality/forms")
async def create_form_post(request: Request, ctx: Ctx, viewer: Manage) -> Response:
    data = await request.form()
    try:
        fid = ctx.runtime.quality.create_form(viewer, parse_text(str(data.get("definition") or "")))
    except CallboardError as exc:
        return _redirect("/quality/forms", exc)
    return _redirect(f"/quality/forms/{fid}")


@router.post("/quality/forms/import")
async def import_form_post(request: Request, ctx: Ctx, viewer: Manage) -> Response:
    data = await request.form()
    text = str(data.get("text") or "")
    upload = data.get("file")
    if upload is not None and hasattr(upload, "read"):
        content = await upload.read()  # type: ignore[union-attr]
        if content:
            text = content.decode("utf-8", errors="replace")
    try:
        fid = ctx.runtime.quality.import_form(viewer, kind=str(data.get("kind") or ""), text=text)
    except CallboardError as exc:
        return _redirect("/quality/forms", exc)
    return _redirect(f"/quality/forms/{fid}")


@router.get("/quality/forms/{form_id}", response_class=HTMLResponse)
def form_page(request: Request, ctx: Ctx, viewer: View, form_id: int, version: int | None = None) -> Response:
    summary = ctx.runtime.quality.get_form(viewer, form_id)
    shown = next((v for v in summary.versions if v.version == version), None) or summary.draft or summary.versions[0]
    text = request.query_params.get("text") or yaml.safe_dump(shown.definition, sort_keys=False, allow_unicode=True)
    preview, preview_error = None, None
    try:
        preview = parse_form(yaml.safe_load(text))
    except (CallboardError, yaml.YAMLError) as exc:
        preview_error = str(exc)
    context = {"nav": "quality", "summary": summary, "shown": shown, "text": text, "preview": preview,
               "preview_error": preview_error, "can_manage": viewer.can("manage_evaluations"),
               "error": request.query_params.get("error")}
    return ctx.templates.TemplateResponse(request, "quality_form_edit.html", context)


@router.post("/quality/forms/{form_id}")
async def save_form_post(request: Request, ctx: Ctx, viewer: Manage, form_id: int) -> Response:
    data = await request.form()
    try:
        ctx.runtime.quality.save_form(viewer, form_id, parse_text(str(data.get("definition") or "")))
        if data.get("action") == "publish":
            ctx.runtime.quality.publish_form(viewer, form_id)
    except CallboardError as exc:
        return _redirect(f"/quality/forms/{form_id}", exc)
    return _redirect(f"/quality/forms/{form_id}")


@router.post("/quality/forms/{form_id}/publish")
async def publish_form_post(request: Request, ctx: Ctx, viewer: Manage, form_id: int) -> Response:
    try:
        ctx.runtime.quality.publish_form(viewer, form_id)
    except CallboardError as exc:
        return _redirect(f"/quality/forms/{form_id}", exc)
    return _redirect(f"/quality/forms/{form_id}")


@router.get("/quality/exemplars", response_class=HTMLResponse)
def exemplars_page(request: Request, ctx: Ctx, viewer: View, q: str = "", tag: str = "", channel: str = "") -> Response:
    service = ctx.runtime.quality
    context = {"nav": "quality", "items": service.exemplars(viewer, text=q, tag=tag, channel=channel),
               "tags": service.exemplar_tags(viewer), "q": q, "tag": tag, "channel": channel,
               "can_manage": viewer.can("manage_evaluations"), "error": request.query_params.get("error"),
               "contact_id": request.query_params.get("contact_id", "")}
    return ctx.templates.TemplateResponse(request, "quality_exemplars.html", context)


@router.post("/quality/exemplars")
async def add_exemplar_post(request: Request, ctx: Ctx, viewer: Manage) -> Response:
    data = await request.form()
    evaluation = str(data.get("evaluation_id") or "")
    try:
        with ctx.engine():
            ctx.runtime.quality.add_exemplar(viewer, contact_id=str(data.get("contact_id") or "").strip(),
                                             title=str(data.get("title") or ""), tags=str(data.get("tags") or ""),
                                             note=str(data.get("note") or ""),
                                             evaluation_id=int(evaluation) if evaluation else None)
    except CallboardError as exc:
        return _redirect("/quality/exemplars", exc)
    return _redirect("/quality/exemplars")


@router.post("/quality/exemplars/{exemplar_id}/archive")
async def archive_exemplar_post(request: Request, ctx: Ctx, viewer: Manage, exemplar_id: int) -> Response:
    try:
        ctx.runtime.quality.archive_exemplar(viewer, exemplar_id)
    except CallboardError as exc:
        return _redirect("/quality/exemplars", exc)
    return _redirect("/quality/exemplars")
