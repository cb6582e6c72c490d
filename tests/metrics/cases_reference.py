"""The reference's published worked numbers (docs/reference/kpi-definitions.md), each as its own case."""

from __future__ import annotations

from tests.metrics.builders import Dataset
from tests.metrics.harness import MetricCase, case


def servicefactor1() -> Dataset:
    """§3 [STATSRV]: 300 answered (200 within T = 20 s: waits 10 s; 100 at 40 s), 100 abandoned (50 within
    the short-abandon time: 3 s; 50 at 30 s). No flow-outs."""
    d = Dataset()
    for i in range(200):
        d.entry(d.contact(f"w{i}"), wait_s=10)
    for i in range(100):
        d.entry(d.contact(f"l{i}"), wait_s=40)
    for i in range(50):
        d.entry(d.contact(f"s{i}"), outcome="abandoned", wait_s=3)
    for i in range(50):
        d.entry(d.contact(f"a{i}"), outcome="abandoned", wait_s=30)
    return d


def sysomos() -> Dataset:
    """§6 [SYSOMOS]: 100 calls, 5,000 s talk + 1,000 s hold + 2,000 s ACW. Spread unevenly: 50 calls of
    70 s talk + 20 s hold + 20 s ACW, 50 calls of 30 s talk + 0 hold + 20 s ACW."""
    d = Dataset()
    for i in range(50):
        d.contact(f"h{i}")
        d.segment(f"h{i}", "a1", talk_s=70, hold_s=20, hold_count=1, acw_s=20)
    for i in range(50):
        d.contact(f"n{i}")
        d.segment(f"n{i}", "a2", talk_s=30, hold_s=0, acw_s=20)
    return d


def youropinion() -> Dataset:
    """§9 [YOUROP]: 100 CSAT responses (1-5), 60 of them rated 4-5: 30 x 5, 30 x 4, 20 x 3, 10 x 2, 10 x 1."""
    d = Dataset()
    scores = [5] * 30 + [4] * 30 + [3] * 20 + [2] * 10 + [1] * 10
    for i, score in enumerate(scores):
        d.contact(f"c{i}")
        d.survey(f"c{i}", "csat", score)
    return d


def gfk() -> Dataset:
    """§9 [GFK, NICEREPLY]: 100 NPS responses: 30% promoters (15 x 10, 15 x 9), 50 passives (25 x 8, 25 x 7),
    20% detractors (10 x 6, 10 x 0)."""
    d = Dataset()
    scores = [10] * 15 + [9] * 15 + [8] * 25 + [7] * 25 + [6] * 10 + [0] * 10
    for i, score in enumerate(scores):
        d.contact(f"c{i}")
        d.survey(f"c{i}", "nps", score, scale=(0, 10))
    return d


CASES: list[MetricCase] = [
    case("ref.s3_servicefactor1", servicefactor1, "service_level.offered_minus_short", 200 / 350,
         "200 / (300 + 100 - 50) = 57.14%", reference="§3 worked number [STATSRV]"),
    case("ref.s3_derived_answered_only_and_offered", servicefactor1,
         ["service_level.answered_only", "service_level.offered"],
         {"service_level.answered_only": 200 / 300, "service_level.offered": 200 / 400},
         "answered_only 200 / 300 = 66.67%; offered 200 / 400 = 50.00%", reference="§3 worked number, derived"),
    case("ref.s3_callboard_equals_servicefactor1", servicefactor1, "service_level", 200 / 350,
         "§3: the default equals ServiceFactor1 when there are no flow-outs: 57.14%", reference="§3"),
    case("ref.s6_sysomos_aht", sysomos, ["aht_s", "aht.generic", "avg_talk_s", "avg_hold_s", "avg_acw_s"],
         {"aht_s": 80.0, "aht.generic": 80.0, "avg_talk_s": 50.0, "avg_hold_s": 10.0, "avg_acw_s": 20.0},
         "(5,000 + 1,000 + 2,000) / 100 = 80 s = 50 + 10 + 20", reference="§6 worked number [SYSOMOS]"),
    case("ref.s9_csat_top2box", youropinion, "csat_top2_rate", 60 / 100, "rated 4-5: 30 fives + 30 fours = 60 of 100 responses = 60%",
         reference="§9 worked number [YOUROP]"),
    case("ref.s9_nps", gfk, "nps", 10.0, "promoters 30 (9-10), detractors 20 (0-6): 100 x (30 - 20) / 100 = +10", reference="§9 worked number [GFK]"),
]
