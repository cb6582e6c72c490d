"""Wilson intervals against published values and the beta-binomial prior against a hand computation."""

from __future__ import annotations

import math

import pytest

from callboard.scorecards.stats import fit_beta_prior, tukey_fences, wilson_interval


def test_wilson_eight_of_ten_by_hand() -> None:
    # p = 0.8, z = 1.96, z^2 = 3.8415; 1 + z^2/n = 1.38415
    # centre = (0.8 + 3.8415/20) / 1.38415 = 0.99207 / 1.38415 = 0.71674
    # half = 1.96/1.38415 * sqrt(0.8*0.2/10 + 3.8415/400) = 1.41601 * sqrt(0.016 + 0.0096037) = 1.41601 * 0.16001
    #      = 0.22658  ->  [0.4902, 0.9433]
    low, high = wilson_interval(8, 10)  # type: ignore[misc]
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)


def test_wilson_matches_newcombe_1998_table() -> None:
    # Newcombe, Statistics in Medicine 17 (1998) 857-872, Table I, method 3 (score interval):
    # 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605; 0/20 -> 0.0000 to 0.1611.
    for (x, n), expected in {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605), (0, 20): (0.0, 0.1611)}.items():
        low, high = wilson_interval(x, n)  # type: ignore[misc]
        assert (round(low, 4), round(high, 4)) == expected


def test_wilson_without_trials_is_none() -> None:
    assert wilson_interval(0, 0) is None


TEAM = [(12, 12), (380, 400), (380, 400), (360, 400), (340, 400)]


def test_beta_prior_by_method_of_moments_by_hand() -> None:
    # k = 5 agents, N = 12 + 4*400 = 1612, X = 12 + 380 + 380 + 360 + 340 = 1472, p = 1472/1612 = 0.913151
    # S = sum n_i (x_i/n_i - p)^2 = 12(1 - p)^2 + 2*400(0.95 - p)^2 + 400(0.90 - p)^2 + 400(0.85 - p)^2
    #   = 0.090512 + 2*0.543129 + 0.069183 + 1.595238 = 2.841191
    # p(1-p) = 0.079306, S / p(1-p) = 35.8257
    # sum n_i^2 / N = (144 + 4*160000) / 1612 = 640144 / 1612 = 397.1117
    # rho = (35.8257 - (k-1)) / (N - 397.1117 - (k-1)) = 31.8257 / 1210.8883 = 0.026283
    # alpha + beta = (1 - rho) / rho = 37.0475; alpha = p * 37.0475 = 33.8300; beta = 3.2175
    prior = fit_beta_prior(TEAM)
    assert prior is not None
    assert prior.mean == pytest.approx(1472 / 1612)
    assert prior.rho == pytest.approx(0.026283, abs=1e-6)
    assert prior.strength == pytest.approx(37.0475, abs=1e-3)
    assert prior.alpha == pytest.approx(33.8300, abs=1e-3)
    assert prior.beta == pytest.approx(3.2175, abs=1e-3)


def test_shrunk_values_by_hand_and_small_sample_not_above_large() -> None:
    # 100% on 12: (12 + 33.8300) / (12 + 37.0475) = 45.8300 / 49.0475 = 0.93440
    # 95% on 400: (380 + 33.8300) / (400 + 37.0475) = 413.8300 / 437.0475 = 0.94688
    prior = fit_beta_prior(TEAM)
    assert prior is not None
    small, large = prior.shrink(12, 12), prior.shrink(380, 400)
    assert small == pytest.approx(0.93440, abs=1e-5)
    assert large == pytest.approx(0.94688, abs=1e-5)
    assert small < large


def test_no_spread_beyond_chance_pools_everyone_at_the_team_rate() -> None:
    # 19/20 and 38/40: both 95%, S = 0 -> rho < 0 -> complete pooling; interval is the team rate itself.
    prior = fit_beta_prior([(19, 20), (38, 40)])
    assert prior is not None and prior.pooled
    assert prior.shrink(19, 20) == pytest.approx(0.95)
    assert prior.interval() == (pytest.approx(0.95), pytest.approx(0.95))


def test_prior_needs_two_agents_with_data() -> None:
    assert fit_beta_prior([(5, 10), (0, 0)]) is None


def test_tukey_fences_by_hand() -> None:
    # 1..8: Q1 at position 1.75 -> 2.75, Q3 at 5.25 -> 6.25, IQR 3.5 -> fences 2.75-5.25 = -2.5 and 6.25+5.25 = 11.5
    assert tukey_fences([1, 2, 3, 4, 5, 6, 7, 8]) == (pytest.approx(-2.5), pytest.approx(11.5))
    assert tukey_fences([1, 2, 3]) is None
    assert not math.isnan(tukey_fences([5, 5, 5, 5])[0])  # type: ignore[index]
