"""Calibration analysis on a hand-scored session: deviation from the expert, match rates, kappa, ICC, drift."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from callboard.quality.calibration import DriftPoint, Scoring, analyse, code_answer, consensus, drift
from callboard.quality.forms import parse_form

# Points by group, both sections weight 1: score = (q1 + q2 + q3 points) / (1 + 1 + 4) * 100.
# q3 is a 1-5 scale worth 0-4 points.
FORM = parse_form({"name": "Calib", "sections": [
    {"id": "s1", "questions": [{"id": "q1", "text": "Greeting", "type": "yes_no"},
                               {"id": "q2", "text": "Verified", "type": "yes_no", "na_allowed": True}]},
    {"id": "s2", "questions": [{"id": "q3", "text": "Empathy", "type": "scale", "min": 1, "max": 5},
                               {"id": "note", "text": "Notes", "type": "text"}]}]})


def s(ev: str, c: str, q1: str, q2: str, q3: str) -> Scoring:
    return Scoring(ev, c, {"q1": q1, "q2": q2, "q3": q3})


SCORINGS = [
    # expert: c1 100 (1+1+4)/6; c2 50 (1+0+2)/6; c3 66.667 (0+1+3)/6
    s("E", "c1", "yes", "yes", "5"), s("E", "c2", "yes", "no", "3"), s("E", "c3", "no", "yes", "4"),
    # A, lenient: c1 100 (dev 0); c2 (1+1+3)/6 = 83.333 (+33.333); c3 (1+1+3)/6 = 83.333 (+16.667)
    s("A", "c1", "yes", "yes", "5"), s("A", "c2", "yes", "yes", "4"), s("A", "c3", "yes", "yes", "4"),
    # B, strict: c1 (1+0+3)/6 = 66.667 (-33.333); c2 50 (0); c3 (0+1+2)/6 = 50 (-16.667)
    s("B", "c1", "yes", "no", "4"), s("B", "c2", "yes", "no", "3"), s("B", "c3", "no", "yes", "3"),
]


def test_deviation_from_expert_and_leaning() -> None:
    got = analyse(FORM, SCORINGS, expert="E")
    assert got.reference == "expert" and got.evaluators == ("A", "B")
    assert got.reference_scores["c3"] == pytest.approx(400 / 6)
    a, b = got.per_evaluator
    # A: (0 + 33.333 + 16.667)/3 = +16.667; B: (-33.333 + 0 - 16.667)/3 = -16.667
    assert a.mean_deviation_points == pytest.approx(50 / 3)
    assert a.mean_abs_deviation_points == pytest.approx(50 / 3)
    assert b.mean_deviation_points == pytest.approx(-50 / 3)
    assert (a.leaning, b.leaning) == ("lenient", "strict")
    # answers equal to the expert's (q1..q3 on 3 contacts = 9): A 3 + 1 + 2 = 6; B 1 + 3 + 2 = 6
    assert a.question_match_rate == pytest.approx(6 / 9)
    assert b.question_match_rate == pytest.approx(6 / 9)


def test_per_question_agreement_between_raters() -> None:
    got = analyse(FORM, SCORINGS, expert="E")
    q = {x.question_id: x for x in got.questions}
    assert set(q) == {"q1", "q2", "q3"}  # the text question is not compared
    # q1: A yes yes yes, B yes yes no -> 2 of 3 items agree
    assert q["q1"].percent_agreement == pytest.approx(2 / 3)
    # expert q1 = yes yes no: A matches 2, B matches 3 -> 5/6
    assert q["q1"].expert_match_rate == pytest.approx(5 / 6)
    # kappa A vs B: p_o 2/3; A says yes always (1.0), B 2/3 -> p_e = 1*2/3 + 0*1/3 = 2/3 -> kappa 0
    assert q["q1"].mean_pair_kappa == pytest.approx(0.0)
    # q3: A 5 4 4 vs B 4 3 3 never agree
    assert q["q3"].percent_agreement == 0.0


def test_icc_on_totals_by_hand() -> None:
    # totals in units of 100/6: c1 (6, 4), c2 (5, 3), c3 (5, 3); n = 3 contacts, k = 2 raters
    # grand 26/6; row means 5, 4, 4; column means 16/3, 10/3
    # SSR = 2 * ((2/3)^2 + 2*(1/3)^2) = 4/3, MSR = 2/3; SSC = 3 * (1 + 1) = 6, MSC = 6; SST = 22/3 -> SSE = 0
    # ICC(2,1) = MSR / (MSR + k*MSC/n) = (2/3) / (2/3 + 4) = 1/7; ICC(3,1) = MSR/MSR = 1 (B is A minus 33.3)
    got = analyse(FORM, SCORINGS, expert="E").icc
    assert got is not None
    assert got.icc_2_1 == pytest.approx(1 / 7)
    assert got.icc_3_1 == pytest.approx(1.0)


def test_consensus_reference_breaks_ties_by_form_order() -> None:
    c1 = [x for x in SCORINGS if x.contact == "c1" and x.evaluator != "E"]
    # q1: yes/yes -> yes; q2: yes/no tie -> 'yes' (listed first); q3: 5/4 tie -> '4' (scale listed 1..5)
    assert consensus(FORM, c1) == {"q1": "yes", "q2": "yes", "q3": "4"}
    got = analyse(FORM, [x for x in SCORINGS if x.evaluator != "E"])
    assert got.reference == "consensus" and got.evaluators == ("A", "B")
    # consensus c1 = yes yes 4 -> (1+1+3)/6 = 83.333
    assert got.reference_scores["c1"] == pytest.approx(500 / 6)


def test_code_answer() -> None:
    q3 = FORM.question("q3")
    q2 = FORM.question("q2")
    assert q3 is not None and q2 is not None
    assert code_answer(q3, "1") == 0.0 and code_answer(q3, "5") == 4.0
    assert math.isnan(code_answer(q2, "na")) and math.isnan(code_answer(q2, None))


def test_drift_slope_per_30_days() -> None:
    d0 = dt.date(2026, 1, 1)
    # A: +20 on day 0, +10 on day 30, 0 on day 60 -> slope -10 points per 30 days
    pts = [DriftPoint("A", d0, 20), DriftPoint("A", d0 + dt.timedelta(30), 10), DriftPoint("A", d0 + dt.timedelta(60), 0),
           DriftPoint("B", d0, -5)]
    a, b = drift(pts)
    assert a.slope_points_per_30d == pytest.approx(-10)
    assert (a.first_deviation_points, a.last_deviation_points, a.sessions) == (20, 0, 3)
    assert b.slope_points_per_30d is None
