"""Small inline SVG charts for the appraisal page and PDF.

Hand-written because WeasyPrint renders inline SVG but runs no JavaScript (so no Plotly), and a few
lines of SVG avoid a plotting dependency; the same markup shows in the browser and on paper.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape

from callboard.appraisal.model import ScorecardPoint, TrendSeries

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 12, 26
INK, GRID, LINE, BAR, TARGET = "#334155", "#e2e8f0", "#1f4e8c", "#9db8de", "#c2410c"


def tick_text(value: float, unit: str) -> str:
    """Axis labels: ratios as whole percent, seconds as m:ss, points and counts as integers."""
    if unit == "ratio":
        return f"{value * 100:.0f}%"
    if unit == "seconds":
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes}:{seconds:02d}"
    return f"{value:,.0f}"


def _nice_range(values: Sequence[float], unit: str, zero: bool) -> tuple[float, float]:
    """Axis bounds with 15% headroom; counts start at zero; ratios stay within 0-100%."""
    low, high = (min(min(values), 0.0) if zero else min(values)), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    low, high = (low if zero else low - pad), high + pad
    if unit == "ratio":
        low, high = max(0.0, low), (min(1.0, high) if max(values) <= 1.0 else high)
    return low, high


def _short_day(label: str) -> str:
    try:
        return dt.date.fromisoformat(label).strftime("%d %b")
    except ValueError:
        return label


def _frame(low: float, high: float, unit: str, title: str) -> list[str]:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" class="apr-chart" '
             f'font-family="Helvetica, Arial, sans-serif" font-size="10">']
    for k in range(3):
        value = low + (high - low) * k / 2
        y = _y(value, low, high)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end" fill="{INK}">'
                     f'{escape(tick_text(value, unit))}</text>')
    return parts


def _y(value: float, low: float, high: float) -> float:
    span = high - low or 1.0
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / span)


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + inner * (index + 0.5) / max(count, 1)


def _x_labels(labels: Sequence[str]) -> list[str]:
    step = max(1, math.ceil(len(labels) / 7))
    return [f'<text x="{_x(i, len(labels)):.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="{INK}">'
            f'{escape(label)}</text>' for i, label in enumerate(labels) if i % step == 0]


def empty_chart(message: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" class="apr-chart" font-family="Helvetica, Arial, sans-serif" font-size="11">'
            f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="none" stroke="{GRID}"/>'
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" fill="#64748b">{escape(message)}</text></svg>')


def trend_chart(series: TrendSeries, target: float | None = None) -> str:
    """Weekly values of one KPI: bars for counts, a line with dots for rates and times; a dashed goal line."""
    points = [(p.label, p.value) for p in series.points]
    values = [v for _, v in points if v is not None]
    if not values:
        return empty_chart("no data in this period")
    count_like = series.unit == "count"
    low, high = _nice_range(values + ([target] if target is not None else []), series.unit, zero=count_like)
    parts = _frame(low, high, series.unit, series.label)
    n = len(points)
    if count_like:
        width = (WIDTH - LEFT - RIGHT) / max(n, 1) * 0.6
        for i, (_, value) in enumerate(points):
            if value is not None:
                top = _y(value, low, high)
                parts.append(f'<rect x="{_x(i, n) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                             f'height="{_y(low, low, high) - top:.1f}" fill="{BAR}"/>')
    else:
        coords = [(_x(i, n), _y(v, low, high)) for i, (_, v) in enumerate(points) if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}"/>' for x, y in coords]
    if target is not None:
        y = _y(target, low, high)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{TARGET}" '
                     f'stroke-dasharray="4 3" stroke-width="1.5"/>')
    parts += _x_labels([_short_day(label) for label, _ in points])
    parts.append("</svg>")
    return "".join(parts)


def scorecard_chart(points: Sequence[ScorecardPoint]) -> str:
    """Overall scorecard points (0-100) per period as bars, the team's mean as a dashed line per period."""
    scored = [p for p in points if p.score is not None]
    if not scored:
        return empty_chart("no scorecard history")
    parts = _frame(0.0, 100.0, "points", "Scorecard history")
    n = len(points)
    width = (WIDTH - LEFT - RIGHT) / max(n, 1) * 0.55
    for i, point in enumerate(points):
        if point.score is not None:
            top = _y(point.score, 0.0, 100.0)
            parts.append(f'<rect x="{_x(i, n) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                         f'height="{_y(0.0, 0.0, 100.0) - top:.1f}" fill="{LINE}"/>')
        if point.team_score is not None:
            y = _y(point.team_score, 0.0, 100.0)
            parts.append(f'<line x1="{_x(i, n) - width / 1.4:.1f}" x2="{_x(i, n) + width / 1.4:.1f}" y1="{y:.1f}" '
                         f'y2="{y:.1f}" stroke="{TARGET}" stroke-dasharray="3 2" stroke-width="1.5"/>')
    parts += _x_labels([p.period_label for p in points])
    parts.append("</svg>")
    return "".join(parts)
