"""The appraisal page `/agents/{agent_id}/appraisal`: one agent's month or quarter, with comments and exports.

Every figure comes from `runtime.appraisal.packet` (the same packet as /api/v1/appraisals/{agent_id},
its PDF and CSV); this module only formats it. `packet_view` is shared with the printed (PDF) version.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from callboard.appraisal.charts import scorecard_chart, trend_chart
from callboard.appraisal.model import AppraisalPacket, GoalLine, KpiLine
from callboard.appraisal.period import AppraisalPeriod, month, quarter
from callboard.core.viewer import Viewer
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.format import exact_value, format_value
from callboard.web.pages.overview import _delta as change_text

router = APIRouter(tags=["pages"])

# Opening a packet: agents (their own), supervisors, managers, admins; the service refuses QA analysts.
AppraisalViewer = Annotated[Viewer, Depends(allow("view_appraisals"))]


def _kpi_row(k: KpiLine, previous_label: str) -> dict[str, Any]:
    vs_previous = change_text(k.value, k.previous_value, k.unit, k.better)
    vs_team = change_text(k.value, k.team_value, k.unit, k.better)
    return {
        "metric": k.metric, "label": k.label, "resolved": k.resolved, "raw": k.value,
        "value": format_value(k.value, k.unit), "exact": exact_value(k.value, k.unit),
        "previous": format_value(k.previous_value, k.unit), "previous_label": previous_label,
        "vs_previous": vs_previous[0], "vs_previous_class": vs_previous[1],
        "team": format_value(k.team_value, k.unit), "vs_team": vs_team[0], "vs_team_class": vs_team[1],
        "target": format_value(k.goal.target, k.unit) if k.goal else "",
        "status": (k.goal.status or "none") if k.goal else "", "status_text": k.goal.status_text if k.goal else "",
    }


def _day(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day} {day:%b %Y}"


def _span(start: dt.date | None, end: dt.date | None) -> str:
    if start is None or end is None:
        return ""
    first = f"{start.day} {start:%b}" if start.year == end.year else _day(start)
    return f"{first} – {_day(end)}"


def goal_row(g: GoalLine) -> dict[str, Any]:
    """A goal as the packet's goals table shows it: metric with its variant, target, actual, status in words."""
    how = "final" if g.final else (f"to {g.measured_to.day} {g.measured_to:%b}" if g.measured_to else "so far")
    return {
        "name": g.name, "scope": g.scope_label or g.scope, "period": _span(g.starts_on, g.ends_on),
        "metric": g.metric_title or g.metric, "variant": g.metric.replace("(", " (").replace(", ", ", ") if g.metric != g.metric_title else "",
        "target": format_value(g.target, g.unit), "direction": f"{g.direction} is better",
        "actual": format_value(g.actual, g.unit), "actual_note": how if g.actual is not None else "",
        "own": format_value(g.agent_value, g.unit) if g.agent_value is not None else "",
        "projected": "" if g.final or g.projected is None else format_value(g.projected, g.unit),
        "status": g.status or "none", "status_text": g.status_text, "final": g.final,
        "status_note": ("at period end" if g.final else "projected to period end")
        if g.status in ("green", "amber", "red") else "",
    }



def packet_view(packet: AppraisalPacket) -> dict[str, Any]:
    """Everything the page and the print template show, formatted (values by unit, SVG charts)."""
    targets = {k.metric: k.goal.target for k in packet.kpis if k.goal is not None}
    goals = [goal_row(g) for g in packet.goals]
    scorecards = [{
        "period": s.period_label, "score": "—" if s.score is None else f"{s.score:.1f}",
        "coverage": "—" if s.coverage is None else f"{s.coverage * 100:.0f}%",
        "rank": f"{s.rank} of {s.team_size}" if s.rank else "not ranked",
        "team_score": "—" if s.team_score is None else f"{s.team_score:.1f}",
    } for s in packet.scorecards]
    return {
        "p": packet, "period": packet.period,
        "kpi_rows": [_kpi_row(k, packet.previous_period.label) for k in packet.kpis],
        "qa_rows": [_kpi_row(k, packet.previous_period.label) for k in packet.qa],
        "goals": goals, "goals_with_own": any(g["own"] for g in goals), "scorecards": scorecards,
        "trend_charts": [{"label": t.label, "unit": t.unit, "svg": trend_chart(t, targets.get(t.metric))}
                         for t in packet.trends],
        "scorecard_svg": scorecard_chart(packet.scorecards) if packet.scorecards else "",
        "generated": packet.generated_at.strftime("%d %b %Y %H:%M UTC"),
    }


def period_choices(chosen: AppraisalPeriod, today: dt.date) -> list[AppraisalPeriod]:
    """The last 6 months and 4 quarters up to today, and the chosen period if it is older or newer."""
    months = month(today.year, today.month).history(6)
    quarters = quarter(today.year, (today.month - 1) // 3 + 1).history(4)
    options = [*reversed(months), *reversed(quarters)]
    return options if chosen in options else [chosen, *options]


def export_links(agent_id: str, period: AppraisalPeriod) -> dict[str, str]:
    query = urlencode({"period": period.label})
    base = f"/api/v1/appraisals/{quote(agent_id)}"
    return {"pdf": f"{base}.pdf?{query}", "csv": f"{base}.csv?{query}", "json": f"{base}?{query}"}


@router.get("/agents/{agent_id}/appraisal", response_class=HTMLResponse, include_in_schema=False)
def appraisal_page(request: Request, ctx: Annotated[WebContext, Depends(get_context)], viewer: AppraisalViewer,
                   agent_id: str, period: Annotated[str | None, Query()] = None,
                   saved: Annotated[int, Query()] = 0) -> HTMLResponse:
    with ctx.engine():
        packet = ctx.runtime.appraisal.packet(viewer, agent_id, period)
    context = {
        **packet_view(packet), "nav": "me" if viewer.agent_id == agent_id else "teams",
        "choices": period_choices(packet.period, dt.date.today()), "links": export_links(agent_id, packet.period),
        "saved": bool(saved),
    }
    return ctx.templates.TemplateResponse(request, "appraisal.html", context)


@router.post("/agents/{agent_id}/appraisal/comments", include_in_schema=False)
def appraisal_comment(ctx: Annotated[WebContext, Depends(get_context)],
                      viewer: Annotated[Viewer, Depends(allow("comment_appraisals"))], agent_id: str,
                      period: Annotated[str, Form()], text: Annotated[str, Form()]) -> Response:
    ctx.runtime.appraisal.add_comment(viewer, agent_id=agent_id, period=period, text=text)
    target = f"/agents/{quote(agent_id)}/appraisal?{urlencode({'period': period, 'saved': 1})}#comments"
    return RedirectResponse(target, status_code=303)


def print_html(ctx: WebContext, packet: AppraisalPacket) -> str:
    """The self-contained printable page (inline stylesheet and SVG) that appraisal/pdf.py turns into a PDF."""
    return ctx.templates.get_template("appraisal_print.html").render(packet_view(packet))
