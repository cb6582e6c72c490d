"""Agreement statistics against hand-computed and published values on small tables (reference §14)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from callboard.quality.agreement import (
    category_counts,
    cohen_kappa,
    fleiss_kappa,
    icc,
    kappa_band,
    krippendorff_alpha,
    pair_agreement_rate,
    pairwise_kappas,
    percent_agreement,
    question_agreement,
)

NAN = math.nan


def _from_2x2(yy: int, yn: int, ny: int, nn: int) -> tuple[list[str], list[str]]:
    a = ["y"] * yy + ["y"] * yn + ["n"] * ny + ["n"] * nn
    b = ["y"] * yy + ["n"] * yn + ["y"] * ny + ["n"] * nn
    return a, b


def test_cohen_kappa_2x2_by_hand() -> None:
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    # p_o = (20 + 15)/50 = 0.70
    # A says yes 25/50 = 0.5, B says yes 30/50 = 0.6
    # p_e = 0.5*0.6 + 0.5*0.4 = 0.30 + 0.20 = 0.50
    # kappa = (0.70 - 0.50)/(1 - 0.50) = 0.40
    a, b = _from_2x2(20, 5, 10, 15)
    assert percent_agreement(a, b) == pytest.approx(0.70)
    assert cohen_kappa(a, b) == pytest.approx(0.40)
    assert kappa_band(0.40) == "fair"


def _from_3x3(table: list[list[int]]) -> tuple[list[int], list[int]]:
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, n in enumerate(row):
            a += [i] * n
            b += [j] * n
    return a, b


def test_weighted_kappa_3_point_scale_by_hand() -> None:
    # rows rater A, columns rater B, n = 10:
    #        0  1  2
    #   0  [ 2, 1, 0 ]   A marginals 3, 5, 2 -> 0.3, 0.5, 0.2
    #   1  [ 1, 3, 1 ]   B marginals 3, 4, 3 -> 0.3, 0.4, 0.3
    #   2  [ 0, 0, 2 ]
    # unweighted: p_o = 7/10; p_e = .3*.3 + .5*.4 + .2*.3 = .35; kappa = .35/.65 = 7/13 = 0.538462
    # linear disagreement weights w = |i-j|/2:
    #   observed  = (1 + 1 + 1) * 0.5 / 10 = 0.15
    #   expected  = .3*.4*.5 + .3*.3*1 + .5*.3*.5 + .5*.3*.5 + .2*.3*1 + .2*.4*.5
    #             = .06 + .09 + .075 + .075 + .06 + .04 = 0.40
    #   kappa_w   = 1 - 0.15/0.40 = 0.625
    # quadratic w = (i-j)^2/4: observed = 3*.25/10 = 0.075;
    #   expected = .3*.4*.25 + .3*.3*1 + .5*.3*.25 + .5*.3*.25 + .2*.3*1 + .2*.4*.25
    #            = .03 + .09 + .0375 + .0375 + .06 + .02 = 0.275; kappa_w = 1 - .075/.275 = 0.727273
    a, b = _from_3x3([[2, 1, 0], [1, 3, 1], [0, 0, 2]])
    assert cohen_kappa(a, b) == pytest.approx(7 / 13)
    assert cohen_kappa(a, b, weights="linear") == pytest.approx(0.625)
    assert cohen_kappa(a, b, weights="quadratic") == pytest.approx(1 - 0.075 / 0.275)


def test_kappa_undefined_and_missing_pairs() -> None:
    # both raters always "y": p_e = 1 -> undefined, never a crash
    assert cohen_kappa(["y", "y"], ["y", "y"]) is None
    # None is dropped pairwise: the remaining 2x2 is 1 yy, 1 nn -> p_o 1, p_e .5 -> kappa 1
    assert cohen_kappa(["y", None, "n"], ["y", "n", "n"]) == pytest.approx(1.0)


FLEISS_WIKIPEDIA = [  # 10 subjects, 14 raters, 5 categories (Wikipedia "Fleiss' kappa" worked example)
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]


def test_fleiss_kappa_wikipedia_example() -> None:
    # published: P-bar = 0.378, P-bar_e = 0.213, kappa = (0.378 - 0.213)/(1 - 0.213) = 0.210
    # P_e: column shares p_j = (20, 28, 39, 21, 32)/140 = .143 .200 .279 .150 .229; sum of squares = 0.2127
    # P_1 = (14*13)/(14*13) = 1.000, P_2 = (2+30+12+2)/182 = 0.253, ..., mean 0.3780
    assert fleiss_kappa(FLEISS_WIKIPEDIA) == pytest.approx(0.210, abs=0.0005)


def test_fleiss_rejects_unequal_rater_counts() -> None:
    assert fleiss_kappa([[1, 1], [2, 1]]) is None


def test_category_counts_from_reliability_matrix() -> None:
    # raters x items; item 3 has a missing rating so it is dropped for Fleiss
    m = np.array([[1, 2, 2, NAN], [1, 2, 1, 1], [2, 2, 1, 1]])
    # item 1: 1,1,2 -> [2, 1]; item 2: 2,2,2 -> [0, 3]; item 3: 2,1,1 -> [2, 1]
    assert category_counts(m).tolist() == [[2, 1], [0, 3], [2, 1]]


# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units,
# values 1-5, missing data. Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
KRIPP_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


@pytest.mark.parametrize(("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849),
                                                  ("ratio", 0.797)])
def test_krippendorff_alpha_published_example(level: str, published: float) -> None:
    assert krippendorff_alpha(KRIPP_2011, level=level) == pytest.approx(published, abs=0.0005)  # type: ignore[arg-type]


def test_krippendorff_alpha_tiny_table_by_hand() -> None:
    # rater A: 1 1 2 2, rater B: 1 2 2 2. Coincidences (each unit with 2 values adds its ordered pairs / (m-1)):
    # o11 = 2 (unit 1), o12 = o21 = 1 (unit 2), o22 = 2 + 2 (units 3, 4); n1 = 3, n2 = 5, n = 8
    # D_o = (o12 + o21)/n = 2/8 = 0.25; D_e = 2*n1*n2/(n(n-1)) = 30/56
    # alpha = 1 - 0.25/(30/56) = 1 - 112/240 = 8/15 = 0.533333
    assert krippendorff_alpha([[1, 1, 2, 2], [1, 2, 2, 2]]) == pytest.approx(8 / 15)
    # a single category has no expected disagreement: undefined
    assert krippendorff_alpha([[1, 1], [1, 1]]) is None


def test_icc_shrout_fleiss_1979() -> None:
    # Shrout & Fleiss (1979) table 2: 6 targets x 4 judges. Mean squares: BMS 11.24, JMS 32.49, EMS 1.02.
    # ICC(2,1) = (BMS - EMS)/(BMS + (k-1)EMS + k(JMS - EMS)/n) = 10.22/(11.24 + 3.06 + 4*31.47/6) = 10.22/35.28
    #          = 0.29 (published .29); ICC(2,4) published .62; ICC(3,1) = (BMS-EMS)/(BMS+(k-1)EMS) = 10.22/14.30
    #          = 0.71 (published .71)
    sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    got = icc(sf)
    assert got is not None and (got.items, got.raters) == (6, 4)
    assert got.icc_2_1 == pytest.approx(0.29, abs=0.005)
    assert got.icc_2_k == pytest.approx(0.62, abs=0.005)
    assert got.icc_3_1 == pytest.approx(0.71, abs=0.005)
    # an item with a missing rater is dropped, not imputed: same numbers
    assert icc([*sf, [NAN, 1, 1, 1]]).icc_2_1 == pytest.approx(got.icc_2_1)  # type: ignore[union-attr]
    # 2 contacts x 2 raters = 4 values: too few for the two-way ANOVA -> undefined, not an error
    assert icc([[80, 90], [70, 75]]) is None


def test_pair_agreement_rate_and_question_summary() -> None:
    # 3 raters x 3 items, yes=1/no=0; expert 1, 1, 0
    # item 1: 1,1,1 -> 3 of 3 pairs agree; item 2: 1,0,1 -> 1 of 3; item 3: 0,0,NaN -> 1 of 1
    # pair rate = (3 + 1 + 1)/(3 + 3 + 1) = 5/7
    # expert matches: item 1: 3 of 3; item 2: 2 of 3; item 3: 2 of 2 -> 7/8
    m = np.array([[1, 1, 0], [1, 0, 0], [1, 1, NAN]])
    assert pair_agreement_rate(m) == pytest.approx(5 / 7)
    q = question_agreement("q1", ["a", "b", "c"], m, expert=[1, 1, 0])
    assert q.expert_match_rate == pytest.approx(7 / 8)
    assert q.items == 3 and q.raters == 3
    # Fleiss uses items 1 and 2 only (item 3 incomplete): counts [0,3], [1,2]
    # P_1 = 1, P_2 = (0 + 2)/6 = 1/3, P-bar = 2/3; p_no = 1/6, p_yes = 5/6, P_e = 1/36 + 25/36 = 26/36
    # kappa = (2/3 - 26/36)/(1 - 26/36) = (24/36 - 26/36)/(10/36) = -0.2
    assert q.fleiss_kappa == pytest.approx(-0.2)
    pairs = pairwise_kappas(["a", "b", "c"], m)
    # a vs b: (1,1),(1,0),(0,0): p_o 2/3; a yes 2/3, b yes 1/3 -> p_e = 2/9 + 2/9 = 4/9; kappa = (6/9-4/9)/(5/9) = .4
    assert pairs[0].kappa == pytest.approx(0.4)
    # a vs c on items 1,2: (1,1),(1,1): a single category -> undefined
    assert pairs[1].items == 2 and pairs[1].kappa is None
