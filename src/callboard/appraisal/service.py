"""AppraisalService: one agent's month or quarter in one packet (KPIs, goals, trends, scorecards, comments).

Every number comes from the KPI service (`runtime.kpi.query`, the same call as /api/v1/kpi) with the
viewer, so the packet never shows rows outside the viewer's scope; goals and scorecards come from
their own services through `sources.py`. The web page, the PDF and the CSV all render this packet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Protocol

from callboard.appraisal.access import is_own, require_export, require_view
from callboard.appraisal.comments import CommentBook, CommentInfo
from callboard.appraisal.csv_export import packet_csv
from callboard.appraisal.model import AppraisalPacket, GoalLine, KpiLine, Section, TrendPoint, TrendSeries
from callboard.appraisal.period import AppraisalPeriod, month, parse_period
from callboard.appraisal.sources import fetch_goals, fetch_scorecards
from callboard.core.errors import CallboardError, NotFound
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.metrics.browse import KpiBrowser
from callboard.metrics.service import KpiResult, MetricColumn
from callboard.org.audit import utc_now

# (metric as requested from the catalog, label): the agent's KPIs in the packet, in this order.
KPIS: tuple[tuple[str, str], ...] = (
    ("handled", "Contacts handled"), ("aht_s", "Average handle time"), ("avg_acw", "After-contact work"),
    ("hold_rate", "Hold rate"), ("transfer_rate", "Transfer rate"), ("fcr_rate", "First contact resolution"),
    ("csat_top2_rate", "CSAT top-2-box"), ("occupancy", "Occupancy"),
)
TREND_METRICS = ("handled", "aht_s", "fcr_rate", "csat_top2_rate")
QA_NONE = "No quality evaluation of this agent's contacts in {period}."
QA_HIDDEN = "Quality evaluations are not shown to your role."
# The quality section: evaluations of the agent's contacts dated in the period (KPI catalog, quality.yaml).
QA_KPIS: tuple[tuple[str, str], ...] = (("qa_score", "QA score"), ("qa_evaluations", "Evaluations"),
                                        ("critical_fail_rate", "Critical fail rate"))
COACHING_EMPTY = "Coaching sessions and actions appear here once coaching is in use."
HISTORY = {"month": 6, "quarter": 4}  # scorecard periods shown: this one and those before it


class AppraisalRuntime(Protocol):
    """What the service uses from callboard.runtime.Runtime (a layer above, so not imported here)."""

    @property
    def kpi(self) -> Any: ...

    @property
    def app_db(self) -> Any: ...

    @property
    def org(self) -> Any: ...

    @property
    def goals(self) -> Any: ...

    @property
    def scorecards(self) -> Any: ...


def _match_goal(goals: tuple[GoalLine, ...], requested: str, resolved: str) -> GoalLine | None:
    """The goal on this KPI, preferring the agent's own over a team goal."""
    names = {requested, resolved, resolved.split("(")[0]}
    matching = [g for g in goals if g.metric in names or g.metric.split("(")[0] in names]
    matching.sort(key=lambda g: not g.scope.startswith("agent"))
    return matching[0] if matching else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _numbers(row: dict[str, Any] | None) -> dict[str, float | None]:
    return {k: _number(v) for k, v in (row or {}).items()}


def _single(result: KpiResult | None, requested: str) -> float | None:
    return _number(result.rows[0].get(requested)) if result is not None and result.rows else None


class AppraisalService:
    def __init__(self, runtime: AppraisalRuntime) -> None:
        self.runtime = runtime

    @property
    def comment_book(self) -> CommentBook:
        return CommentBook(self.runtime.app_db)

    # -- periods --------------------------------------------------------------------------------------
    def default_period(self, viewer: Viewer, agent_id: str) -> AppraisalPeriod:
        """The month holding the agent's last day with data (as scorecards and goals default), else this month."""
        require_view(viewer, agent_id)
        span = KpiBrowser(self.runtime.kpi).data_span(where={"agent": [agent_id]}, viewer=viewer)
        day = span.last_day or utc_now().date()
        return month(day.year, day.month)

    def resolve_period(self, viewer: Viewer, agent_id: str, period: str | AppraisalPeriod | None) -> AppraisalPeriod:
        if isinstance(period, AppraisalPeriod):
            return period
        if period is None or not period.strip():
            return self.default_period(viewer, agent_id)
        return parse_period(period)

    # -- comments -------------------------------------------------------------------------------------
    def add_comment(self, viewer: Viewer, *, agent_id: str, period: str | AppraisalPeriod, text: str) -> CommentInfo:
        return self.comment_book.add(viewer, agent_id=agent_id, period=self.resolve_period(viewer, agent_id, period),
                                     text=text)

    def comments(self, viewer: Viewer, *, agent_id: str,
                 period: str | AppraisalPeriod | None) -> tuple[CommentInfo, ...]:
        return self.comment_book.for_period(viewer, agent_id=agent_id,
                                            period=self.resolve_period(viewer, agent_id, period))

    # -- the packet -----------------------------------------------------------------------------------
    def _teams(self, agent_id: str, period: AppraisalPeriod) -> tuple[list[str], list[str]]:
        """Team ids (latest last) and names the agent belonged to during the period."""
        start = dt.datetime.combine(period.start, dt.time())
        end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
        rows = [m for m in self.runtime.org.memberships()
                if m.agent_id == agent_id and m.valid_from < end and (m.valid_to is None or m.valid_to > start)]
        ids = list(dict.fromkeys(m.team_id for m in sorted(rows, key=lambda m: m.valid_from)))
        names = {t.id: t.name for t in self.runtime.org.teams(LOCAL_OWNER)}
        return ids, [names.get(t, t) for t in ids]

    def _labelled(self, goal: GoalLine, agent_id: str) -> GoalLine:
        """The goal's scope in words: own goal, team <name> (collaborative), queue q1..."""
        kind, _, scope_id = goal.scope.partition(" ")
        if kind == "agent":
            label = "own goal" if scope_id == agent_id else f"agent {scope_id}"
        elif kind == "team":
            names = {t.id: t.name for t in self.runtime.org.teams(LOCAL_OWNER)}
            label = f"team {names.get(scope_id, scope_id)} (collaborative)"
        else:
            label = goal.scope
        return replace(goal, scope_label=label)

    def _query(self, viewer: Viewer, period: AppraisalPeriod, where: dict[str, list[str]],
               metrics: list[str], by: list[str] | None = None) -> KpiResult:
        return self.runtime.kpi.query(metrics=metrics, by=by or [], from_date=period.start, to_date=period.end,
                                      where=where, viewer=viewer)

    def _agent_values(self, viewer: Viewer, agent_id: str, chosen: AppraisalPeriod, previous: AppraisalPeriod,
                      metrics: list[str]) -> tuple[tuple[MetricColumn, ...], dict[str, float | None],
                                                   dict[str, float | None]]:
        """The agent's KPIs in the period and the one before. Two months come from one query by month:
        FCR and CSAT cost per query (repeat and survey windows), not per row."""
        where = {"agent": [agent_id]}
        if chosen.kind == "month":
            both = self.runtime.kpi.query(metrics=metrics, by=["month"], from_date=previous.start,
                                          to_date=chosen.end, where=where, viewer=viewer)
            by_month = {str(r["month"])[:7]: r for r in both.rows if r.get("month") is not None}
            return both.metrics, _numbers(by_month.get(chosen.label)), _numbers(by_month.get(previous.label))
        now, then = self._query(viewer, chosen, where, metrics), self._query(viewer, previous, where, metrics)
        return (now.metrics, _numbers(now.rows[0] if now.rows else None),
                _numbers(then.rows[0] if then.rows else None))

    def _trends(self, viewer: Viewer, agent_id: str, period: AppraisalPeriod) -> tuple[TrendSeries, ...]:
        result = self._query(viewer, period, {"agent": [agent_id]}, list(TREND_METRICS), ["week"])
        rows = sorted((r for r in result.rows if r.get("week") is not None), key=lambda r: str(r["week"]))
        labels = dict(KPIS)
        return tuple(
            TrendSeries(c.requested, labels.get(c.requested, c.title), c.unit, c.better,
                        tuple(TrendPoint(str(r["week"])[:10], _number(r.get(c.requested))) for r in rows))
            for c in result.metrics)

    def _quality(self, viewer: Viewer, agent_id: str, chosen: AppraisalPeriod,
                 previous: AppraisalPeriod) -> tuple[tuple[KpiLine, ...], Section]:
        """The agent's QA score, evaluation count and critical fail rate in the period and the one before."""
        if not viewer.can("view_evaluations"):
            return (), Section(False, QA_HIDDEN)
        metrics, labels = [m for m, _ in QA_KPIS], dict(QA_KPIS)
        try:
            now = self._query(viewer, chosen, {"agent": [agent_id]}, metrics)
            then = self._query(viewer, previous, {"agent": [agent_id]}, metrics)
        except CallboardError as exc:  # e.g. a catalog without the quality metrics
            return (), Section(False, exc.message)
        if not _single(now, "qa_evaluations"):
            return (), Section(False, QA_NONE.format(period=chosen.label))
        lines = tuple(KpiLine(c.requested, labels.get(c.requested, c.title), c.resolved, c.unit, c.better,
                              _single(now, c.requested), _single(then, c.requested), None, None)
                      for c in now.metrics)
        return lines, Section(True, "")

    def export_packet(self, viewer: Viewer, agent_id: str,
                      period: str | AppraisalPeriod | None = None) -> AppraisalPacket:
        """The packet for a PDF or CSV download: line managers with export_appraisals only."""
        require_export(viewer, agent_id)
        return self.packet(viewer, agent_id, period)

    def export_csv(self, viewer: Viewer, agent_id: str, period: str | AppraisalPeriod | None = None) -> str:
        return packet_csv(self.export_packet(viewer, agent_id, period))

    def packet(self, viewer: Viewer, agent_id: str, period: str | AppraisalPeriod | None = None) -> AppraisalPacket:
        """The appraisal packet of `agent_id` for `period` (a month `2026-10` or quarter `2026-Q3`)."""
        require_view(viewer, agent_id)
        chosen = self.resolve_period(viewer, agent_id, period)
        previous = chosen.previous()
        team_ids, team_names = self._teams(agent_id, chosen)
        agent_name = KpiBrowser(self.runtime.kpi).agent_names(None).get(agent_id)
        metrics = [m for m, _ in KPIS]
        columns, current, before = self._agent_values(viewer, agent_id, chosen, previous, metrics)
        if agent_name is None and not team_ids and current.get("handled") is None:
            if not any(m.agent_id == agent_id for m in self.runtime.org.memberships()):
                raise NotFound(f"no agent '{agent_id}' in the data or the organisation",
                               hint="open an agent from a team page; agent ids look like a005")
        team_compared = not is_own(viewer, agent_id) and bool(team_ids)
        team = self._query(viewer, chosen, {"team": [team_ids[-1]]}, metrics) if team_compared else None
        fetched = fetch_goals(self.runtime, viewer, agent_id, chosen)
        goals = replace(fetched, rows=tuple(self._labelled(g, agent_id) for g in fetched.rows))
        cards = fetch_scorecards(self.runtime, viewer, agent_id, chosen, HISTORY[chosen.kind])
        qa, qa_section = self._quality(viewer, agent_id, chosen, previous)
        labels = dict(KPIS)
        kpis = tuple(
            KpiLine(c.requested, labels.get(c.requested, c.title), c.resolved, c.unit, c.better,
                    current.get(c.requested), before.get(c.requested),
                    None if c.unit == "count" else _single(team, c.requested),  # a team total is no comparison
                    _match_goal(goals.rows, c.requested, c.resolved))
            for c in columns)
        return AppraisalPacket(
            agent_id=agent_id, agent_name=agent_name or agent_id, teams=tuple(team_names), period=chosen,
            previous_period=previous, generated_at=utc_now(), time_zone=self.runtime.kpi.settings.time_zone, kpis=kpis,
            trends=self._trends(viewer, agent_id, chosen), goals=goals.rows, goals_section=goals.section,
            scorecards=cards.rows, scorecard_section=cards.section,
            qa_section=qa_section, qa=qa, coaching_section=Section(False, COACHING_EMPTY),
            comments=self.comment_book.for_period(viewer, agent_id=agent_id, period=chosen),
            team_compared=team_compared, can_comment=viewer.can("comment_appraisals"),
            can_export=viewer.can("export_appraisals"))

