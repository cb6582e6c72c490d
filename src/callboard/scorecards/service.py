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

from callboard.core.errors import Forbidden, NotFound
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.metrics.browse import KpiBrowser
from callboard.metrics.service import KpiService
from callboard.org.org import OrgService
from callboard.scorecards import config as cfg
from callboard.scorecards.configs import ScorecardConfigs
from callboard.scorecards.compute import score_team
from callboard.scorecards.figures import VOLUME_METRIC, MetricInfo, ScorecardFigures
from callboard.scorecards.periods import ScorePeriod, parse_period, period_containing
from callboard.scorecards.results import AgentScorecard, HistoryPoint, QaScore, TeamHistory, TeamScorecard
from callboard.store.appdb.engine import AppDb

QaProvider = Callable[[tuple[str, ...], ScorePeriod], Mapping[str, QaScore]]
HISTORY_PERIODS = 6
SPAN_TTL_S = 30.0


def no_qa_scores(agent_ids: tuple[str, ...], period: ScorePeriod) -> Mapping[str, QaScore]:
    """The default QA provider: no evaluations yet, so the QA slot shows 'no data' and weighs nothing."""
    return {}


class ScorecardService(ScorecardConfigs):
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
        resolved = self.resolve_period(self._agent_kind(agent_id), period)
        card = self._agent_cards(agent_id, (resolved,))[0]
        if card is None:
            raise NotFound(f"agent {agent_id} has no contacts in {resolved.label} and no team",
                           hint="pick another period, or put the agent in a team")
        if not _card_visible(viewer, card):
            raise Forbidden(f"{agent_id}'s scorecard for {resolved.label} is team {card.team_id}'s",
                            hint="pick a period when the agent was in one of your teams")
        return card

    def agent_history(self, viewer: Viewer, agent_id: str, *, periods: int = HISTORY_PERIODS,
                      until: ScorePeriod | str | None = None) -> tuple[HistoryPoint, ...]:
        """Score, fair score and rank for the last `periods` periods (oldest first): one KPI query in all for
        weeks and months, one per period for quarters."""
        return self.agent_card_and_history(viewer, agent_id, until, periods=periods)[1]

    def agent_card_and_history(self, viewer: Viewer, agent_id: str, period: ScorePeriod | str | None = None, *,
                               periods: int = HISTORY_PERIODS) -> tuple[AgentScorecard | None,
                                                                       tuple[HistoryPoint, ...]]:
        """The card for `period` (None when the agent has no team and no data then) and the history ending
        with it, from the same query."""
        viewer.require("view_scorecards")
        viewer.require_agent(agent_id)
        history = self.resolve_period(self._agent_kind(agent_id), period).last(periods)
        # a period the agent spent in another team is that team's to see (as the KPIs are: metrics/access.py)
        cards = [c if c is not None and _card_visible(viewer, c) else None
                 for c in self._agent_cards(agent_id, history)]
        points = []
        for period_, card in zip(history, cards, strict=True):
            if card is None:
                points.append(HistoryPoint(period_, None, None, None, 0.0, None, 0, None))
                continue
            a = card.agent
            points.append(HistoryPoint(period_, card.team_id, a.score, a.fair_score, a.coverage, a.rank,
                                       card.ranked_agents, card.team_score))
        return cards[-1], tuple(points)

    def team_history(self, viewer: Viewer, team_id: str, *, periods: int = HISTORY_PERIODS,
                     until: ScorePeriod | str | None = None) -> TeamHistory:
        return self.team_card_and_history(viewer, team_id, until, periods=periods)[1]

    def team_card_and_history(self, viewer: Viewer, team_id: str, period: ScorePeriod | str | None = None, *,
                              periods: int = HISTORY_PERIODS) -> tuple[TeamScorecard, TeamHistory]:
        """The ranking for `period` and each agent's score over the periods ending with it (one query)."""
        self._require_team_view(viewer, team_id)
        config = self._config_or_fail(team_id)
        history = self.resolve_period(config.period, period).last(periods)
        rows = self.figures.rows_by_period(list(self._metrics_of(config).values()), history)
        names = KpiBrowser(self.kpi).agent_names(None)
        cards = [self._score(config, team_id, p, rows[p], names=names) for p in history]
        agents = sorted({(a.agent_id, a.agent_name) for c in cards for a in c.agents if a.score is not None})
        by_period = [{a.agent_id: a.score for a in c.agents} for c in cards]
        return cards[-1], TeamHistory(team_id, tuple(c.period for c in cards), tuple(c.team_score for c in cards),
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

    def _agent_kind(self, agent_id: str) -> str:
        """The period kind of the scorecard of the agent's latest team (else the role default's, else month)."""
        rows = [m for m in self.org.memberships() if m.agent_id == agent_id]
        home = max(rows, key=lambda m: m.valid_from).team_id if rows else ""
        config = self.config_for_team(home)
        return config.period if config else "month"

    def _membership_team(self, agent_id: str, period: ScorePeriod) -> str | None:
        """The team the agent belonged to for most of the period (app database, effective-dated)."""
        start = dt.datetime.combine(period.start, dt.time())
        end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
        overlap: dict[str, float] = {}
        for m in self.org.memberships():
            if m.agent_id == agent_id and m.valid_from < end and (m.valid_to is None or m.valid_to > start):
                days = (min(end, m.valid_to or end) - max(start, m.valid_from)).total_seconds()
                overlap[m.team_id] = overlap.get(m.team_id, 0.0) + days
        return max(sorted(overlap), key=lambda t: overlap[t]) if overlap else None

    @staticmethod
    def _data_team(rows: list[dict[str, Any]], agent_id: str) -> str | None:
        """The team the agent handled most contacts in, per the analytics store."""
        mine = [r for r in rows if r["agent"] == agent_id and r.get("team") is not None]
        if not mine:
            return None
        return str(max(mine, key=lambda r: (r.get(VOLUME_METRIC) or 0, str(r["team"])))["team"])

    def _agent_cards(self, agent_id: str, periods: tuple[ScorePeriod, ...]) -> list[AgentScorecard | None]:
        """The agent's card per period (None: no team and no data), from one query when possible."""
        member_of = {p: self._membership_team(agent_id, p) for p in periods}
        configs = {t: self.config_for_team(t) for t in set(member_of.values()) if t}
        if all(member_of.values()) and all(configs.values()):
            infos: dict[str, MetricInfo] = {}
            for config in configs.values():
                infos.update(self._metrics_of(config))  # type: ignore[union-attr]
        else:
            infos = self._metrics_of_all()
        rows = self.figures.rows_by_period(list(infos.values()), periods)
        names = KpiBrowser(self.kpi).agent_names(None)
        cards: list[AgentScorecard | None] = []
        for period in periods:
            team_id = self._data_team(rows[period], agent_id)
            config = self.config_for_team(team_id) if team_id else None
            if config is None or not set(self._metrics_of(config)) <= set(infos):
                team_id = member_of[period]
                config = self.config_for_team(team_id) if team_id else None
            if team_id is None:
                cards.append(None)
                continue
            if config is None:
                self._config_or_fail(team_id)
            assert config is not None
            team = self._score(config, team_id, period, rows[period], extra_agent=agent_id, names=names)
            mine = next(a for a in team.agents if a.agent_id == agent_id)
            cards.append(AgentScorecard(mine, team.team_id, team.team_name, team.period, team.scorecard, team.items,
                                        team.team_score, team.ranked_agents, team.ranking_rule))
        return cards

    def _members(self, team_id: str, period: ScorePeriod) -> set[str]:
        start = dt.datetime.combine(period.start, dt.time())
        end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
        return {m.agent_id for m in self.org.memberships()
                if m.team_id == team_id and m.valid_from < end and (m.valid_to is None or m.valid_to > start)}

    def _score(self, config: cfg.ScorecardConfig, team_id: str, period: ScorePeriod,
               rows: list[dict[str, Any]] | None = None, extra_agent: str | None = None,
               names: Mapping[str, str] | None = None) -> TeamScorecard:
        infos = self._metrics_of(config)
        if rows is None:
            rows = self.figures.agent_rows(list(infos.values()), period.start, period.end)
        team_rows = [r for r in rows if r.get("team") == team_id]
        present = {str(r["agent"]) for r in team_rows}
        for agent in sorted((self._members(team_id, period) | ({extra_agent} if extra_agent else set())) - present):
            team_rows.append({"agent": agent, "team": team_id})
        agent_ids = tuple(sorted({str(r["agent"]) for r in team_rows}))
        qa = self.qa_scores(agent_ids, period) if any(i.kind == "qa" for i in config.items) else {}
        if names is None:
            names = KpiBrowser(self.kpi).agent_names(None)
        return score_team(config=config, infos=infos, rows=team_rows, qa=qa, names=names, period=period,
                          team_id=team_id, team_name=self.team_names().get(team_id, team_id))


def _card_visible(viewer: Viewer, card: AgentScorecard) -> bool:
    """The agent sees their own card; anyone else the cards of their teams (a scorecard ranks within its team)."""
    return viewer.role == "agent" or viewer.sees_team(card.team_id)
