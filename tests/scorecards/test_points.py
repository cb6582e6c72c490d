"""Points normalisation (both directions, capping) and the overall score with re-normalised weights."""

from __future__ import annotations

import pytest

from callboard.core.errors import InvalidInput
from callboard.scorecards.points import direction, item_points, overall


def test_higher_is_better_is_linear_between_floor_and_target() -> None:
    # FCR floor 0.60 (0 pts), target 0.80 (100 pts): 0.75 is 3/4 of the way -> 75 points.
    assert item_points(0.75, 0.60, 0.80) == pytest.approx(75.0)
    assert item_points(0.60, 0.60, 0.80) == pytest.approx(0.0)
    assert item_points(0.80, 0.60, 0.80) == pytest.approx(100.0)
    assert direction(0.60, 0.80) == "higher"


def test_lower_is_better_runs_from_a_higher_floor() -> None:
    # AHT floor 420 s (0 pts), target 240 s (100 pts): 300 s is (420-300)/(420-240) = 120/180 -> 66.67 points.
    assert item_points(300, 420, 240) == pytest.approx(200 / 3)
    assert direction(420, 240) == "lower"


def test_points_are_capped_at_both_ends() -> None:
    assert item_points(0.95, 0.60, 0.80) == 100.0  # beyond the target
    assert item_points(0.40, 0.60, 0.80) == 0.0  # below the floor
    assert item_points(200, 420, 240) == 100.0  # faster than the AHT target
    assert item_points(500, 420, 240) == 0.0  # slower than the AHT floor


def test_no_value_no_points_and_equal_floor_target_is_refused() -> None:
    assert item_points(None, 0.6, 0.8) is None
    with pytest.raises(InvalidInput):
        item_points(0.7, 0.8, 0.8)


def test_overall_renormalises_weights_over_items_with_data() -> None:
    # weights 30/20/50 with points 80, 50 and no data: (30*80 + 20*50) / (30 + 20) = 3400 / 50 = 68;
    # coverage = 50 / 100 = 0.5.
    result = overall([(30, 80.0), (20, 50.0), (50, None)])
    assert result.score == pytest.approx(68.0)
    assert result.coverage == pytest.approx(0.5)


def test_overall_with_all_data_is_the_weighted_mean_and_none_without_data() -> None:
    # (1*100 + 3*0) / 4 = 25, full coverage.
    full = overall([(1, 100.0), (3, 0.0)])
    assert (full.score, full.coverage) == (pytest.approx(25.0), 1.0)
    empty = overall([(1, None), (2, None)])
    assert (empty.score, empty.coverage) == (None, 0.0)
