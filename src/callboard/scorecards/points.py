"""Scorecard points: each KPI is mapped linearly to 0-100 points between its floor and its target.

`floor` earns 0 points and `target` earns 100; values beyond either end are capped. The direction is
implied: floor < target means higher is better (FCR 60% -> 0, 80% -> 100), floor > target means lower
is better (AHT 420 s -> 0, 240 s -> 100). The overall score is the weighted mean of the items that have
data, with the weights re-normalised over them; `coverage` is the share of the weight that had data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from callboard.core.errors import InvalidInput

MAX_POINTS = 100.0


def direction(floor: float, target: float) -> str:
    """'higher' when floor < target, 'lower' when floor > target."""
    if floor == target:
        raise InvalidInput(f"floor and target are both {floor}",
                           hint="the floor earns 0 points and the target 100: they must differ")
    return "higher" if floor < target else "lower"


def item_points(value: float | None, floor: float, target: float) -> float | None:
    """Points for one KPI value: linear from floor (0) to target (100), capped to [0, 100]; None stays None."""
    direction(floor, target)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    share = (value - floor) / (target - floor)
    return MAX_POINTS * min(1.0, max(0.0, share))


@dataclass(frozen=True)
class Overall:
    score: float | None  # weighted mean points over items with data; None when none has data
    coverage: float  # share of the total weight whose item had data, 0..1


def overall(weighted_points: Sequence[tuple[float, float | None]]) -> Overall:
    """Weighted mean of (weight, points) with the weights re-normalised over the items that have points."""
    total = sum(w for w, _ in weighted_points)
    covered = sum(w for w, p in weighted_points if p is not None)
    if total <= 0 or covered <= 0:
        return Overall(None, 0.0)
    score = sum(w * p for w, p in weighted_points if p is not None) / covered
    return Overall(score, covered / total)
