"""Ranking within a team uses the shrunk rates: 100% on 12 contacts does not outrank 95% on 400."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.scorecards.compute import MIN_RANK_CONTACTS, score_team
from callboard.scorecards.config import ItemConfig, ScorecardConfig
from callboard.scorecards.figures import MetricInfo, RateParts
from callboard.scorecards.periods import period_containing

NOW = dt.datetime(2026, 3, 1)
FCR = MetricInfo("fcr_rate", "fcr.repeat_7d", "First contact resolution", "ratio", "higher", RateParts("num", "den"))
AHT = MetricInfo("aht_s", "aht.callboard", "Average handle time", "seconds", "lower", None)
PERIOD = period_containing("month", dt.date(2026, 2, 10))


def config(*items: ItemConfig) -> ScorecardConfig:
    return ScorecardConfig(1, "Care", "team", "t1", "month", items, NOW, NOW)


def row(agent: str, x: int, n: int, handled: int | None = None, aht: float | None = None) -> dict[str, object]:
    return {"agent": agent, "team": "t1", "fcr_rate": x / n if n else None, "num": x, "den": n,
            "handled": n if handled is None else handled, "aht_s": aht}


# The team of test_stats.py: alpha = 33.8300, beta = 3.2175 (hand computation there).
TEAM_ROWS = [row("small", 12, 12), row("b", 380, 400), row("c", 380, 400), row("d", 360, 400), row("e", 340, 400)]


def test_one_hundred_percent_on_12_is_not_ranked_above_95_percent_on_400() -> None:
    card = score_team(config=config(ItemConfig(0, "kpi", "fcr_rate", 1, 0.80, 1.00)), infos={"fcr_rate": FCR},
                      rows=TEAM_ROWS, qa={}, names={}, period=PERIOD, team_id="t1", team_name="Care")
    by_agent = {a.agent_id: a for a in card.agents}
    small, b = by_agent["small"], by_agent["b"]
    # Measured, the small sample wins: 100% -> 100 points against 95% -> (0.95-0.80)/0.20 = 75 points.
    assert small.score == pytest.approx(100.0) and b.score == pytest.approx(75.0)
    # Shrunk: 0.93440 -> (0.93440-0.80)/0.20*100 = 67.20 points; 0.94688 -> 73.44 points.
    assert small.items[0].shrunk == pytest.approx(0.93440, abs=1e-5)
    assert small.fair_score == pytest.approx(67.20, abs=0.01)
    assert b.fair_score == pytest.approx(73.44, abs=0.01)
    # b and c tie for 1st (same counts), small is 3rd, ahead of d (0.90111) and e (0.85535).
    assert [(a.agent_id, a.rank) for a in card.agents] == [("b", 1), ("c", 1), ("small", 3), ("d", 4), ("e", 5)]
    assert card.ranked_agents == 5
    assert "shrinkage" in card.ranking_rule


def test_wilson_interval_is_attached_to_each_rate() -> None:
    card = score_team(config=config(ItemConfig(0, "kpi", "fcr_rate", 1, 0.80, 1.00)), infos={"fcr_rate": FCR},
                      rows=[row("a", 8, 10, handled=20), row("b", 300, 400)], qa={}, names={}, period=PERIOD,
                      team_id="t1", team_name="Care")
    item = next(a for a in card.agents if a.agent_id == "a").items[0]
    assert (item.successes, item.trials) == (8, 10)
    assert (round(item.ci_low, 4), round(item.ci_high, 4)) == (0.4902, 0.9433)  # type: ignore[arg-type]


def test_weights_renormalise_over_items_with_data_and_qa_slot_stays_empty() -> None:
    # FCR weight 60 (b: 95% -> 75 points measured), AHT weight 40 (no AHT -> no data), QA 20 (no provider data):
    # score = 75 (only FCR has data), coverage = 60 / 120 = 0.5.
    items = (ItemConfig(0, "kpi", "fcr_rate", 60, 0.80, 1.00), ItemConfig(1, "kpi", "aht_s", 40, 420, 240),
             ItemConfig(2, "qa", "qa_score", 20, 60, 90))
    card = score_team(config=config(*items), infos={"fcr_rate": FCR, "aht_s": AHT}, rows=TEAM_ROWS, qa={},
                      names={}, period=PERIOD, team_id="t1", team_name="Care")
    b = next(a for a in card.agents if a.agent_id == "b")
    assert b.score == pytest.approx(75.0)
    assert b.coverage == pytest.approx(0.5)
    assert b.items[2].value is None and card.items[2].team_value_basis == "no data"


def test_outliers_good_and_bad_with_reasons() -> None:
    # Eight agents at 85-91% on 400, one at 65% (260/400) and one at 99.5% (398/400). The fitted prior is about
    # Beta(12.68, 1.90) with a 95% range of about 0.662-0.984; shrunk: low 0.6577 (below), high 0.9906 (above),
    # the others 0.85-0.91 (inside).
    counts = [352, 356, 360, 344, 348, 364, 340, 356]
    rows = [row(f"m{i}", x, 400) for i, x in enumerate(counts)] + [row("low", 260, 400), row("high", 398, 400)]
    card = score_team(config=config(ItemConfig(0, "kpi", "fcr_rate", 1, 0.80, 1.00)), infos={"fcr_rate": FCR},
                      rows=rows, qa={}, names={}, period=PERIOD, team_id="t1", team_name="Care")
    summary = card.items[0]
    assert (summary.usual_low, summary.usual_high) == (pytest.approx(0.6622, abs=5e-4), pytest.approx(0.9839, abs=5e-4))
    flagged = {a.agent_id: a.outliers[0] for a in card.agents if a.outliers}
    assert {agent: o.side for agent, o in flagged.items()} == {"low": "bad", "high": "good"}
    assert "below the team's usual range" in flagged["low"].reason
    assert "above the team's usual range" in flagged["high"].reason


def test_lower_is_better_outlier_is_good_below_the_range() -> None:
    # AHT by Tukey fences over agents with >= MIN_RANK_CONTACTS handled: values 200, 210, 220, 230, 240, 100.
    # sorted 100 200 210 220 230 240: Q1 at 1.25 -> 202.5, Q3 at 3.75 -> 227.5, IQR 25 -> fences 165 and 265.
    rows = [row(f"a{i}", 1, 1, handled=MIN_RANK_CONTACTS, aht=v) for i, v in enumerate([200, 210, 220, 230, 240, 100])]
    card = score_team(config=config(ItemConfig(0, "kpi", "aht_s", 1, 420, 240)), infos={"aht_s": AHT}, rows=rows,
                      qa={}, names={}, period=PERIOD, team_id="t1", team_name="Care")
    assert (card.items[0].usual_low, card.items[0].usual_high) == (pytest.approx(165.0), pytest.approx(265.0))
    fast = next(a for a in card.agents if a.agent_id == "a5")
    assert fast.outliers and fast.outliers[0].side == "good"


def test_too_few_contacts_are_shown_but_not_ranked() -> None:
    rows = [*TEAM_ROWS, row("new", 3, 3, handled=MIN_RANK_CONTACTS - 1)]
    card = score_team(config=config(ItemConfig(0, "kpi", "fcr_rate", 1, 0.80, 1.00)), infos={"fcr_rate": FCR},
                      rows=rows, qa={}, names={}, period=PERIOD, team_id="t1", team_name="Care")
    new = next(a for a in card.agents if a.agent_id == "new")
    assert new.rank is None and "fewer than" in (new.not_ranked_reason or "")
    assert card.agents[-1].agent_id == "new"


def test_an_item_without_data_counts_at_the_teams_level_when_ranking() -> None:
    """An agent whose source reports no ASA (say, a branch PBX) does not top the ranking on AHT alone."""
    asa = MetricInfo("asa_s", "asa.callboard", "Average speed of answer", "seconds", "lower", None)
    items = (ItemConfig(0, "kpi", "aht_s", 50, 420, 240), ItemConfig(1, "kpi", "asa_s", 50, 60, 10))
    rows = [{"agent": "full", "team": "t1", "handled": 100, "aht_s": 270.0, "asa_s": 10.0},
            {"agent": "partial", "team": "t1", "handled": 100, "aht_s": 240.0, "asa_s": None},
            {"agent": "other", "team": "t1", "handled": 100, "aht_s": 400.0, "asa_s": 50.0}]
    card = score_team(config=config(*items), infos={"aht_s": AHT, "asa_s": asa}, rows=rows, qa={}, names={},
                      period=PERIOD, team_id="t1", team_name="Care")
    by_agent = {a.agent_id: a for a in card.agents}
    # full: AHT (420-270)/(420-240) = 83.33 points, ASA (60-10)/(60-10) = 100 -> 91.67
    # partial: AHT 100 points; ASA has no data: the team's median ASA of full and other, (10+50)/2 = 30 s, earns
    #   (60-30)/(60-10) = 60 points -> ranking score (100+60)/2 = 80; its measured score stays 100 over AHT alone
    # other: AHT (420-400)/180 = 11.11, ASA (60-50)/50 = 20 -> 15.56
    assert by_agent["full"].fair_score == pytest.approx(91.667, abs=0.001)
    assert by_agent["partial"].fair_score == pytest.approx(80.0)
    assert by_agent["partial"].score == pytest.approx(100.0) and by_agent["partial"].coverage == pytest.approx(0.5)
    assert by_agent["other"].fair_score == pytest.approx(15.556, abs=0.001)
    assert [(a.agent_id, a.rank) for a in card.agents] == [("full", 1), ("partial", 2), ("other", 3)]
    assert "no data for counts at the team's level" in card.ranking_rule
