"""QA operations figures behind /quality/reports: evaluator-adjusted agent scores and the operations reports
(the fail-rate trends come from the KPI catalog instead: QualityService.fail_trend, quality/fail_trend.py).

Access: `view_evaluations` and `view_teams` (supervisors, QA analysts, managers, admins; not agents). Rows are
limited to the viewer's agents: productivity and dispute figures count only evaluations of
agents the viewer may see. The severity model is fitted on every counted evaluation in the range (evaluator
effects need them all) and then only the viewer's agents are returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from callboard.core.errors import Forbidden
from callboard.core.viewer import Viewer
from callboard.quality.evaluation_source import EvalRecord, EvaluationSource, counted
from callboard.quality.ops_reports import (
    DisputeStats,
    Productivity,
    dispute_stats,
    evaluator_productivity,
)
from callboard.quality.severity import SeverityModel, fit_severity

MIN_EVALUATIONS_FOR_EFFECT = 10  # fewer than this: the page marks the evaluator's effect as tentative


@dataclass(frozen=True)
class AdjustedScores:
    model: SeverityModel
    from_date: dt.date
    to_date: dt.date


class QaOps:
    def __init__(self, source: EvaluationSource) -> None:
        self.source = source

    @staticmethod
    def _require(viewer: Viewer) -> None:
        viewer.require("view_evaluations")
        if not viewer.can("view_teams"):
            raise Forbidden("QA operations reports are for supervisors, QA analysts and managers",
                            hint="agents see their own evaluations under Quality")

    def _scoped(self, viewer: Viewer, from_date: dt.date, to_date: dt.date) -> list[EvalRecord]:
        return [r for r in self.source.records(from_date=from_date, to_date=to_date) if viewer.sees_agent(r.agent_id)]

    def adjusted_scores(self, viewer: Viewer, *, from_date: dt.date, to_date: dt.date) -> AdjustedScores:
        self._require(viewer)
        rows = counted(self.source.records(from_date=from_date, to_date=to_date))
        model = fit_severity([r.agent_id for r in rows], [r.evaluator for r in rows],
                             [r.score_pct for r in rows])  # type: ignore[misc]
        agents = tuple(a for a in model.agents if viewer.sees_agent(a.agent_id))
        scoped = SeverityModel(model.evaluators, agents, model.evaluations, model.components, model.residual_sd)
        return AdjustedScores(scoped, from_date, to_date)

    def productivity(self, viewer: Viewer, *, from_date: dt.date, to_date: dt.date) -> list[Productivity]:
        self._require(viewer)
        # productivity is by submission date: read contacts from a month earlier too
        rows = [r for r in self.source.records(from_date=from_date - dt.timedelta(days=31), to_date=to_date)
                if viewer.sees_agent(r.agent_id)]
        return evaluator_productivity(rows, from_date=from_date, to_date=to_date)

    def disputes(self, viewer: Viewer, *, from_date: dt.date, to_date: dt.date) -> list[DisputeStats]:
        self._require(viewer)
        return dispute_stats(self._scoped(viewer, from_date, to_date))

    def latest_day(self) -> dt.date | None:
        """The last contact day with an evaluation (the reports' default end)."""
        days = [r.contact_at.date() for r in self.source.records() if r.counted]
        return max(days) if days else None
