"""/api/v1/scorecards: scorecard configurations (CRUD, audited) and agents' scores, ranks and history.

The numbers come from `runtime.scorecards` (ScorecardService), which checks the viewer: agents read their
own scorecard only, supervisors their teams, managers their site, admins all; planners are denied.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.scorecards.config import ItemSpec, ScorecardConfig, ScorecardSpec
from callboard.scorecards.periods import ScorePeriod
from callboard.scorecards.results import AgentScore, AgentScorecard, TeamScorecard
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow
from callboard.web.context import WebContext, get_context

router = APIRouter(prefix="/api/v1", tags=["scorecards"])

Ctx = Annotated[WebContext, Depends(get_context)]
ViewViewer = Annotated[Viewer, Depends(allow("view_scorecards"))]
ManageViewer = Annotated[Viewer, Depends(allow("manage_scorecards"))]
Period = Annotated[str | None, Query(description="week 2026-W10, month 2026-03, quarter 2026-Q1 or a day in it "
                                                 "(default: the period holding the last day with data)")]
Periods = Annotated[int, Query(ge=1, le=24, description="How many periods, ending with `period`")]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "outside your role or scope"},
    404: {"model": ErrorResponse, "description": "unknown scorecard, team, agent or metric"},
    409: {"model": ErrorResponse, "description": "the team or role already has a scorecard"},
    422: {"model": ErrorResponse, "description": "invalid configuration or period"},
}


class ItemBody(BaseModel):
    kind: Literal["kpi", "qa"] = "kpi"
    metric: str = Field("", description="catalog metric (kpi) e.g. fcr_rate; ignored for qa (qa_score)")
    weight: float = Field(description="relative weight, > 0")
    floor: float = Field(description="value earning 0 points (ratios as fractions: 0.65)")
    target: float = Field(description="value earning 100 points; floor > target means lower is better")


class ScorecardBody(BaseModel):
    name: str
    applies_to_kind: Literal["team", "role"] = "team"
    applies_to_id: str = Field(description="a team id, or 'agent' for the organisation-wide role scorecard")
    period: Literal["week", "month", "quarter"] = "month"
    items: list[ItemBody]

    def spec(self) -> ScorecardSpec:
        return ScorecardSpec(self.name, self.applies_to_kind, self.applies_to_id, self.period,
                             tuple(ItemSpec(i.kind, i.metric, i.weight, i.floor, i.target) for i in self.items))


def jsonable(value: Any) -> Any:
    """Frozen result dataclasses -> JSON: periods with their label, configs as the API shape, dates ISO."""
    if isinstance(value, ScorePeriod):
        return {"kind": value.kind, "label": value.label, "title": value.title, "start": value.start.isoformat(),
                "end": value.end.isoformat()}
    if isinstance(value, ScorecardConfig):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@router.get("/scorecards", summary="Scorecard configurations", responses=ERRORS)
def list_scorecards(ctx: Ctx, viewer: ViewViewer) -> list[dict[str, Any]]:
    """The organisation-wide role scorecard and the team scorecards of the teams you see."""
    return [c.as_dict() for c in ctx.runtime.scorecards.list_scorecards(viewer)]


@router.post("/scorecards", status_code=201, summary="Create a scorecard", responses=ERRORS)
def create_scorecard(ctx: Ctx, viewer: ManageViewer, body: ScorecardBody) -> dict[str, Any]:
    """Managers (their site's teams) and admins (any team, and the role scorecard). Audited."""
    return ctx.runtime.scorecards.create_scorecard(viewer, body.spec()).as_dict()


@router.get("/scorecards/{scorecard_id}", summary="One scorecard configuration", responses=ERRORS)
def get_scorecard(ctx: Ctx, viewer: ViewViewer, scorecard_id: int) -> dict[str, Any]:
    return ctx.runtime.scorecards.get_scorecard(viewer, scorecard_id).as_dict()


@router.put("/scorecards/{scorecard_id}", summary="Replace a scorecard configuration", responses=ERRORS)
def update_scorecard(ctx: Ctx, viewer: ManageViewer, scorecard_id: int, body: ScorecardBody) -> dict[str, Any]:
    """Audited with the configuration before and after."""
    return ctx.runtime.scorecards.update_scorecard(viewer, scorecard_id, body.spec()).as_dict()


@router.delete("/scorecards/{scorecard_id}", status_code=204, summary="Delete a scorecard", responses=ERRORS,
               response_class=Response)
def delete_scorecard(ctx: Ctx, viewer: ManageViewer, scorecard_id: int) -> Response:
    ctx.runtime.scorecards.delete_scorecard(viewer, scorecard_id)
    return Response(status_code=204)


def _team(ctx: WebContext, viewer: Viewer, team_id: str, period: str | None) -> TeamScorecard:
    with ctx.engine():
        return ctx.runtime.scorecards.team_scorecards(viewer, team_id, period)


def _agent(ctx: WebContext, viewer: Viewer, agent_id: str, period: str | None) -> AgentScorecard:
    with ctx.engine():
        return ctx.runtime.scorecards.scorecard_for_agent(viewer, agent_id, period)


CSV_RESPONSES: dict[int | str, dict[str, Any]] = {**ERRORS, 200: {"content": {"text/csv": {}},
                                                                  "description": "CSV with a header row"}}


def ranking_csv(agents: tuple[AgentScore, ...] | list[AgentScore], filename: str) -> Response:
    """One row per agent: rank, scores, coverage, then per item value, interval, shrunk value and points."""
    header = ["rank", "agent_id", "agent_name", "team_id", "handled", "score", "fair_score", "coverage",
              "not_ranked_reason"]
    items = agents[0].items if agents else ()
    for item in items:
        header += [f"{item.metric}_{part}" for part in ("value", "successes", "trials", "ci_low", "ci_high", "shrunk",
                                                        "points", "outlier")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)

    def cell(value: Any) -> Any:
        return "" if value is None else value

    for a in agents:
        row = [a.rank, a.agent_id, a.agent_name, a.team_id, a.handled, a.score, a.fair_score, a.coverage,
               a.not_ranked_reason]
        for i in a.items:
            row += [i.value, i.successes, i.trials, i.ci_low, i.ci_high, i.shrunk, i.points,
                    f"{i.outlier.side}: {i.outlier.reason}" if i.outlier else None]
        writer.writerow([cell(v) for v in row])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# The .csv routes come first: `{team_id}` would otherwise also match "t_care.csv".
@router.get("/scorecards/team/{team_id}.csv", summary="Team ranking as CSV", responses=CSV_RESPONSES,
            response_class=Response)
def team_csv(ctx: Ctx, viewer: ViewViewer, team_id: str, period: Period = None) -> Response:
    card = _team(ctx, viewer, team_id, period)
    return ranking_csv(card.agents, f"scorecard-{team_id}-{card.period.label}.csv")


@router.get("/scorecards/team/{team_id}/history", summary="Team score history", responses=ERRORS)
def team_history(ctx: Ctx, viewer: ViewViewer, team_id: str, period: Period = None, periods: Periods = 6) -> Any:
    with ctx.engine():
        return jsonable(ctx.runtime.scorecards.team_history(viewer, team_id, periods=periods, until=period))


@router.get("/scorecards/team/{team_id}", summary="Team ranking for a period", responses=ERRORS)
def team_scorecards(ctx: Ctx, viewer: ViewViewer, team_id: str, period: Period = None) -> Any:
    """Every agent's items (value, Wilson 95% interval and shrunk value for rates, points), overall score,
    fair score, coverage, rank and outliers; the team's per-item summary and the ranking rule.
    Supervisors (own teams), QA analysts and managers (their sites), admins; not agents."""
    return jsonable(_team(ctx, viewer, team_id, period))


@router.get("/scorecards/agent/{agent_id}.csv", summary="One agent's scorecard as CSV", responses=CSV_RESPONSES,
            response_class=Response)
def agent_csv(ctx: Ctx, viewer: ViewViewer, agent_id: str, period: Period = None) -> Response:
    card = _agent(ctx, viewer, agent_id, period)
    return ranking_csv([card.agent], f"scorecard-{agent_id}-{card.period.label}.csv")


@router.get("/scorecards/agent/{agent_id}/history", summary="One agent's score history", responses=ERRORS)
def agent_history(ctx: Ctx, viewer: ViewViewer, agent_id: str, period: Period = None, periods: Periods = 6) -> Any:
    with ctx.engine():
        return jsonable(ctx.runtime.scorecards.agent_history(viewer, agent_id, periods=periods, until=period))


@router.get("/scorecards/agent/{agent_id}", summary="One agent's scorecard for a period", responses=ERRORS)
def agent_scorecard(ctx: Ctx, viewer: ViewViewer, agent_id: str, period: Period = None) -> Any:
    """The agent's own row, rank among the ranked agents of their team, and the team's aggregates.
    Agents may open their own only."""
    return jsonable(_agent(ctx, viewer, agent_id, period))
