"""CSAT, NPS and CES by hand (§9): bands, scales never mixed, last response wins, the survey window,
credit to the last agent and bucketing by contact arrival.
"""

from __future__ import annotations

import datetime as dt

from tests.metrics.builders import T0, Dataset
from tests.metrics.harness import MetricCase, case

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def _contacts(d: Dataset, n: int, prefix: str, *, at: dt.datetime = T0) -> list[str]:
    out = []
    for i in range(n):
        cid = d.contact(f"{prefix}{i}", at=at)
        d.segment(cid, "a1", talk_s=60)
        out.append(cid)
    return out


def csat_mix() -> Dataset:
    """1-5 scale: 5, 4, 3, 2, 1 and one unrated (NULL score); 1-3 scale: 3 and 2."""
    d = Dataset()
    for cid, score in zip(_contacts(d, 6, "f"), [5, 4, 3, 2, 1, None], strict=True):
        d.survey(cid, "csat", score, scale=(1, 5))
    for cid, score in zip(_contacts(d, 2, "t"), [3, 2], strict=True):
        d.survey(cid, "csat", score, scale=(1, 3))
    return d


def nps_negative() -> Dataset:
    """0-10: 10, 9 (promoters), 8, 7 (passives), 6, 3, 0 (detractors)."""
    d = Dataset()
    for cid, score in zip(_contacts(d, 7, "n"), [10, 9, 8, 7, 6, 3, 0], strict=True):
        d.survey(cid, "nps", score, scale=(0, 10))
    return d


def ces_mix() -> Dataset:
    """CES 2.0 on 1-7: 7, 6, 5, 4, 2; on 1-5: 5, 2; the 2010 effort question ('ces_effort', lower is
    better): 2, 4."""
    d = Dataset()
    for cid, score in zip(_contacts(d, 5, "s"), [7, 6, 5, 4, 2], strict=True):
        d.survey(cid, "ces", score, scale=(1, 7))
    for cid, score in zip(_contacts(d, 2, "f"), [5, 2], strict=True):
        d.survey(cid, "ces", score, scale=(1, 5))
    for cid, score in zip(_contacts(d, 2, "e"), [2, 4], strict=True):
        d.survey(cid, "ces_effort", score, scale=(1, 5))
    return d


def last_response_wins() -> Dataset:
    """c1 answers CSAT 2 at +1 h, then 5 at +2 h; c2 answers 4."""
    d = Dataset()
    c1, c2 = _contacts(d, 2, "c")
    d.survey(c1, "csat", 2, after=HOUR, response_id="r1")
    d.survey(c1, "csat", 5, after=2 * HOUR, response_id="r2")
    d.survey(c2, "csat", 4, after=HOUR, response_id="r3")
    return d


def survey_window() -> Dataset:
    """c1: CSAT 5 at +1 d, then 1 at +8 d (after the 7-day window); c2: only 4 at +8 d; c3: 2 at +6 d 23 h."""
    d = Dataset()
    c1, c2, c3 = _contacts(d, 3, "c")
    d.survey(c1, "csat", 5, after=DAY)
    d.survey(c1, "csat", 1, after=8 * DAY)
    d.survey(c2, "csat", 4, after=8 * DAY)
    d.survey(c3, "csat", 2, after=6 * DAY + 23 * HOUR)
    return d


def credit_and_bucket() -> Dataset:
    """c1 arrives 2026-03-02 22:00 UTC, a1 transfers it to a2; the customer answers CSAT 5 on 2026-03-04.
    c2 arrives 2026-03-03 10:00, handled by a1 alone, CSAT 2 the same day."""
    d = Dataset()
    at = dt.datetime(2026, 3, 2, 22, 0)
    d.contact("c1", at=at)
    d.segment("c1", "a1", talk_s=60, transferred_out=True)
    d.segment("c1", "a2", talk_s=60, seq=1, at=at + dt.timedelta(minutes=5))
    d.survey("c1", "csat", 5, after=dt.timedelta(days=1, hours=12))
    d.contact("c2", at=dt.datetime(2026, 3, 3, 10, 0))
    d.segment("c2", "a1", talk_s=60)
    d.survey("c2", "csat", 2, after=HOUR)
    return d


CSAT = "csat_mix: 1-5 scores 5, 4, 3, 2, 1, (unrated); 1-3 scores 3, 2"

CASES: list[MetricCase] = [
    case("csat.top2box", csat_mix, ["csat_top2_rate", "csat.top2box_5pt", "csat"],
         {"csat_top2_rate": 2 / 5, "csat.top2box_5pt": 2 / 5, "csat": 2 / 5},
         f"{CSAT}: 4-5 (4 inclusive) = 2 of 5 rated 1-5 responses; the unrated and the 1-3 answers are not in it"),
    case("csat.top_box", csat_mix, "csat.top_box", 1 / 5, "only 5s count: 1 of 5 rated on 1-5"),
    case("csat.mean", csat_mix, ["csat_mean", "csat.mean"], {"csat_mean": 3.0, "csat.mean": 3.0},
         "(5 + 4 + 3 + 2 + 1) / 5 = 3.0 on 1-5 only; the 1-3 answers are never averaged in"),
    case("csat.weighted_mean", csat_mix, "csat.weighted_mean", (1 + 0.75 + 0.5 + 0.25 + 0) / 5,
         "5 -> 100%, 4 -> 75%, 3 -> 50%, 2 -> 25%, 1 -> 0%: (1 + .75 + .5 + .25 + 0) / 5 = 50%"),
    case("csat.zendesk_binary", csat_mix, ["csat_binary_rate", "csat.zendesk_binary"],
         {"csat_binary_rate": 3 / 7, "csat.zendesk_binary": 3 / 7},
         "good: 5, 4 on 1-5 and 3 on 1-3 = 3; rated: 5 + 2 = 7 (unrated excluded) -> 3/7"),
    case("nps.negative", nps_negative, ["nps", "nps.standard"],
         {"nps": 100 * (2 - 3) / 7, "nps.standard": 100 * (2 - 3) / 7},
         "promoters 10, 9 (9 inclusive) = 2; detractors 6, 3, 0 (6 inclusive) = 3; passives count only below: "
         "100 x (2 - 3) / 7 = -14.29 (signed, never wrapped)"),
    case("ces.v2_mean", ces_mix, ["ces_mean", "ces.v2_mean_7pt", "ces", "ces.mean"],
         {"ces_mean": 24 / 5, "ces.v2_mean_7pt": 24 / 5, "ces": 24 / 5, "ces.mean": 24 / 5},
         "7-point answers only: (7 + 6 + 5 + 4 + 2) / 5 = 4.8; the 1-5 answers are never mixed in"),
    case("ces.low_effort_shares", ces_mix,
         ["ces.v2_low_effort_pct", "ces.pct_5to7_7pt", "ces.gitlab_zendesk", "ces.gitlab_zendesk_high_effort"],
         {"ces.v2_low_effort_pct": 3 / 5, "ces.pct_5to7_7pt": 3 / 5, "ces.gitlab_zendesk": 3 / 5,
          "ces.gitlab_zendesk_high_effort": 1 / 5},
         "5-7 (low effort): 7, 6, 5 = 3/5; 1-3 (high effort): 2 = 1/5; 4 is neutral"),
    case("ces.mean_5pt", ces_mix, "ces.mean_5pt", (5 + 2) / 2, "1-5 answers: (5 + 2) / 2 = 3.5"),
    case("ces.original_2010", ces_mix, "ces.original_2010", (2 + 4) / 2,
         "effort question: (2 + 4) / 2 = 3.0, lower is better"),
    case("survey.last_response_wins", last_response_wins, ["csat_top2_rate", "csat_mean"],
         {"csat_top2_rate": 2 / 2, "csat_mean": (5 + 4) / 2},
         "c1's later answer 5 replaces its 2: responses 5, 4 -> top-2 2/2, mean 4.5 (not (2 + 5 + 4) / 3)"),
    case("survey.window", survey_window, ["csat_top2_rate", "csat_mean"],
         {"csat_top2_rate": 1 / 2, "csat_mean": (5 + 2) / 2},
         "answers after 7 days are not accepted: c1 keeps its +1 d answer 5 (the +8 d answer 1 is ignored, §9 "
         "'responses are accepted for 7 days ... the last response counts'), c2 has none, c3's +6 d 23 h "
         "answer 2 counts -> top-2 1/2, mean 3.5"),
    case("survey.credit_last_agent_by_arrival_day", credit_and_bucket, "csat_top2_rate",
         [{"agent": "a2", "day": "2026-03-02", "csat_top2_rate": 1.0},
          {"agent": "a1", "day": "2026-03-03", "csat_top2_rate": 0.0}],
         "c1's answer (given 03-04) goes to its arrival day 03-02 and to a2, the last agent, not to a1 who "
         "transferred it; c2's 2 goes to a1 on 03-03",
         by=["agent", "day"]),
    case("survey.period_by_arrival", credit_and_bucket, "csat_top2_rate", 1.0,
         "--to 2026-03-02 keeps c1 (arrived 03-02 22:00) with its answer given on 03-04, after --to; c2 (03-03) "
         "is out -> 1/1",
         from_date="2026-03-02", to_date="2026-03-02"),
]
