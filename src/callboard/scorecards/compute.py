"""Score one team for one period (pure: no database, no queries).

Inputs are the KPI rows of the team's agents (one per agent, from ScorecardFigures.agent_rows), the
metric descriptions, the QA scores and the scorecard configuration. See stats.py for the statistics.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callboard.scorecards.config import ItemConfig, ScorecardConfig
from callboard.scorecards.figures import VOLUME_METRIC, MetricInfo
from callboard.scorecards.periods import ScorePeriod
from callboard.scorecards.points import item_points, overall
from callboard.scorecards.results import (
    RANKING_RULE,
    AgentScore,
    ItemScore,
    Outlier,
    QaScore,
    TeamItemSummary,
    TeamScorecard,
)
from callboard.scorecards.stats import BetaPrior, fit_beta_prior, tukey_fences, wilson_interval

MIN_RANK_CONTACTS = 10  # fewer handled contacts in the period: shown, not ranked
QA_LABEL = "Quality score"


def short_value(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "seconds":
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes}:{seconds:02d}"
    return f"{value:.3g}"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class _ItemStats:
    summary: TeamItemSummary
    prior: BetaPrior | None
    fences: tuple[float, float] | None


def _describe(item: ItemConfig, infos: Mapping[str, MetricInfo]) -> tuple[str, str, MetricInfo | None]:
    if item.kind == "qa":
        return QA_LABEL, "points", None
    info = infos[item.metric]
    return info.title, info.unit, info


def _counts(row: Mapping[str, Any], info: MetricInfo) -> tuple[int, int]:
    assert info.rate is not None
    return int(_number(row.get(info.rate.numerator)) or 0), int(_number(row.get(info.rate.denominator)) or 0)


def _value(row: Mapping[str, Any], item: ItemConfig, qa: Mapping[str, QaScore]) -> float | None:
    if item.kind == "qa":
        found = qa.get(str(row["agent"]))
        return found.value if found else None
    return _number(row.get(item.metric))


def _item_stats(item: ItemConfig, infos: Mapping[str, MetricInfo], rows: list[dict[str, Any]],
                qa: Mapping[str, QaScore]) -> _ItemStats:
    label, unit, info = _describe(item, infos)
    prior, fences, low, high, alpha, beta = None, None, None, None, None, None
    values = [v for v in (_value(r, item, qa) for r in rows) if v is not None]
    if info is not None and info.rate is not None:
        counts = [_counts(r, info) for r in rows]
        prior = fit_beta_prior(counts)
        with_data = sum(1 for _, n in counts if n > 0)
        total = sum(n for _, n in counts)
        team_value = sum(x for x, _ in counts) / total if total else None
        basis = "team rate" if team_value is not None else "no data"
        if prior is not None:
            low, high = prior.interval()
            alpha, beta = (None, None) if prior.pooled else (prior.alpha, prior.beta)
    else:
        with_data = len(values)
        team_value = statistics.median(values) if values else None
        basis = "agents' median" if values else "no data"
        if item.kind == "kpi":
            steady = [v for r in rows if (v := _value(r, item, qa)) is not None
                      and (_number(r.get(VOLUME_METRIC)) or 0) >= MIN_RANK_CONTACTS]
            fences = tukey_fences(steady)
            if fences:
                low, high = fences
    summary = TeamItemSummary(item.position, item.kind, item.metric, label, unit, item.direction, item.weight,
                              item.floor, item.target, team_value, basis, low, high, alpha, beta, with_data)
    return _ItemStats(summary, prior, fences)


def _outlier(stats: _ItemStats, estimate: float | None, raw: float | None, trials: int | None,
             handled: int) -> Outlier | None:
    s = stats.summary
    if estimate is None or s.usual_low is None or s.usual_high is None:
        return None
    if stats.prior is None and (stats.fences is None or handled < MIN_RANK_CONTACTS):
        return None
    if s.usual_low <= estimate <= s.usual_high:
        return None
    above = estimate > s.usual_high
    good = above == (s.direction == "higher")
    usual = f"{short_value(s.usual_low, s.unit)}–{short_value(s.usual_high, s.unit)}"
    if stats.prior is not None:
        what = (f"{s.label} {short_value(estimate, s.unit)} after shrinkage "
                f"({short_value(raw, s.unit)} measured, n={trials})")
    else:
        what = f"{s.label} {short_value(estimate, s.unit)}"
    reason = f"{what} is {'above' if above else 'below'} the team's usual range {usual}"
    return Outlier(s.metric, s.label, "good" if good else "bad", reason)


def _agent_item(item: ItemConfig, stats: _ItemStats, info: MetricInfo | None, row: Mapping[str, Any],
                qa: Mapping[str, QaScore], handled: int) -> ItemScore:
    s = stats.summary
    value = _value(row, item, qa)
    successes = trials = None
    ci_low = ci_high = shrunk = None
    estimate = value
    if info is not None and info.rate is not None:
        successes, trials = _counts(row, info)
        interval = wilson_interval(successes, trials)
        if interval is not None:
            ci_low, ci_high = interval
            shrunk = stats.prior.shrink(successes, trials) if stats.prior is not None else value
            estimate = shrunk
        else:
            estimate = None
    points = item_points(value, item.floor, item.target)
    fair = item_points(estimate, item.floor, item.target)
    outlier = _outlier(stats, estimate, value, trials, handled)
    return ItemScore(item.position, item.kind, item.metric, s.label, s.unit, item.direction, item.weight, item.floor,
                     item.target, value, successes, trials, ci_low, ci_high, shrunk, points, fair, outlier)


def _competition_ranks(scores: list[tuple[str, float]]) -> dict[str, int]:
    """1, 2, 2, 4: equal fair scores (to 1e-9) share a rank."""
    ranks: dict[str, int] = {}
    previous: float | None = None
    for position, (agent, score) in enumerate(scores, start=1):
        if previous is None or abs(score - previous) > 1e-9:
            rank = position
        ranks[agent] = rank
        previous = score
    return ranks


def score_team(*, config: ScorecardConfig, infos: Mapping[str, MetricInfo], rows: list[dict[str, Any]],
               qa: Mapping[str, QaScore], names: Mapping[str, str], period: ScorePeriod, team_id: str,
               team_name: str) -> TeamScorecard:
    """`rows`: one per agent of this team (KPI rows keyed by requested metric names, plus `handled`)."""
    stats = [_item_stats(item, infos, rows, qa) for item in config.items]
    # An item an agent has no data for counts at the team's level when ranking (the zero-contact limit of the
    # shrinkage): a strong run on the items one source reports does not outrank agents measured on all of them.
    team_points = [item_points(st.summary.team_value, item.floor, item.target)
                   for item, st in zip(config.items, stats, strict=True)]
    scored = []
    for row in rows:
        handled = int(_number(row.get(VOLUME_METRIC)) or 0)
        items = tuple(_agent_item(item, st, None if item.kind == "qa" else infos[item.metric], row, qa, handled)
                      for item, st in zip(config.items, stats, strict=True))
        raw = overall([(i.weight, i.points) for i in items])
        fair = overall([(i.weight, i.fair_points if i.fair_points is not None else team)
                        for i, team in zip(items, team_points, strict=True)])
        scored.append((str(row["agent"]), handled, items, raw, fair))
    eligible = sorted(((a, f.score, r.score or 0.0) for a, h, _, r, f in scored
                       if f.score is not None and h >= MIN_RANK_CONTACTS), key=lambda t: (-t[1], -t[2], t[0]))
    ranks = _competition_ranks([(a, s) for a, s, _ in eligible])
    agents = []
    for agent, handled, items, raw, fair in scored:
        reason = None
        if agent not in ranks:
            reason = ("no scorecard item has data" if fair.score is None
                      else f"{handled} handled contacts (fewer than {MIN_RANK_CONTACTS})")
        agents.append(AgentScore(agent, names.get(agent, ""), team_id, handled, items, raw.score, fair.score,
                                 raw.coverage, ranks.get(agent), reason,
                                 tuple(i.outlier for i in items if i.outlier is not None)))
    agents.sort(key=lambda a: (a.rank is None, a.rank or 0, -(a.fair_score or -1.0), a.agent_id))
    team_scores = [a.score for a in agents if a.score is not None]
    return TeamScorecard(team_id, team_name, period, config, tuple(s.summary for s in stats), tuple(agents),
                         statistics.fmean(team_scores) if team_scores else None, len(ranks),
                         RANKING_RULE.format(min_contacts=MIN_RANK_CONTACTS))
