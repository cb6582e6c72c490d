"""Outliers against the team: a simple, documented rule for flagging an agent's figure, good or bad.

Rule (docs/pages.md): among the agents of one team table, take the **median** of each metric over the
agents with at least `min_volume` handled contacts in the period. An agent with at least `min_volume`
is flagged on a metric when
- a rate (unit `ratio`) is `ratio_pp` percentage points (default 10) or more from the median;
- any other unit (seconds, score, points) is `relative` (default 25%) or more above or below the median;
and the metric has a direction (`better` higher or lower; neutral metrics are never flagged). The flag
is *good* when the difference is in the metric's better direction, *bad* otherwise, and its reason says
by how much: "AHT 40% above team median (6:12 vs 4:25)".

Small samples are not flagged at all (volume under `min_volume`); the scorecards' empirical-Bayes
shrinkage gives a fairer comparison where it is available.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

MIN_VOLUME = 30
RATIO_PP = 0.10
RELATIVE = 0.25


@dataclass(frozen=True)
class OutlierColumn:
    metric: str  # key in the rows
    label: str
    unit: str
    better: str


@dataclass(frozen=True)
class OutlierFlag:
    agent: str
    metric: str
    kind: str  # good | bad
    reason: str
    value: float
    median: float


def team_medians(rows: Sequence[dict[str, Any]], columns: Sequence[OutlierColumn], *, volume_key: str,
                 min_volume: int = MIN_VOLUME) -> dict[str, float]:
    eligible = [r for r in rows if (r.get(volume_key) or 0) >= min_volume]
    medians = {}
    for c in columns:
        values = [float(r[c.metric]) for r in eligible if isinstance(r.get(c.metric), (int, float))]
        if values:
            medians[c.metric] = statistics.median(values)
    return medians


def flag_outliers(rows: Sequence[dict[str, Any]], columns: Sequence[OutlierColumn], *, agent_key: str = "agent",
                  volume_key: str = "handled", fmt: Callable[[Any, str], str] = lambda v, u: f"{v:.4g}",
                  min_volume: int = MIN_VOLUME, ratio_pp: float = RATIO_PP,
                  relative: float = RELATIVE) -> list[OutlierFlag]:
    medians = team_medians(rows, columns, volume_key=volume_key, min_volume=min_volume)
    flags = []
    for r in rows:
        if (r.get(volume_key) or 0) < min_volume or r.get(agent_key) is None:
            continue
        for c in columns:
            value, median = r.get(c.metric), medians.get(c.metric)
            if c.better not in ("higher", "lower") or not isinstance(value, (int, float)) or median is None:
                continue
            diff = float(value) - median
            if c.unit == "ratio":
                if abs(diff) < ratio_pp - 1e-12:
                    continue
                size = f"{abs(diff) * 100:.1f} pp"
            else:
                if median == 0 or abs(diff) / abs(median) < relative - 1e-12:
                    continue
                size = f"{abs(diff) / abs(median) * 100:.0f}%"
            side = "above" if diff > 0 else "below"
            good = (diff > 0) == (c.better == "higher")
            reason = f"{c.label} {size} {side} team median ({fmt(value, c.unit)} vs {fmt(median, c.unit)})"
            flags.append(OutlierFlag(str(r[agent_key]), c.metric, "good" if good else "bad", reason, float(value),
                                     median))
    return flags
