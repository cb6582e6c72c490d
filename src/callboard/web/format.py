"""Format KPI values for people, by unit: the one formatter the pages (and their tests) use."""

from __future__ import annotations

import math
from typing import Any

DASH = "—"


def format_duration(seconds: float) -> str:
    """245.4 -> '4:05', 12 -> '0:12', 3725 -> '1:02:05' (rounded to the second)."""
    total = round(abs(seconds))
    sign = "-" if seconds < 0 and total else ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def format_value(value: Any, unit: str) -> str:
    """Ratios as %, seconds as m:ss, points signed, counts with thousands separators, null as '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "seconds":
        return format_duration(value)
    if unit == "points":
        rounded = round(value)
        return "0" if rounded == 0 else f"{rounded:+d}"
    if unit == "count":
        return f"{round(value):,}"
    if unit == "score":
        return f"{value:.2f}"
    if unit == "per_hour":
        return f"{value:.1f}/h"
    return f"{value:.4g}" if isinstance(value, float) else f"{value:,}"


def exact_value(value: Any, unit: str) -> str:
    """The unrounded value for a tooltip: '245.4 s', '0.52537', '13.21 points'."""
    if value is None:
        return "no data"
    if unit == "seconds" and isinstance(value, (int, float)):
        return f"{value:.1f} s"
    if unit == "points" and isinstance(value, (int, float)):
        return f"{value:.2f} points"
    if unit == "ratio" and isinstance(value, (int, float)):
        return f"{value * 100:.3f}%"
    return str(value)
