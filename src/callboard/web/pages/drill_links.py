"""Shared by the team, agent, queue and contacts pages: period choice, tiles and cells that drill down to
their contact rows, CSV/API links and Plotly figures. Numbers always come from `runtime.kpi.query`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from callboard.core.errors import CallboardError
from callboard.core.viewer import Viewer
from callboard.metrics.browse import DataSpan
from callboard.metrics.drill import ContactRows
from callboard.web.context import WebContext
from callboard.web.format import exact_value, format_value
from callboard.web.pages.overview import page_furniture
from callboard.web.params import check_period

DEFAULT_DAYS = 28
QUICK_PERIODS = (7, 28, 90)
FONT = {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#334155"}


@dataclass(frozen=True)
class PagePeriod:
    start: dt.date | None
    end: dt.date | None
    span: DataSpan
    errors: tuple[CallboardError, ...]

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.start and self.end else None


def choose_period(ctx: WebContext, viewer: Viewer, from_: str | None, to: str | None) -> PagePeriod:
    """As the overview: the last 28 days with data unless from/to say otherwise; a bad date -> banner + default."""
    span = page_furniture(ctx, viewer).span
    errors: list[CallboardError] = []
    try:
        start, end = check_period(from_, to)
    except CallboardError as exc:
        errors.append(exc)
        start, end = None, None
    if start is None and end is None:
        start, end = span.last_days(DEFAULT_DAYS)
    elif start is None:
        start = min(span.first_day, end) if span.first_day and end else end
    elif end is None:
        end = max(span.last_day, start) if span.last_day else start
    return PagePeriod(start, end, span, tuple(errors))


def quick_links(path: str, period: PagePeriod, **extra: str) -> list[dict[str, Any]]:
    span = period.span
    choices = [(f"Last {d} days", *span.last_days(d)) for d in QUICK_PERIODS]
    choices.append(("All data", span.first_day, span.last_day))
    return [{"label": label, "href": path + "?" + urlencode({k: v for k, v in
                                                            {"from": s, "to": e, **extra}.items() if v}),
             "active": (s, e) == (period.start, period.end)} for label, s, e in choices]


def _period_params(start: dt.date | None, end: dt.date | None) -> list[tuple[str, str]]:
    return [(k, v.isoformat()) for k, v in (("from", start), ("to", end)) if v]


def _where_params(where: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [("where", f"{dim}={','.join(values)}") for dim, values in where.items() if values]


def kpi_href(path: str, metrics: list[str], by: str, start: dt.date | None, end: dt.date | None,
             where: dict[str, list[str]]) -> str:
    """/api/v1/kpi(.csv) for this part of the page: the numbers shown, scoped to the viewer by the API."""
    params = [("metrics", ",".join(metrics)), *([("by", by)] if by else []), *_period_params(start, end),
              *_where_params(where)]
    return f"{path}?{urlencode(params)}"


def contacts_href(metric: str | None, start: dt.date | None, end: dt.date | None, where: dict[str, list[str]],
                  *, part: str = "", path: str = "/contacts") -> str:
    params = [*([("metric", metric)] if metric else []), *([("part", part)] if part else []),
              *_period_params(start, end), *_where_params(where)]
    return f"{path}?{urlencode(params)}"


class Drillable:
    """Which metrics have contact rows behind them (asked once per metric of the catalog)."""

    def __init__(self, ctx: WebContext) -> None:
        self.rows = ContactRows(ctx.kpi)
        self._known: dict[str, bool] = {}

    def __call__(self, metric: str) -> bool:
        if metric not in self._known:
            try:
                self.rows.spec(metric)
                self._known[metric] = True
            except CallboardError:
                self._known[metric] = False
        return self._known[metric]


def can_drill(viewer: Viewer) -> bool:
    return viewer.can("view_contacts") and not viewer.aggregates_only


@dataclass(frozen=True)
class Tile:
    metric: str
    label: str
    value: str
    raw: Any
    unit: str
    resolved: str
    tooltip: str
    href: str  # drill-down to the contact rows ('' when the viewer may not open them or none exist)
    compare: str = ""  # e.g. "team 4:12"
    compare_class: str = ""


def tiles(result: Any, labels: dict[str, str], hrefs: dict[str, str], compare: Any | None = None,
          compare_label: str = "") -> list[Tile]:
    row = result.rows[0] if result.rows else {}
    other = compare.rows[0] if compare is not None and compare.rows else {}
    out = []
    for c in result.metrics:
        value = row.get(c.requested)
        text, css = "", ""
        if compare is not None:
            ref = other.get(c.requested)
            text = f"{compare_label} {format_value(ref, c.unit)}"
            css = judge(value, ref, c.better)
        tooltip = f"{c.resolved}\n{c.title}: {' '.join(c.formula.split())}\nexact: {exact_value(value, c.unit)}"
        out.append(Tile(c.requested, labels.get(c.requested, c.title), format_value(value, c.unit), value, c.unit,
                        c.resolved, tooltip, hrefs.get(c.requested, ""), text, css))
    return out


def judge(value: Any, reference: Any, better: str) -> str:
    """delta-good / delta-bad / delta-flat for a value against a reference, by the metric's direction."""
    if not isinstance(value, (int, float)) or not isinstance(reference, (int, float)) or better == "neutral":
        return ""
    if abs(value - reference) <= 1e-9 * max(1.0, abs(reference)):
        return "delta-flat"
    return "delta-good" if (value > reference) == (better == "higher") else "delta-bad"


def figure_json(figure: dict[str, Any]) -> str:
    return json.dumps(figure).replace("</", "<\\/")  # safe inside <script>


def bar_line_figure(x: list[Any], bars: list[Any], line: list[Any], *, bar_name: str, line_name: str,
                    line_format: str, x_type: str = "date", height: int = 300) -> dict[str, Any]:
    """Bars (counts, left axis) and a line (rate or seconds, right axis) over time or intervals."""
    ratio = line_format.endswith("%")
    y2: dict[str, Any] = {"title": {"text": line_name}, "overlaying": "y", "side": "right", "showgrid": False,
                          "tickformat": line_format, "rangemode": "tozero"}
    if ratio:
        y2.update(range=[0, 1.04], dtick=0.2)
    return {
        "data": [
            {"type": "bar", "name": bar_name, "x": x, "y": bars, "marker": {"color": "#c7d7ee"}},
            {"type": "scatter", "mode": "lines+markers", "name": line_name, "x": x, "y": line, "yaxis": "y2",
             "line": {"color": "#1f4e8c", "width": 2.5}, "marker": {"size": 5}, "connectgaps": False,
             "hovertemplate": "%{y:" + line_format + "}<extra>" + line_name + "</extra>"},
        ],
        "layout": {
            "margin": {"l": 48, "r": 56, "t": 16, "b": 36}, "height": height, "font": FONT,
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "legend": {"orientation": "h", "x": 0, "y": 1.12}, "hovermode": "x unified", "bargap": 0.25,
            "xaxis": {"type": x_type, "gridcolor": "#eef2f7"},
            "yaxis": {"title": {"text": bar_name}, "rangemode": "tozero", "gridcolor": "#eef2f7", "tickformat": ","},
            "yaxis2": y2,
        },
    }


def lines_figure(x: list[Any], series: list[tuple[str, list[Any], str]], *, y_format: str,
                 height: int = 260) -> dict[str, Any]:
    colors = ["#1f4e8c", "#c2410c", "#15803d", "#7c3aed"]
    return {
        "data": [{"type": "scatter", "mode": "lines+markers", "name": name, "x": x, "y": ys,
                  "line": {"color": colors[i % len(colors)], "width": 2.5, "dash": dash or "solid"},
                  "marker": {"size": 5}, "connectgaps": False}
                 for i, (name, ys, dash) in enumerate(series)],
        "layout": {
            "margin": {"l": 56, "r": 24, "t": 16, "b": 36}, "height": height, "font": FONT,
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "legend": {"orientation": "h", "x": 0, "y": 1.14}, "hovermode": "x unified",
            "xaxis": {"type": "date", "gridcolor": "#eef2f7"},
            "yaxis": {"tickformat": y_format, "rangemode": "tozero", "gridcolor": "#eef2f7"},
        },
    }


def days_of(start: dt.date | None, end: dt.date | None, rows: list[dict[str, Any]], key: str = "day") -> list[dict[str, Any]]:
    """One row per day of the period (missing days as empty rows), for gap-free charts."""
    by_day = {str(r[key]): r for r in rows if r.get(key) is not None}
    if start is None or end is None or (end - start).days > 1000:
        return [by_day[d] for d in sorted(by_day)]
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    return [by_day.get(d, {key: d}) for d in days]
