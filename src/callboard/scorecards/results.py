"""What the scorecard service returns: frozen dataclasses for the pages, the API and the appraisal packet."""

from __future__ import annotations

from dataclasses import dataclass

from callboard.scorecards.config import ScorecardConfig
from callboard.scorecards.periods import ScorePeriod

RANKING_RULE = ("Agents are ranked by their overall score with every rate first pulled toward the team's rate in "
                "proportion to how few contacts it rests on (empirical-Bayes shrinkage), so a perfect run on a "
                "handful of contacts does not outrank a strong record on hundreds; an item an agent has no data "
                "for counts at the team's level; agents with fewer than {min_contacts} handled contacts in the "
                "period are shown but not ranked.")


@dataclass(frozen=True)
class QaScore:
    """One agent's quality score for a period, from the quality module: 0-100 and the evaluations behind it."""

    value: float
    evaluations: int


@dataclass(frozen=True)
class Outlier:
    metric: str
    label: str
    side: str  # good | bad
    reason: str


@dataclass(frozen=True)
class ItemScore:
    """One scorecard item for one agent. For binomial rates: successes/trials, the Wilson 95% interval and
    the shrunk estimate; `points` come from the value as measured, `fair_points` from the shrunk value
    (the same as `points` for other KPIs and the QA slot)."""

    position: int
    kind: str  # kpi | qa
    metric: str
    label: str
    unit: str
    direction: str  # higher | lower
    weight: float
    floor: float
    target: float
    value: float | None
    successes: int | None
    trials: int | None
    ci_low: float | None
    ci_high: float | None
    shrunk: float | None
    points: float | None
    fair_points: float | None
    outlier: Outlier | None


@dataclass(frozen=True)
class AgentScore:
    agent_id: str
    agent_name: str
    team_id: str
    handled: int
    items: tuple[ItemScore, ...]
    score: float | None  # weighted points from the values as measured
    fair_score: float | None  # weighted points with shrunk rates: what ranks
    coverage: float  # share of the weight with data
    rank: int | None  # within the team, 1 = best; None when not ranked
    not_ranked_reason: str | None
    outliers: tuple[Outlier, ...]


@dataclass(frozen=True)
class TeamItemSummary:
    position: int
    kind: str
    metric: str
    label: str
    unit: str
    direction: str
    weight: float
    floor: float
    target: float
    team_value: float | None  # pooled rate (sum of successes / sum of trials) or the agents' median
    team_value_basis: str  # "team rate" | "agents' median" | "no data"
    usual_low: float | None  # the team's usual range: Beta prior 95% (rates) or Tukey fences (others)
    usual_high: float | None
    prior_alpha: float | None
    prior_beta: float | None
    agents_with_data: int


@dataclass(frozen=True)
class TeamScorecard:
    team_id: str
    team_name: str
    period: ScorePeriod
    scorecard: ScorecardConfig
    items: tuple[TeamItemSummary, ...]
    agents: tuple[AgentScore, ...]  # ranked first (by rank), then the unranked
    team_score: float | None  # mean of the agents' scores
    ranked_agents: int
    ranking_rule: str


@dataclass(frozen=True)
class AgentScorecard:
    """One agent's scorecard: their own row, their rank among `ranked_agents`, and the team's summary
    (aggregates only, never a colleague's row)."""

    agent: AgentScore
    team_id: str
    team_name: str
    period: ScorePeriod
    scorecard: ScorecardConfig
    items: tuple[TeamItemSummary, ...]
    team_score: float | None
    ranked_agents: int
    ranking_rule: str


@dataclass(frozen=True)
class HistoryPoint:
    period: ScorePeriod
    team_id: str | None
    score: float | None
    fair_score: float | None
    coverage: float
    rank: int | None
    ranked_agents: int
    team_score: float | None


@dataclass(frozen=True)
class TeamHistory:
    """Score per period for each agent in the team (visible to team viewers only) and the team mean."""

    team_id: str
    periods: tuple[ScorePeriod, ...]
    team_scores: tuple[float | None, ...]
    agent_scores: tuple[tuple[str, str, tuple[float | None, ...]], ...]  # (agent_id, name, score per period)
