"""Plotly figures (plain JSON for plotly.js) for the forecast, staffing and intraday pages."""

from __future__ import annotations

from typing import Any

from callboard.workforce.forecast_accuracy import Accuracy, Intraday
from callboard.workforce.forecast_adjust import Point
from callboard.workforce.staffing_plan import StaffingPlan

FONT = {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#334155"}
PALETTE = ("#1f4e8c", "#4f9d69", "#d08c2c", "#8e5ea2", "#c2474b", "#3a9bb2", "#7a7f87", "#b5a33a")


def _layout(height: int = 320, **extra: Any) -> dict[str, Any]:
    return {"margin": {"l": 52, "r": 56, "t": 16, "b": 40}, "height": height, "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)", "font": FONT, "legend": {"orientation": "h", "x": 0, "y": 1.14},
            "hovermode": "x unified", "xaxis": {"type": "date", "gridcolor": "#eef2f7"}, **extra}


def _ts(points: list[Any], attr: str = "interval_start") -> list[str]:
    return [getattr(p, attr).isoformat(timespec="minutes") for p in points]


def forecast_figure(points: list[Point]) -> dict[str, Any]:
    """Volume per interval summed over the given queues (adjusted and model), AHT (volume-weighted) on the right."""
    by: dict[Any, list[Point]] = {}
    for p in points:
        by.setdefault(p.interval_start, []).append(p)
    stamps = sorted(by)
    volume = [sum(p.volume for p in by[t]) for t in stamps]
    model = [sum(p.base_volume for p in by[t]) for t in stamps]
    aht = []
    for t in stamps:
        weight = sum(p.volume for p in by[t] if p.aht_s is not None)
        aht.append(sum(p.volume * p.aht_s for p in by[t] if p.aht_s is not None) / weight if weight else None)
    x = [t.isoformat(timespec="minutes") for t in stamps]
    data = [{"type": "scatter", "mode": "lines", "name": "Forecast volume", "x": x, "y": volume,
             "line": {"color": PALETTE[0], "width": 2}, "hovertemplate": "%{y:,.1f}"}]
    if any(abs(a - b) > 1e-9 for a, b in zip(volume, model, strict=True)):
        data.append({"type": "scatter", "mode": "lines", "name": "Model (before adjustments)", "x": x, "y": model,
                     "line": {"color": "#94a3b8", "width": 1.5, "dash": "dot"}, "hovertemplate": "%{y:,.1f}"})
    data.append({"type": "scatter", "mode": "lines", "name": "AHT (s)", "x": x, "y": aht, "yaxis": "y2",
                 "line": {"color": PALETTE[2], "width": 1.2}, "hovertemplate": "%{y:.0f} s"})
    return {"data": data, "layout": _layout(yaxis={"title": {"text": "Contacts per interval"}, "rangemode": "tozero",
                                                   "gridcolor": "#eef2f7"},
                                            yaxis2={"title": {"text": "AHT (s)"}, "overlaying": "y", "side": "right",
                                                    "rangemode": "tozero", "showgrid": False})}


def accuracy_figure(accuracy: Accuracy) -> dict[str, Any]:
    x = [d.day.isoformat() for d in accuracy.days]
    return {"data": [
        {"type": "bar", "name": "Actual", "x": x, "y": [d.actual for d in accuracy.days], "marker": {"color": "#c7d7ee"}},
        {"type": "scatter", "mode": "lines+markers", "name": "Forecast", "x": x, "y": [d.forecast for d in accuracy.days],
         "line": {"color": PALETTE[0], "width": 2}},
        {"type": "scatter", "mode": "lines+markers", "name": "WAPE", "x": x, "y": [d.wape for d in accuracy.days],
         "yaxis": "y2", "line": {"color": PALETTE[4], "width": 1.2, "dash": "dot"}, "hovertemplate": "%{y:.1%}"},
    ], "layout": _layout(280, yaxis={"title": {"text": "Contacts per day"}, "rangemode": "tozero", "gridcolor": "#eef2f7"},
                         yaxis2={"title": {"text": "WAPE"}, "overlaying": "y", "side": "right", "tickformat": ".0%",
                                 "rangemode": "tozero", "showgrid": False},
                         xaxis={"type": "date", "tickformat": "%a %d %b", "gridcolor": "#eef2f7"})}


def staffing_figure(plan: StaffingPlan) -> dict[str, Any]:
    """Required agents on queue per interval, stacked by queue; scheduled agents (after shrinkage) as a line."""
    data: list[dict[str, Any]] = []
    for i, queue in enumerate(plan.queues()):
        rows = [r for r in plan.rows if r.queue == queue]
        data.append({"type": "bar", "name": queue, "x": _ts(rows), "y": [r.agents_raw for r in rows],
                     "marker": {"color": PALETTE[i % len(PALETTE)]}, "hovertemplate": "%{y:.0f}"})
    totals = plan.totals()
    data.append({"type": "scatter", "mode": "lines", "name": "Scheduled (after shrinkage)", "x": _ts(totals),
                 "y": [t.agents for t in totals], "line": {"color": "#0f172a", "width": 2, "shape": "hv"}})
    return {"data": data, "layout": _layout(340, barmode="stack", bargap=0.1,
                                            yaxis={"title": {"text": "Agents"}, "rangemode": "tozero",
                                                   "gridcolor": "#eef2f7"})}


def intraday_figure(view: Intraday) -> dict[str, Any]:
    x = _ts(list(view.rows))
    rows = view.rows
    return {"data": [
        {"type": "bar", "name": "Actual volume", "x": x, "y": [r.actual_volume for r in rows], "marker": {"color": "#c7d7ee"}},
        {"type": "scatter", "mode": "lines", "name": "Forecast volume", "x": x, "y": [r.forecast_volume for r in rows],
         "line": {"color": PALETTE[0], "width": 2}, "hovertemplate": "%{y:,.1f}"},
        {"type": "scatter", "mode": "lines", "name": "Required on queue", "x": x, "y": [r.required_agents_raw for r in rows],
         "yaxis": "y2", "line": {"color": PALETTE[4], "width": 2, "shape": "hv"}},
        {"type": "scatter", "mode": "lines", "name": "Staffed on queue", "x": x, "y": [r.staffed_agents for r in rows],
         "yaxis": "y2", "line": {"color": PALETTE[1], "width": 2, "shape": "hv"}, "hovertemplate": "%{y:.1f}"},
    ], "layout": _layout(360, yaxis={"title": {"text": "Contacts per interval"}, "rangemode": "tozero",
                                     "gridcolor": "#eef2f7"},
                         yaxis2={"title": {"text": "Agents"}, "overlaying": "y", "side": "right", "rangemode": "tozero", "tickformat": ",.0f",
                                 "showgrid": False},
                         xaxis={"type": "date", "tickformat": "%H:%M", "gridcolor": "#eef2f7"})}
