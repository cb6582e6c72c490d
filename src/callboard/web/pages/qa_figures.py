"""Plotly figures (plain JSON for plotly.js) for /quality/reports."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from callboard.quality.ops_reports import FailTrendRow
from callboard.quality.severity import SeverityModel

FONT = {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#334155"}
PALETTE = ("#1f4e8c", "#d97706", "#059669", "#b91c1c", "#7c3aed", "#0891b2", "#65a30d", "#db2777")


def _layout(**extra: Any) -> dict[str, Any]:
    return {"margin": {"l": 56, "r": 16, "t": 16, "b": 40}, "height": 300, "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)", "font": FONT, "legend": {"orientation": "h", "x": 0, "y": 1.15},
            **extra}


def adjusted_figure(model: SeverityModel) -> dict[str, Any]:
    """Evaluator effects as horizontal bars: right of zero lenient, left strict."""
    effects = sorted(model.evaluators, key=lambda e: e.effect_points)
    names = [e.evaluator for e in effects]
    return {
        "data": [
            {"type": "bar", "orientation": "h", "name": "Adjusted effect (model)", "y": names,
             "x": [round(e.effect_points, 2) for e in effects],
             "marker": {"color": ["#b91c1c" if e.effect_points < 0 else "#059669" for e in effects]},
             "hovertemplate": "%{y}: %{x:+.1f} points vs an average evaluator<extra></extra>"},
            {"type": "scatter", "mode": "markers", "name": "Naive deviation (evaluator mean − overall mean)",
             "y": names, "x": [round(e.naive_deviation_points, 2) for e in effects],
             "marker": {"color": "#334155", "symbol": "diamond-open", "size": 10},
             "hovertemplate": "%{y}: naive %{x:+.1f} points<extra></extra>"},
        ],
        "layout": _layout(height=max(220, 48 * len(names) + 80),
                          xaxis={"title": {"text": "points (− strict, + lenient)"}, "zeroline": True,
                                 "gridcolor": "#eef2f7"}, yaxis={"automargin": True}),
    }


def trend_figure(rows: list[FailTrendRow], label: str) -> dict[str, Any]:
    """Fail rate per period, one line per question/section (the 8 with the most applicable answers)."""
    by: dict[str, list[FailTrendRow]] = defaultdict(list)
    for r in rows:
        by[r.key].append(r)
    top = sorted(by, key=lambda k: -sum(r.applicable for r in by[k]))[:8]
    data = [{"type": "scatter", "mode": "lines+markers", "name": key,
             "x": [r.period_start.isoformat() for r in by[key]], "y": [r.fail_rate for r in by[key]],
             "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
             "hovertemplate": label + " " + key + "<br>%{x|%d %b}: %{y:.0%} failed<extra></extra>"}
            for i, key in enumerate(top)]
    return {"data": data, "layout": _layout(xaxis={"type": "date", "tickformat": "%d %b", "gridcolor": "#eef2f7"},
                                            yaxis={"title": {"text": "fail rate"}, "tickformat": ".0%",
                                                   "rangemode": "tozero", "gridcolor": "#eef2f7"})}
