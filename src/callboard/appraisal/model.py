"""The appraisal packet: what an agent's period looked like, as frozen dataclasses the page, PDF and CSV share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from callboard.appraisal.comments import CommentInfo
from callboard.appraisal.period import AppraisalPeriod


# Goal status in words (the goals service's RAG on the projection at period end): while the goal's period
# runs a goal is "on track", "at risk" or "off track" (the goals page's words); once it has ended, "met" or "not met".
RUNNING_WORDS = {"green": "on track", "amber": "at risk", "red": "off track"}
FINAL_WORDS = {"green": "met", "amber": "not met", "red": "not met"}
OTHER_WORDS = {"none": "no data", "not_started": "not started"}


def goal_status_text(status: str | None, final: bool) -> str:
    """The word for a goal's status: on track / at risk / off track while its period runs, met / not met once it
    ended."""
    key = status or "none"
    return (FINAL_WORDS if final else RUNNING_WORDS).get(key) or OTHER_WORDS.get(key, key)


@dataclass(frozen=True)
class GoalLine:
    """A goal that applies to the agent in the period (their own, or their team's collaborative goal)."""

    name: str
    metric: str  # the resolved catalog request: variant and parameters, e.g. aht.callboard
    scope: str  # "agent a005", "team t_care"; `scope_label` names it for people
    target: float
    direction: str  # higher | lower
    actual: float | None
    status: str | None  # green | amber | red, None without data
    unit: str = ""
    projected: float | None = None
    agent_value: float | None = None  # the agent's own value on a collaborative team goal
    metric_title: str = ""
    final: bool = False  # the goal's period had ended on the day progress was measured to
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    measured_to: dt.date | None = None  # last day counted
    scope_label: str = ""  # "own goal", "team Customer Care (collaborative)"

    @property
    def status_text(self) -> str:
        return goal_status_text(self.status, self.final)


@dataclass(frozen=True)
class KpiLine:
    metric: str  # as requested from the catalog, e.g. aht_s
    label: str
    resolved: str  # the catalog definition behind it, e.g. aht.callboard
    unit: str
    better: str
    value: float | None
    previous_value: float | None  # the same KPI in the period before
    team_value: float | None  # the agent's team over the period (None when the viewer may not compare)
    goal: GoalLine | None  # a goal on the same metric, if any


@dataclass(frozen=True)
class TrendPoint:
    label: str  # the week's first day, YYYY-MM-DD
    value: float | None


@dataclass(frozen=True)
class TrendSeries:
    metric: str
    label: str
    unit: str
    better: str
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class ScorecardPoint:
    """One period of the agent's balanced scorecard."""

    period_label: str
    score: float | None  # overall points, 0-100
    coverage: float | None  # share of the weight with data, 0-1
    rank: int | None
    team_size: int | None  # agents ranked in the team
    team_score: float | None = None


@dataclass(frozen=True)
class Section:
    """A packet section fed by another domain: its rows, or why it is empty."""

    available: bool
    empty_message: str  # shown when there is nothing to show (not built yet, or no data)


@dataclass(frozen=True)
class AppraisalPacket:
    agent_id: str
    agent_name: str
    teams: tuple[str, ...]  # team names the agent belonged to during the period
    period: AppraisalPeriod
    previous_period: AppraisalPeriod
    generated_at: dt.datetime
    time_zone: str
    kpis: tuple[KpiLine, ...]
    trends: tuple[TrendSeries, ...]
    goals: tuple[GoalLine, ...]
    goals_section: Section
    scorecards: tuple[ScorecardPoint, ...]
    scorecard_section: Section
    qa_section: Section
    coaching_section: Section
    comments: tuple[CommentInfo, ...]
    team_compared: bool  # False for an agent's own view: team averages are for line managers
    can_comment: bool
    can_export: bool
    qa: tuple[KpiLine, ...] = ()  # QA score, evaluations, critical fail rate (the KPI catalog's quality metrics)

    @property
    def handled(self) -> float | None:
        return next((k.value for k in self.kpis if k.metric == "handled"), None)
