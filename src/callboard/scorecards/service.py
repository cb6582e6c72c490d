"""ScorecardService: scorecard configurations (audited) and agents' scores, ranks and history.

Permissions (checked here, the web only passes the viewer along):
- reading needs `view_scorecards` (agents, supervisors, QA analysts, managers, admins; planners are denied);
- an agent sees their own scorecard with their rank and the team's aggregates, never a colleague's row, so
  `team_scorecards` (the leaderboard) is denied to agents; supervisors see their teams, managers their
  site's teams, QA analysts their assigned sites' teams, admins every team;
- configuring needs `manage_scorecards` (managers, admins): a team scorecard for a team in scope; the
  organisation-wide role scorecard only with an unrestricted scope (admins). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from callboard.core.errors import Conflict, Forbidden, NotFound
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.metrics.browse import KpiBrowser
from callboard.metrics.service import KpiService
from callboard.org import audit
from callboard.org.org import OrgService
from callboard.scorecards import config as cfg
from callboard.scorecards.compute import score_team
from callboard.scorecards.figures import VOLUME_METRIC, MetricInfo, ScorecardFigures
from callboard.scorecards.periods import ScorePeriod, parse_period, period_containing
from callboard.scorecards.results import AgentScorecard, HistoryPoint, QaScore, TeamHistory, TeamScorecard
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.models import Scorecard

QaProvider = Callable[[tuple[str, ...], ScorePeriod], Mapping[str, QaScore]]
HISTORY_PERIODS = 6
SPAN_TTL_S = 30.0


def no_qa_scores(agent_ids: tuple[str, ...], period: ScorePeriod) -> Mapping[str, QaScore]:
    """The default QA provider: no evaluations yet, so the QA slot shows 'no data' and weighs nothing."""
    return {}


class ScorecardService:
    def __init__(self, app_db: AppDb, kpi: KpiService, org: OrgService, *,
                 qa_scores: QaProvider = no_qa_scores) -> None:
        self.db = app_db
        self.kpi = kpi
        self.org = org
        self.qa_scores = qa_scores  # the quality module replaces this (see docs/scorecards.md)
        self._figures: ScorecardFigures | None = None
        self._lock = threading.Lock()
        self._span: tuple[float, dt.date | None] | None = None

    @property
    def figures(self) -> ScorecardFigures:
        with self._lock:
            if self._figures is None:
                self._figures = ScorecardFigures(self.kpi)
            return self._figures

    # -- configurations ----------------------------------------------------------------------------
    def list_scorecards(self, viewer: Viewer) -> list[cfg.ScorecardConfig]:
        viewer.require("view_scorecards")
        with self.db.session() as s:
            return [cfg.to_config(r) for r in cfg.find_rows(s)
                    if r.applies_to_kind == "role" or viewer.sees_team(r.applies_to_id)]

    def get_scorecard(self, viewer: Viewer, scorecard_id: int) -> cfg.ScorecardConfig:
        viewer.require("view_scorecards")
        with self.db.session() as s:
            row = self._row(s, scorecard_id)
            if row.applies_to_kind == "team":
                viewer.require_team(row.applies_to_id)
            return cfg.to_config(row)

    def create_scorecard(self, viewer: Viewer, spec: cfg.ScorecardSpec) -> cfg.ScorecardConfig:
        spec = self._check_change(viewer, spec)
        now = audit.utc_now()
        with self.db.session() as s:
            self._unique(s, spec, None)
            row = Scorecard(created_at=now, updated_at=now)
            cfg.apply_spec(s, row, spec, now)
            s.add(row)
            s.flush()
            after = cfg.to_config(row)
            audit.record(s, actor=viewer.username, action="create", entity="scorecard", entity_id=row.id,
                         after=after.as_dict())
            return after

    def update_scorecard(self, viewer: Viewer, scorecard_id: int, spec: cfg.ScorecardSpec) -> cfg.ScorecardConfig:
        spec = self._check_change(viewer, spec)
        with self.db.session() as s:
            row = self._row(s, scorecard_id)
            before = cfg.to_config(row)
            self._check_scope(viewer, before.applies_to_kind, before.applies_to_id)
            self._unique(s, spec, scorecard_id)
            cfg.apply_spec(s, row, spec, audit.utc_now())
            s.flush()
            after = cfg.to_config(row)
            audit.record(s, actor=viewer.username, action="update", entity="scorecard", entity_id=scorecard_id,
                         before=before.as_dict(), after=after.as_dict())
            return after

    def delete_scorecard(self, viewer: Viewer, scorecard_id: int) -> None:
        viewer.require("manage_scorecards")
        with self.db.session() as s:
            row = self._row(s, scorecard_id)
            before = cfg.to_config(row)
            self._check_scope(viewer, before.applies_to_kind, before.applies_to_id)
            s.delete(row)
            audit.record(s, actor=viewer.username, action="delete", entity="scorecard", entity_id=scorecard_id,
                         before=before.as_dict())

    def changes(self, viewer: Viewer, *, limit: int = 20) -> list[audit.AuditRow]:
        """Recent audited changes to scorecards of the teams in the viewer's scope (role scorecard: all)."""
        viewer.require("manage_scorecards")
        with self.db.session() as s:
            rows = audit.entries(s, entity="scorecard", limit=200)

        def visible(row: audit.AuditRow) -> bool:
            body = row.after or row.before or {}
            return body.get("applies_to_kind") != "team" or viewer.sees_team(str(body.get("applies_to_id")))

        return [r for r in rows if visible(r)][:limit]

    def _check_change(self, viewer: Viewer, spec: cfg.ScorecardSpec) -> cfg.ScorecardSpec:
        viewer.require("manage_scorecards")
        team_ids = {t.id for t in self.org.teams(LOCAL_OWNER)}
        spec = cfg.validate(spec, team_ids=team_ids, metric_better=lambda m: self.figures.describe(m).better)
        self._check_scope(viewer, spec.applies_to_kind, spec.applies_to_id)
        return spec

    @staticmethod
    def _check_scope(viewer: Viewer, kind: str, target: str) -> None:
        if kind == "team":
            viewer.require_team(target)
        elif viewer.team_ids is not None:
            raise Forbidden("only an administrator may change the organisation-wide role scorecard",
                            hint="configure a scorecard for one of your teams instead")

    @staticmethod
    def _unique(session: Session, spec: cfg.ScorecardSpec, own_id: int | None) -> None:
        for row in cfg.find_rows(session):
            if (row.applies_to_kind, row.applies_to_id) == (spec.applies_to_kind, spec.applies_to_id) \
                    and row.id != own_id:
                raise Conflict(f"{spec.applies_to_kind} {spec.applies_to_id} already has scorecard {row.id} "
                               f"'{row.name}'", hint=f"edit scorecard {row.id} instead")

    @staticmethod
    def _row(session: Session, scorecard_id: int) -> Scorecard:
        row = session.get(Scorecard, scorecard_id)
        if row is None:
            raise NotFound(f"no scorecard {scorecard_id}", hint="see /api/v1/scorecards for the list")
        return row

    def config_for_team(self, team_id: str) -> cfg.ScorecardConfig | None:
        """The team's own scorecard, else the role scorecard for agents, else None."""
        with self.db.session() as s:
            rows = cfg.find_rows(s)
            for kind, target in (("team", team_id), ("role", "agent")):
                for row in rows:
                    if (row.applies_to_kind, row.applies_to_id) == (kind, target):
                        return cfg.to_config(row)
        return None

    # -- periods -----------------------------------------------------------------------------------
    def last_data_day(self) -> dt.date | None:
        with self._lock:
            if self._span is None or time.monotonic() - self._span[0] > SPAN_TTL_S:
                self._span = (time.monotonic(), KpiBrowser(self.kpi).data_span().last_day)
            return self._span[1]

    def resolve_period(self, kind: str, period: ScorePeriod | str | None) -> ScorePeriod:
        """The period asked for (a ScorePeriod or a label 2026-03, 2026-W10, 2026-Q1, whatever the scorecard's
        own period), the `kind` period holding a given day, or by default the `kind` period holding the last
        day with data (today's when there is none)."""
        if isinstance(period, ScorePeriod):
            return period
        if period and period.strip():
            return parse_period(kind, period)
        return period_containing(kind, self.last_data_day() or dt.date.today())

    # -- scores ------------------------------------------------------------------------------------
    def team_names(self) -> dict[str, str]:
        return {t.id: t.name for t in self.org.teams(LOCAL_OWNER)}

    def team_scorecards(self, viewer: Viewer, team_id: str, period: ScorePeriod | str | None = None) -> TeamScorecard:
        """The team's ranking table for a period. Denied to agents (they see their own row only)."""
        self._require_team_view(viewer, team_id)
        config = self._config_or_fail(team_id)
        return self._score(config, team_id, self.resolve_period(config.period, period))

    def scorecard_for_agent(self, viewer: Viewer, agent_id: str,
                            period: ScorePeriod | str | None = None) -> AgentScorecard:
        """One agent's scorecard with their rank in the team they worked in most during the period."""
        viewer.require("view_scorecards")
        viewer.require_agent(agent_id)
        home = self._home_team(agent_id)
        home_config = self.config_for_team(home) if home else self.config_for_team("")
        kind = home_config.period if home_config else "month"
        resolved = self.resolve_period(kind, period)
        rows = self._rows(resolved, self._metrics_of_all())
        team_id = self._team_in(rows, agent_id) or home
        if team_id is None:
            raise NotFound(f"agent {agent_id} has no contacts in {resolved.label} and no team",
                           hint="pick another period, or put the agent in a team")
        config = self._config_or_fail(team_id)
        team = self._score(config, team_id, resolved, rows, extra_agent=agent_id)
        mine = next(a for a in team.agents if a.agent_id == agent_id)
        return AgentScorecard(mine, team.team_id, team.team_name, team.period, team.scorecard, team.items,
                              team.team_score, team.ranked_agents, team.ranking_rule)

    def agent_history(self, viewer: Viewer, agent_id: str, *, periods: int = HISTORY_PERIODS,
                      until: ScorePeriod | str | None = None) -> tuple[HistoryPoint, ...]:
        """Score, fair score and rank for the last `periods` periods (oldest first), one query per period."""
        latest = self.scorecard_for_agent(viewer, agent_id, until)
        points = []
        for period in latest.period.last(periods):
            if period == latest.period:
                card = latest
            else:
                try:
                    card = self.scorecard_for_agent(viewer, agent_id, period)
                except NotFound:
                    points.append(HistoryPoint(period, None, None, None, 0.0, None, 0, None))
                    continue
            a = card.agent
            points.append(HistoryPoint(period, card.team_id, a.score, a.fair_score, a.coverage, a.rank,
                                       card.ranked_agents, card.team_score))
        return tuple(points)

    def team_history(self, viewer: Viewer, team_id: str, *, periods: int = HISTORY_PERIODS,
                     until: ScorePeriod | str | None = None) -> TeamHistory:
        self._require_team_view(viewer, team_id)
        config = self._config_or_fail(team_id)
        last = self.resolve_period(config.period, until)
        cards = [self._score(config, team_id, p) for p in last.last(periods)]
        agents = sorted({(a.agent_id, a.agent_name) for c in cards for a in c.agents if a.score is not None})
        by_period = [{a.agent_id: a.score for a in c.agents} for c in cards]
        return TeamHistory(team_id, tuple(c.period for c in cards), tuple(c.team_score for c in cards),
                           tuple((a, n, tuple(p.get(a) for p in by_period)) for a, n in agents))

    # -- internals ---------------------------------------------------------------------------------
    def _require_team_view(self, viewer: Viewer, team_id: str) -> None:
        viewer.require("view_scorecards")
        if viewer.role == "agent":
            raise Forbidden("agents see their own scorecard and rank, not the team's table",
                            hint="open 'My scorecard'")
        viewer.require_team(team_id)

    def _config_or_fail(self, team_id: str) -> cfg.ScorecardConfig:
        config = self.config_for_team(team_id)
        if config is None:
            raise NotFound(f"team {team_id} has no scorecard and there is no default scorecard for agents",
                           hint="a manager or admin can add one under /admin/scorecards")
        return config

    def _metrics_of(self, config: cfg.ScorecardConfig) -> dict[str, MetricInfo]:
        return {i.metric: self.figures.describe(i.metric) for i in config.items if i.kind == "kpi"}

    def _metrics_of_all(self) -> dict[str, MetricInfo]:
        with self.db.session() as s:
            names = {i.metric for r in cfg.find_rows(s) for i in r.items if i.kind == "kpi"}
        return {m: self.figures.describe(m) for m in sorted(names)}

    def _rows(self, period: ScorePeriod, infos: Mapping[str, MetricInfo]) -> list[dict[str, Any]]:
        return self.figures.agent_rows(list(infos.values()), period.start, period.end)

    @staticmethod
    def _team_in(rows: list[dict[str, Any]], agent_id: str) -> str | None:
        mine = [r for r in rows if r["agent"] == agent_id and r.get("team") is not None]
        if not mine:
            return None
        return str(max(mine, key=lambda r: (r.get(VOLUME_METRIC) or 0, str(r["team"])))["team"])

    def _home_team(self, agent_id: str) -> str | None:
        current = [m for m in self.org.memberships() if m.agent_id == agent_id]
        return max(current, key=lambda m: m.valid_from).team_id if current else None

    def _members(self, team_id: str, period: ScorePeriod) -> set[str]:
        start = dt.datetime.combine(period.start, dt.time())
        end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
        return {m.agent_id for m in self.org.memberships()
                if m.team_id == team_id and m.valid_from < end and (m.valid_to is None or m.valid_to > start)}

    def _score(self, config: cfg.ScorecardConfig, team_id: str, period: ScorePeriod,
               rows: list[dict[str, Any]] | None = None, extra_agent: str | None = None) -> TeamScorecard:
        infos = self._metrics_of(config)
        if rows is None:
            rows = self._rows(period, infos)
        team_rows = [r for r in rows if r.get("team") == team_id]
        present = {str(r["agent"]) for r in team_rows}
        for agent in sorted((self._members(team_id, period) | ({extra_agent} if extra_agent else set())) - present):
            team_rows.append({"agent": agent, "team": team_id})
        agent_ids = tuple(sorted({str(r["agent"]) for r in team_rows}))
        qa = self.qa_scores(agent_ids, period) if any(i.kind == "qa" for i in config.items) else {}
        names = KpiBrowser(self.kpi).agent_names(None)
        return score_team(config=config, infos=infos, rows=team_rows, qa=qa, names=names, period=period,
                          team_id=team_id, team_name=self.team_names().get(team_id, team_id))
