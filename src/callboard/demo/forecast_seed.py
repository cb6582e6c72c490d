"""Demo forecasts and staffing plan: `seed_demo_forecast(runtime)` (idempotent: skipped once a forecast exists).

What a newcomer sees on /workforce/forecast, /workforce/staffing and /workforce/intraday:
- special day: the Tech Support outage (see demo/traffic.py) is flagged, so it is cleaned from the history;
- version 1: a forecast made 14 days before the end of the history, for those last 14 days, so accuracy
  against actuals and the intraday view (actual vs forecast, required vs staffed) are populated;
- version 2: the forecast for the 14 days after the history, with a planner's override (a Billing mailer);
- the planned shrinkage by category, saved by the planner (audited).
Both versions backtest every model on a 14-day holdout and keep the lowest WAPE. Needs >= 49 days of history
for version 1 and >= 35 for version 2; shorter demos get what fits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from callboard.core.errors import InvalidInput
from callboard.core.viewer import Viewer
from callboard.workforce.forecast_service import ForecastRequest
from callboard.workforce.models import MODELS

PLANNER = Viewer(username="planner", role="planner")
HORIZON_DAYS = 14
HISTORY_DAYS = 56


def _incident_day(first: dt.date, last: dt.date) -> dt.date | None:
    """The demo's Tech Support outage day (demo/traffic.py: day index days - 19, moved back to a weekday)."""
    days = (last - first).days + 1
    if days < 28:
        return None
    index = days - 19
    while (first + dt.timedelta(days=index)).weekday() >= 5:
        index -= 1
    return first + dt.timedelta(days=index)


def seed_demo_forecast(runtime: Any, *, interval_minutes: int = 30, models: tuple[str, ...] = tuple(MODELS),
                       progress: Any = None) -> list[int]:
    """Returns the versions created (empty when forecasts already exist or the history is too short)."""
    service = runtime.forecasting
    step = progress or (lambda _msg: None)
    if service.runs(PLANNER):
        return []
    first, last = service.span(PLANNER)
    if first is None or last is None:
        return []
    incident = _incident_day(first, last)
    if incident is not None:
        service.add_special_day(PLANNER, day=incident, name="Broadband outage (Tech Support)", volume_factor=1.0,
                                queue="q_tech")
    service.set_shrinkage(PLANNER, {"breaks": "0.10", "training": "0.05", "coaching": "0.03", "absence": "0.12"})
    created = []
    history_days = (last - first).days + 1
    for as_of, note in ((last - dt.timedelta(days=HORIZON_DAYS), "demo: the last two weeks, for accuracy"),
                        (last, "demo: the next two weeks")):
        span_days = (as_of - first).days + 1
        if span_days < 35 or span_days > history_days:
            continue
        step(f"forecast as of {as_of}")
        try:
            info = service.create_forecast(PLANNER, ForecastRequest(
                interval_minutes=interval_minutes, horizon_days=HORIZON_DAYS, history_days=HISTORY_DAYS,
                as_of=as_of, models=models, note=note))
        except InvalidInput:
            continue
        created.append(info.version)
    if created and last >= first + dt.timedelta(days=34):
        monday = last + dt.timedelta(days=(7 - last.weekday()) % 7 or 7)
        service.add_override(PLANNER, queue="q_billing", starts_at=dt.datetime.combine(monday, dt.time(9)),
                             ends_at=dt.datetime.combine(monday, dt.time(13)), volume_factor=1.15,
                             reason="bill reminder mailer lands Monday morning")
    return created
