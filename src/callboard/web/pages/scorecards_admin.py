"""`/admin/scorecards`: managers and admins list, create, edit and delete scorecards (audited by the service)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import CallboardError, InvalidInput
from callboard.core.viewer import Viewer
from callboard.scorecards.config import ItemSpec, ScorecardConfig, ScorecardSpec
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context

router = APIRouter(tags=["pages"])

Ctx = Annotated[WebContext, Depends(get_context)]
ManageViewer = Annotated[Viewer, Depends(allow("manage_scorecards"))]
BLANK_ROWS = 3


def _targets(ctx: WebContext, viewer: Viewer) -> list[tuple[str, str]]:
    """(value, label) of what a scorecard may apply to: the viewer's teams, and the role for admins."""
    options = [(f"team:{t.id}", f"Team {t.name} ({t.site_name})") for t in ctx.runtime.org.teams(viewer)]
    if viewer.team_ids is None:
        options.append(("role:agent", "Every agent without a team scorecard (role default)"))
    return options


def _metric_names(ctx: WebContext) -> list[str]:
    catalog = ctx.runtime.catalog
    return sorted({*catalog.aliases, *catalog.metrics})


def _form_values(config: ScorecardConfig | None) -> dict[str, Any]:
    if config is None:
        return {"name": "", "applies_to": "", "period": "month", "items": [{} for _ in range(BLANK_ROWS + 2)]}
    items = [{"kind": i.kind, "metric": i.metric, "weight": f"{i.weight:g}", "floor": f"{i.floor:g}",
              "target": f"{i.target:g}"} for i in config.items]
    return {"name": config.name, "applies_to": f"{config.applies_to_kind}:{config.applies_to_id}",
            "period": config.period, "items": items + [{} for _ in range(BLANK_ROWS)]}


def _number(text: str, where: str) -> float:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError as exc:
        raise InvalidInput(f"{where}: '{text}' is not a number") from exc


async def _read_form(request: Request) -> tuple[dict[str, Any], ScorecardSpec | CallboardError]:
    """The submitted values (to show again) and the spec they make, or the error in them."""
    form = await request.form()
    get = lambda key: str(form.get(key) or "").strip()  # noqa: E731
    rows = []
    index = 0
    while f"item_kind_{index}" in form:
        rows.append({k: get(f"item_{k}_{index}") for k in ("kind", "metric", "weight", "floor", "target")})
        index += 1
    values = {"name": get("name"), "applies_to": get("applies_to"), "period": get("period") or "month", "items": rows}
    try:
        items = []
        for number, row in enumerate(rows, start=1):
            if not row["weight"] and not (row["metric"] and row["kind"] == "kpi"):
                continue  # a blank row
            where = f"item {number}"
            items.append(ItemSpec(row["kind"] or "kpi", row["metric"], _number(row["weight"], f"{where} weight"),
                                  _number(row["floor"], f"{where} floor"), _number(row["target"], f"{where} target")))
        kind, _, target = values["applies_to"].partition(":")
        return values, ScorecardSpec(values["name"], kind, target, values["period"], tuple(items))
    except CallboardError as exc:
        return values, exc


def _render_form(request: Request, ctx: WebContext, viewer: Viewer, *, values: dict[str, Any],
                 scorecard_id: int | None, error: CallboardError | None = None, status: int = 200) -> Response:
    return ctx.templates.TemplateResponse(request, "scorecard_form.html", {
        "nav": "admin", "values": values, "scorecard_id": scorecard_id, "error": error,
        "targets": _targets(ctx, viewer), "metrics": _metric_names(ctx)}, status_code=status)


@router.get("/admin/scorecards", response_class=HTMLResponse, include_in_schema=False)
def admin_list(request: Request, ctx: Ctx, viewer: ManageViewer, saved: int | None = None,
               deleted: int | None = None) -> Response:
    service = ctx.runtime.scorecards
    teams = {t.id: t.name for t in ctx.runtime.org.teams(viewer)}
    return ctx.templates.TemplateResponse(request, "scorecard_admin.html", {
        "nav": "admin", "configs": service.list_scorecards(viewer), "teams": teams,
        "changes": service.changes(viewer), "saved": saved, "deleted": deleted})


@router.get("/admin/scorecards/new", response_class=HTMLResponse, include_in_schema=False)
def admin_new(request: Request, ctx: Ctx, viewer: ManageViewer) -> Response:
    return _render_form(request, ctx, viewer, values=_form_values(None), scorecard_id=None)


@router.get("/admin/scorecards/{scorecard_id}", response_class=HTMLResponse, include_in_schema=False)
def admin_edit(request: Request, ctx: Ctx, viewer: ManageViewer, scorecard_id: int) -> Response:
    config = ctx.runtime.scorecards.get_scorecard(viewer, scorecard_id)
    return _render_form(request, ctx, viewer, values=_form_values(config), scorecard_id=scorecard_id)


@router.post("/admin/scorecards", response_class=HTMLResponse, include_in_schema=False)
async def admin_create(request: Request, ctx: Ctx, viewer: ManageViewer) -> Response:
    values, spec = await _read_form(request)
    try:
        if isinstance(spec, CallboardError):
            raise spec
        config = ctx.runtime.scorecards.create_scorecard(viewer, spec)
    except CallboardError as exc:
        return _render_form(request, ctx, viewer, values=values, scorecard_id=None, error=exc,
                            status=exc.status_code)
    return RedirectResponse(f"/admin/scorecards?saved={config.id}", status_code=303)


@router.post("/admin/scorecards/{scorecard_id}", response_class=HTMLResponse, include_in_schema=False)
async def admin_update(request: Request, ctx: Ctx, viewer: ManageViewer, scorecard_id: int) -> Response:
    values, spec = await _read_form(request)
    try:
        if isinstance(spec, CallboardError):
            raise spec
        ctx.runtime.scorecards.update_scorecard(viewer, scorecard_id, spec)
    except CallboardError as exc:
        return _render_form(request, ctx, viewer, values=values, scorecard_id=scorecard_id, error=exc,
                            status=exc.status_code)
    return RedirectResponse(f"/admin/scorecards?saved={scorecard_id}", status_code=303)


@router.post("/admin/scorecards/{scorecard_id}/delete", include_in_schema=False)
def admin_delete(ctx: Ctx, viewer: ManageViewer, scorecard_id: int) -> Response:
    ctx.runtime.scorecards.delete_scorecard(viewer, scorecard_id)
    return RedirectResponse(f"/admin/scorecards?deleted={scorecard_id}", status_code=303)
