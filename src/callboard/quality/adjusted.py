"""Each agent's QA score beside the score adjusted for who evaluated them (quality/severity.py), for the agent
page and the scorecard's QA slot. The raw mean stays the scored value; the adjusted one is shown beside it.

The model is fitted on every counted evaluation with a score whose contact falls in the period (all agents:
an evaluator's severity is learnt from everyone they scored), then only the agents asked for are returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from callboard.quality.severity import fit_severity
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.quality_models import QaEvaluation

EXPLANATION = ("Adjusted: the score this agent would get from an average evaluator, after removing each "
               "evaluator's leniency or strictness estimated from all evaluations in the period; the raw mean is "
               "what the scorecard scores.")


@dataclass(frozen=True)
class AdjustedQa:
    agent_id: str
    raw: float  # mean of the agent's evaluation scores (what the scorecard's QA slot scores)
    adjusted: float  # expected score from an average evaluator (two-way fixed effects)
    evaluations: int
    evaluators: int  # distinct evaluators who scored this agent in the period

    @property
    def adjustment_points(self) -> float:
        return self.adjusted - self.raw


def adjusted_qa(db: AppDb, agent_ids: Iterable[str], start: dt.date, end: dt.date) -> dict[str, AdjustedQa]:
    """Trusted (no viewer): the agents' raw and adjusted QA scores over contacts dated start..end (inclusive);
    the same evaluations as `qa_score` (submitted or later, calibration excluded, latest revision, score set)."""
    wanted = set(agent_ids)
    if not wanted:
        return {}
    q = (select(QaEvaluation.agent_id, QaEvaluation.evaluator, QaEvaluation.score_pct)
         .where(QaEvaluation.state != "draft", QaEvaluation.is_calibration.is_(False),
                QaEvaluation.score_pct.is_not(None),
                QaEvaluation.contact_at >= dt.datetime.combine(start, dt.time()),
                QaEvaluation.contact_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time())))
    with db.session() as s:
        rows = [(a, e, float(v)) for a, e, v in s.execute(q).all()]
    if not any(a in wanted for a, _, _ in rows):
        return {}
    model = fit_severity([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    evaluators: dict[str, set[str]] = {}
    for agent, evaluator, _ in rows:
        evaluators.setdefault(agent, set()).add(evaluator)
    return {a.agent_id: AdjustedQa(a.agent_id, a.raw_mean, a.adjusted, a.evaluations, len(evaluators[a.agent_id]))
            for a in model.agents if a.agent_id in wanted}
