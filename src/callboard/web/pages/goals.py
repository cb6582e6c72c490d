"""/goals: the goals the viewer may see with progress bars and RAG status, a period filter, CSV/API links,
and (for supervisors, managers, admins) a create/edit form that shows the suggested target and its basis.

Rules and numbers come from GoalService (runtime.goals); this module parses forms and renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.core.errors import CallboardError, InvalidInput
from callboard.core.viewer import Viewer
from callboard.goals import access
from callboard.goals.model import GoalView, parse_goal_input
from callboard.goals.periods import period_bounds
from callboard.goals.service import GoalWithProgress
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.format import format_duration, format_value
from callboard.web.params import check_period

router = APIRouter(tags=["pages"])

Ctx = Annotated[WebContext, Depends(get_context)]
ViewGoals = Annotated[Viewer, Depends(allow("view_goals"))]
ManageGoals = Annotated[Viewer, Depends(allow("manage_goals"))]
STATUS_LABEL = {"green": "On track", "amber": "At risk", "red": "Off track", "none": "No data",
                "not_started": "Not started"}


@dataclass(frozen=True)
class GoalRow:
    goal: GoalView
    scope_label: str
    target: str
    value: str
    projected: str
    member_value: str
    status: str
    status_label: str
    bar_pct: float
    measured: str
    can_manage: bool


@dataclass(frozen=True)
class Choice:
    kind: str
    value: str
    label: str


def fmt_target(goal: GoalView, value: float | None) -> str:
    return format_value(value, goal.unit)


def goal_rows(items: list[GoalWithProgress], viewer: Viewer, labels: dict[tuple[str, str], str]) -> list[GoalRow]:
    rows = []
    for item in items:
        g, p = item.goal, item.progress
        measured = (f"{p.elapsed_days} of {p.period_days} days · {p.projection}" if p.status != "not_started"
                    else f"starts {g.starts_on:%d %b}")
        rows.append(GoalRow(g, labels.get((g.scope_kind, g.scope_id), g.scope_id),
                            ("≥ " if g.direction == "higher" else "≤ ") + fmt_target(g, g.target),
                            fmt_target(g, p.value), fmt_target(g, p.projected),
                            fmt_target(g, p.member_value) if p.member_value is not None else "",
                            p.status, STATUS_LABEL.get(p.status, p.status), round(p.bar_ratio * 100, 1), measured,
                            access.can_manage(viewer, g.scope_kind, g.scope_id) and not g.archived))
    return rows


def scope_labels(ctx: WebContext, viewer: Viewer) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {("team", t.id): t.name for t in ctx.runtime.org.teams(viewer)}
    names = ctx.cached(f"goals_agent_names:{viewer.username}", lambda: ctx.browser.agent_names(viewer))
    labels.update({("agent", a): f"{n} ({a})" for a, n in names.items()})
    labels.update({("queue", q): f"{n} ({q})" for q, n in ctx.queue_names().items()})
    return labels


def scope_choices(ctx: WebContext, viewer: Viewer, labels: dict[tuple[str, str], str]) -> list[Choice]:
    """What the viewer may set goals for: their teams, those teams' current agents, and (admins) queues, channels."""
    choices = [Choice("team", t.id, t.name) for t in ctx.runtime.org.teams(viewer)
               if access.can_manage(viewer, "team", t.id)]
    team_ids = {c.value for c in choices}
    agents = sorted({m.agent_id for m in ctx.runtime.org.memberships() if m.valid_to is None and m.team_id in team_ids})
    choices += [Choice("agent", a, labels.get(("agent", a), a)) for a in agents if access.can_manage(viewer, "agent", a)]
    if access.can_manage(viewer, "queue", "*"):
        options = ctx.cached("goals_queue_channel", lambda: ctx.browser.dimension_options(["queue", "channel"]))
        choices += [Choice("queue", q, labels.get(("queue", q), q)) for q in options.get("queue", ())]
        choices += [Choice("channel", c, c) for c in options.get("channel", ())]
    return choices


def goal_metric(metric: Any) -> bool:
    """A metric the goal form offers: one with a better direction (a goal is met by going up or down), read from
    contact-level facts (interval aggregates carry no agent or team, so they would read "No data" there)."""
    return bool(metric.better in ("higher", "lower") and metric.kpi != "interval")


def metric_groups(ctx: WebContext) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(value, label)]) of the metrics a goal can use, by KPI: the KPI itself (it follows the
    organisation's default variant) then each variant by its title; a KPI with one usable metric is one entry."""
    defaults = ctx.runtime.org_settings.current().document.metric_defaults
    catalog = ctx.runtime.catalog
    groups = []
    for kpi, metrics in catalog.kpis().items():
        usable = sorted((m for m in metrics if goal_metric(m)), key=lambda m: (not m.default, m.title))
        if not usable:
            continue
        default = catalog.default_for(kpi, defaults)
        if default is not None and goal_metric(default) and len(usable) > 1 and kpi not in catalog.metrics:
            options = [(kpi, f"{default.title} (organisation default)")]
            options += [(m.id, f"{m.title} · {m.variant.replace('_', ' ')} definition" if m.id == default.id
                         else m.title) for m in usable]
        else:
            options = [(m.id, m.title) for m in usable]
        groups.append(((default or usable[0]).title, options))
    return sorted(groups, key=lambda g: g[0].lower())


def quick_periods(today: dt.date) -> list[tuple[str, dt.date | None, dt.date | None]]:
    month = period_bounds("month", today)
    quarter = period_bounds("quarter", today)
    return [("Current", today, today), ("This month", month.starts_on, month.ends_on),
            ("This quarter", quarter.starts_on, quarter.ends_on), ("All", None, None)]


def _href(start: dt.date | None, end: dt.date | None, kind: str | None) -> str:
    params = {"from": start.isoformat() if start else "", "to": end.isoformat() if end else "", "scope_kind": kind or ""}
    if start is None and end is None:
        params["show"] = "all"
    return "/goals?" + urlencode({k: v for k, v in params.items() if v})


def render(request: Request, ctx: WebContext, viewer: Viewer, *, from_: str | None, to: str | None,
           scope_kind: str | None, show: str | None = None, form: dict[str, Any] | None = None, errors: list[CallboardError] | None = None,
           editing: GoalView | None = None, status_code: int = 200) -> HTMLResponse:
    errors = list(errors or [])
    service = ctx.runtime.goals
    today = service.today()
    try:
        start, end = check_period(from_, to)
    except CallboardError as exc:
        errors.append(exc)
        start, end = None, None
    if not from_ and not to and show != "all":
        start, end = today, today
    kind = scope_kind or None
    goals = service.list_goals(viewer, from_date=start, to_date=end, scope_kind=kind)
    with ctx.engine():
        items = service.with_progress(goals)
        labels = scope_labels(ctx, viewer)
        choices = scope_choices(ctx, viewer, labels) if viewer.can("manage_goals") else []
    rows = goal_rows(items, viewer, labels)
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("green", "amber", "red")}
    params = {"from": start.isoformat() if start else "", "to": end.isoformat() if end else "", "scope_kind": kind or ""}
    query = urlencode({k: v for k, v in params.items() if v})
    quick = [{"label": label, "href": _href(a, b, kind), "active": (a, b) == (start, end)}
             for label, a, b in quick_periods(today)]
    context = {"nav": "goals", "rows": rows, "counts": counts, "start": start, "end": end, "scope_kind": kind or "",
               "quick": quick, "errors": errors, "choices": choices, "metric_groups": metric_groups(ctx),
               "form": form or {"period": "month", "starts_on": today.isoformat(), "scope_kind": "team"},
               "editing": editing, "can_manage": viewer.can("manage_goals"), "today": today,
               "as_of": service.default_as_of(),
               "csv_link": "/api/v1/goals.csv" + (f"?{query}" if query else ""),
               "api_link": "/api/v1/goals" + (f"?{query}" if query else "")}
    return ctx.templates.TemplateResponse(request, "goals.html", context, status_code=status_code)


@router.get("/goals", response_class=HTMLResponse, include_in_schema=False)
def goals_page(request: Request, ctx: Ctx, viewer: ViewGoals, from_: Annotated[str | None, Query(alias="from")] = None,
               to: str | None = None, scope_kind: str | None = None, show: str | None = None) -> HTMLResponse:
    return render(request, ctx, viewer, from_=from_, to=to, scope_kind=scope_kind, show=show)


def _target(text: str) -> float | str:
    """'80%' -> 0.8, '0.8' -> 0.8, '185' -> 185.0; m:ss and h:mm:ss ('3:05') go to the goal as written, which
    reads them as seconds for a duration metric (goals/model.py)."""
    raw = text.strip().replace(",", "")
    if ":" in raw:
        return raw
    try:
        return float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError as exc:
        raise InvalidInput(f"target '{text}' is not a number",
                           hint="e.g. 80% or 0.8 for a rate, 3:05 or 185 (seconds) for a time") from exc


def form_number(value: float, unit: str) -> str:
    """A stored target or band as the form shows it: m:ss for seconds, a percentage for a ratio."""
    if unit == "seconds" and float(value).is_integer():
        return format_duration(value)
    if unit == "ratio":
        return f"{round(value * 100, 2):g}%"
    return f"{value:g}"


def goal_from_form(form: dict[str, Any]) -> Any:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in form.items() if k != "csrf_token"}
    body = {k: data.get(k) or None for k in ("name", "metric", "direction", "period", "starts_on", "ends_on",
                                              "scope_kind", "scope_id")}
    body["target"] = _target(str(data.get("target") or ""))
    if data.get("amber_band"):
        body["amber_band"] = _target(str(data["amber_band"]))
    body["collaborative"] = bool(data.get("collaborative"))
    if body["period"] != "custom":
        body["ends_on"] = None
    return parse_goal_input({k: v for k, v in body.items() if v is not None})


@router.post("/goals", response_class=HTMLResponse, include_in_schema=False)
async def create_goal(request: Request, ctx: Ctx, viewer: ManageGoals) -> Response:
    form = dict(await request.form())
    try:
        spec = goal_from_form(form)
        with ctx.engine():
            goal = ctx.runtime.goals.create(viewer, spec)
    except CallboardError as exc:
        return render(request, ctx, viewer, from_=None, to=None, scope_kind=None, form=form, errors=[exc],
                      status_code=exc.status_code)
    return RedirectResponse(f"/goals?created={goal.id}", status_code=303)


@router.get("/goals/{goal_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_goal_page(request: Request, ctx: Ctx, viewer: ManageGoals, goal_id: int) -> HTMLResponse:
    goal = ctx.runtime.goals.get(viewer, goal_id)
    access.require_manage(viewer, goal.scope_kind, goal.scope_id)
    form = {"name": goal.name, "metric": goal.metric, "target": form_number(goal.target, goal.unit),
            "direction": goal.direction, "amber_band": form_number(goal.amber_band, goal.unit), "period": goal.period, "starts_on": goal.starts_on.isoformat(),
            "ends_on": goal.ends_on.isoformat(), "scope_kind": goal.scope_kind, "scope_id": goal.scope_id,
            "collaborative": goal.collaborative}
    return render(request, ctx, viewer, from_=None, to=None, scope_kind=None, form=form, editing=goal)


@router.post("/goals/{goal_id}", response_class=HTMLResponse, include_in_schema=False)
async def update_goal(request: Request, ctx: Ctx, viewer: ManageGoals, goal_id: int) -> Response:
    form = dict(await request.form())
    try:
        spec = goal_from_form(form)
        with ctx.engine():
            ctx.runtime.goals.update(viewer, goal_id, spec)
    except CallboardError as exc:
        editing = ctx.runtime.goals.get(viewer, goal_id)
        return render(request, ctx, viewer, from_=None, to=None, scope_kind=None, form=form, errors=[exc],
                      editing=editing, status_code=exc.status_code)
    return RedirectResponse(f"/goals?updated={goal_id}", status_code=303)


@router.post("/goals/{goal_id}/archive", include_in_schema=False)
def archive_goal(ctx: Ctx, viewer: ManageGoals, goal_id: int) -> Response:
    ctx.runtime.goals.archive(viewer, goal_id)
    return RedirectResponse(f"/goals?archived={goal_id}", status_code=303)
