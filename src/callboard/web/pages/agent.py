"""`/agents/{agent_id}`: an agent's tiles against the team, trends, recent contacts, scorecard and goals.

Agents open only their own page, supervisors their teams' agents (Viewer.require_agent -> 403). The
team comparison comes from metrics/benchmark.py (team totals only). The scorecard and goals slots call
`runtime.scorecards.scorecard_for_agent` and `runtime.goals.goals_for_agent` when those services exist. The QA
score is shown raw and adjusted for who evaluated (web/pages/qa_slot.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from callboard.core.errors import CallboardError, NotFound
from callboard.core.viewer import Viewer
from callboard.metrics.benchmark import team_totals
from callboard.metrics.drill import ContactRows
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context
from callboard.web.format import format_value
from callboard.web.pages import drill_links as dl
from callboard.web.pages.overview import page_furniture
from callboard.web.pages.qa_slot import qa_slot

router = APIRouter(tags=["pages"])
log = logging.getLogger("callboard.web.agent")

AGENT_TILES: tuple[tuple[str, str], ...] = (
    ("handled", "Handled"), ("aht_s", "AHT"), ("avg_talk_s", "Avg talk"), ("avg_acw_s", "Avg ACW"),
    ("hold_rate", "Hold rate"), ("transfer_rate", "Transfer rate"), ("fcr_rate", "FCR"),
    ("csat_top2_rate", "CSAT top-2-box"), ("nps", "NPS"), ("asa_s", "ASA of answered"),
)
RECENT = 15
AgentViewer = Annotated[Viewer, Depends(allow("view_agent_detail"))]


@dataclasses.dataclass(frozen=True)
class Slot:
    """A scorecard or goals section from another service: its result, or why it is empty."""

    available: bool
    value: Any = None
    message: str = ""


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def service_slot(runtime: Any, service: str, method: str, viewer: Viewer, agent_id: str, period: Any) -> Slot:
    """The one adapter to the scorecards and goals services (built by other modules): an empty state when the
    module or method does not exist yet, the service's own message when it refuses."""
    try:
        svc = getattr(runtime, service)
        call = getattr(svc, method)
    except (ModuleNotFoundError, ImportError, AttributeError) as exc:
        return Slot(False, message=f"{service} are not available yet ({exc.__class__.__name__})")
    try:
        return Slot(True, _plain(call(viewer, agent_id, period)))
    except CallboardError as exc:
        return Slot(False, message=exc.message)
    except (TypeError, NotImplementedError) as exc:  # a service whose signature is still settling
        log.warning("%s.%s failed: %s", service, method, exc)
        return Slot(False, message=f"{service} could not be shown: {exc}")


def _score_period(end: dt.date | None) -> Any:
    """The month containing the page's last day, as the scorecards module names periods (if it exists)."""
    if end is None:
        return None
    try:
        from callboard.scorecards.periods import period_containing  # type: ignore[import-not-found]
    except ImportError:
        return None
    return period_containing("month", end)


def agent_team(ctx: WebContext, agent_id: str, end: dt.date | None) -> str | None:
    """The team the agent belonged to on the period's last day (else their latest team)."""
    rows = [m for m in ctx.runtime.org.memberships() if m.agent_id == agent_id]
    if not rows:
        return None
    if end is not None:
        at = dt.datetime.combine(end, dt.time(23, 59))
        current = [m for m in rows if m.valid_from <= at and (m.valid_to is None or at < m.valid_to)]
        if current:
            return current[-1].team_id
    return max(rows, key=lambda m: m.valid_from).team_id


def _weekly_series(rows: Any, metric: str) -> dict[str, Any]:
    return {str(r["week"]): r.get(metric) for r in rows if r.get("week") is not None}


@router.get("/agents/{agent_id}", response_class=HTMLResponse, include_in_schema=False)
def agent(request: Request, agent_id: str, ctx: Annotated[WebContext, Depends(get_context)], viewer: AgentViewer,
          from_: Annotated[str | None, Query(alias="from")] = None, to: str | None = None) -> Response:
    viewer.require_agent(agent_id)
    return ctx.html_cached(request, viewer, lambda: _agent(request, agent_id, ctx, viewer, from_, to))


def _agent(request: Request, agent_id: str, ctx: WebContext, viewer: Viewer, from_: str | None,
           to: str | None) -> Response:
    period = dl.choose_period(ctx, viewer, from_, to)
    where = {"agent": [agent_id]}
    metrics = [m for m, _ in AGENT_TILES]
    team_id = agent_team(ctx, agent_id, period.end)
    compare_team = team_id if team_id and viewer.sees_team(team_id) else None
    with ctx.engine():
        own = ctx.kpi.query(metrics=metrics, from_date=period.start, to_date=period.end, where=where, viewer=viewer)
        trend = ctx.kpi.query(metrics=["handled", "aht_s"], by=["day"], from_date=period.start, to_date=period.end,
                              where=where, viewer=viewer)
        weekly = ctx.kpi.query(metrics=["fcr_rate", "csat_top2_rate"], by=["week"], from_date=period.start,
                               to_date=period.end, where=where, viewer=viewer)
        team_total = team_week = team_day = None
        if compare_team:
            team_total = team_totals(ctx.kpi, viewer=viewer, team_id=compare_team, metrics=metrics,
                                     from_date=period.start, to_date=period.end)
            team_day = team_totals(ctx.kpi, viewer=viewer, team_id=compare_team, metrics=["aht_s"], by=["day"],
                                   from_date=period.start, to_date=period.end)
            team_week = team_totals(ctx.kpi, viewer=viewer, team_id=compare_team, metrics=["fcr_rate", "csat_top2_rate"],
                                    by=["week"], from_date=period.start, to_date=period.end)
        recent = ContactRows(ctx.kpi).contacts(viewer=viewer, from_date=period.start, to_date=period.end,
                                               where=where, metric="handled", limit=RECENT)
        # the scorecard and goals services query the shared engine too: inside the lock
        score_period = _score_period(period.end)
        goals_period = (period.start, period.end) if period.start and period.end else None
        scorecard = ctx.page_cached(("agent_scorecard", viewer, agent_id, score_period), lambda: service_slot(
            ctx.runtime, "scorecards", "scorecard_for_agent", viewer, agent_id, score_period))
        goals = ctx.page_cached(("agent_goals", viewer, agent_id, goals_period), lambda: service_slot(
            ctx.runtime, "goals", "goals_for_agent", viewer, agent_id, goals_period))
    # QA score raw and adjusted for evaluators: over the page's period, and over the scorecard's for its QA row
    qa = qa_slot(ctx.runtime, viewer, agent_id, period.start, period.end)
    qa_card = qa_slot(ctx.runtime, viewer, agent_id, getattr(score_period, "start", None),
                      getattr(score_period, "end", None))
    row = own.rows[0] if own.rows else {}
    if not row.get("handled") and team_id is None and agent_id not in page_furniture(ctx, viewer).agent_names:
        raise NotFound(f"no agent '{agent_id}' in the data", hint="open an agent from a team page")
    drillable = dl.Drillable(ctx)
    hrefs = {m: dl.contacts_href(m, period.start, period.end, where) for m in metrics if drillable(m)}
    tiles = dl.tiles(own, dict(AGENT_TILES), hrefs, team_total, "team" if team_total is not None else "")
    days = dl.days_of(period.start, period.end, [dict(r) for r in trend.rows])
    team_aht = {str(r["day"]): r.get("aht_s") for r in (team_day.rows if team_day else ()) if r.get("day")}
    trend_fig = dl.bar_line_figure([d["day"] for d in days], [d.get("handled") or 0 for d in days],
                                   [d.get("aht_s") for d in days], bar_name="Handled", line_name="AHT (s)",
                                   line_format=",.0f")
    if team_day is not None:
        trend_fig["data"].append({"type": "scatter", "mode": "lines", "name": "Team AHT (s)", "yaxis": "y2",
                                  "x": [d["day"] for d in days], "y": [team_aht.get(str(d["day"])) for d in days],
                                  "line": {"color": "#94a3b8", "width": 2, "dash": "dot"}, "connectgaps": True})
    weeks = sorted({str(r["week"]) for r in weekly.rows if r.get("week") is not None})
    series = []
    for metric, label in (("fcr_rate", "FCR"), ("csat_top2_rate", "CSAT top-2")):
        mine = _weekly_series(weekly.rows, metric)
        series.append((label, [mine.get(w) for w in weeks], ""))
        if team_week is not None:
            theirs = _weekly_series(team_week.rows, metric)
            series.append((f"Team {label}", [theirs.get(w) for w in weeks], "dot"))
    quality_fig = dl.lines_figure(weeks, series, y_format=".0%")
    names = page_furniture(ctx, viewer).agent_names
    team_name = dict((t.id, t.name) for t in ctx.runtime.org.teams(viewer)).get(team_id or "", team_id or "")
    context = {
        "agent_id": agent_id, "name": names.get(agent_id, ""), "team_id": team_id, "team_name": team_name,
        "compare_team": compare_team, "period": period, "quick": dl.quick_links(f"/agents/{agent_id}", period),
        "tiles": tiles, "trend_json": dl.figure_json(trend_fig), "trend_empty": not trend.rows,
        "quality_json": dl.figure_json(quality_fig), "quality_empty": not weeks,
        "recent": recent, "format_value": format_value,
        "all_contacts": dl.contacts_href("handled", period.start, period.end, where),
        "contacts_csv": dl.contacts_href("handled", period.start, period.end, where, path="/api/v1/contacts.csv"),
        "tiles_csv": dl.kpi_href("/api/v1/kpi.csv", metrics, "", period.start, period.end, where),
        "trend_csv": dl.kpi_href("/api/v1/kpi.csv", ["handled", "aht_s"], "day", period.start, period.end, where),
        "quality_csv": dl.kpi_href("/api/v1/kpi.csv", ["fcr_rate", "csat_top2_rate"], "week", period.start,
                                   period.end, where),
        "score_period": getattr(score_period, "title", ""),
        "scorecard": scorecard, "goals": goals, "qa": qa, "qa_card": qa_card,
    }
    return ctx.templates.TemplateResponse(request, "agent.html", context)
