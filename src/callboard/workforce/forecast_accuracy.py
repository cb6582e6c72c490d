"""Forecast accuracy against actuals as they arrive, and the intraday view (actual vs forecast, required vs
staffed). WAPE = Σ|actual − forecast| / Σ actual (backtest.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from callboard.workforce.backtest import wape
from callboard.workforce.forecast_adjust import Point
from callboard.workforce.staffing_plan import StaffingPlan


@dataclass(frozen=True)
class QueueAccuracy:
    queue: str
    actual: float
    forecast: float
    wape: float | None


@dataclass(frozen=True)
class DayAccuracy:
    day: dt.date
    actual: float
    forecast: float
    wape: float | None


@dataclass(frozen=True)
class Accuracy:
    version: int
    from_date: dt.date
    to_date: dt.date | None  # None: no actuals yet for the run's horizon
    wape: float | None
    bias: float | None  # Σ(forecast − actual) / Σ actual: > 0 over-forecast
    queues: tuple[QueueAccuracy, ...]
    days: tuple[DayAccuracy, ...]


def _frame(points: list[Point]) -> pd.DataFrame:
    return pd.DataFrame({"queue": [p.queue for p in points], "ds": pd.to_datetime([p.interval_start for p in points]),
                         "forecast": [p.volume for p in points]})


def accuracy_of(version: int, from_date: dt.date, to_date: dt.date, points: list[Point],
                actual: pd.DataFrame) -> Accuracy:
    """Outer join on (queue, interval): an interval missing on one side counts as 0 there."""
    joined = _frame(points).merge(actual[["queue", "ds", "volume"]], on=["queue", "ds"], how="outer").fillna(
        {"forecast": 0.0, "volume": 0.0})
    joined = joined[(joined["ds"] >= pd.Timestamp(from_date)) & (joined["ds"] < pd.Timestamp(to_date + dt.timedelta(days=1)))]
    if joined.empty:
        return Accuracy(version, from_date, to_date, None, None, (), ())
    total = float(joined["volume"].sum())
    bias = None if total == 0 else float((joined["forecast"] - joined["volume"]).sum() / total)
    queues = tuple(QueueAccuracy(str(q), float(g["volume"].sum()), float(g["forecast"].sum()),
                                 wape(g["volume"], g["forecast"])) for q, g in joined.groupby("queue"))
    days = tuple(DayAccuracy(d, float(g["volume"].sum()), float(g["forecast"].sum()), wape(g["volume"], g["forecast"]))
                 for d, g in joined.groupby(joined["ds"].dt.date))
    return Accuracy(version, from_date, to_date, wape(joined["volume"], joined["forecast"]), bias, queues, days)


@dataclass(frozen=True)
class IntradayRow:
    interval_start: dt.datetime
    forecast_volume: float
    actual_volume: float | None  # None: the interval has not happened yet (after the last contact)
    required_agents_raw: float  # agents needed on queue (before shrinkage)
    required_agents: int  # scheduled agents (after planned shrinkage)
    staffed_agents: float | None  # average agents on queue (available, connecting, on contact, ACW)


@dataclass(frozen=True)
class Intraday:
    day: dt.date
    version: int
    interval_minutes: int
    queue: str | None
    rows: tuple[IntradayRow, ...]

    @property
    def totals(self) -> dict[str, float | None]:
        actual = [r.actual_volume for r in self.rows if r.actual_volume is not None]
        staffed = [r.staffed_agents for r in self.rows if r.staffed_agents is not None]
        return {"forecast_volume": sum(r.forecast_volume for r in self.rows),
                "actual_volume": sum(actual) if actual else None,
                "wape": wape([r.actual_volume or 0 for r in self.rows if r.actual_volume is not None],
                             [r.forecast_volume for r in self.rows if r.actual_volume is not None]) if actual else None,
                "required_agent_hours": sum(r.required_agents_raw for r in self.rows) * self.interval_minutes / 60,
                "staffed_agent_hours": sum(staffed) * self.interval_minutes / 60 if staffed else None}


def intraday_rows(day: dt.date, version: int, interval_minutes: int, queue: str | None, plan: StaffingPlan,
                  actual: pd.DataFrame, staffed: dict[pd.Timestamp, float]) -> Intraday:
    actual_by = actual.groupby("ds")["volume"].sum().to_dict() if not actual.empty else {}
    last_actual = max((ts for ts, v in actual_by.items() if v > 0), default=None)
    rows = []
    for total in plan.totals():
        ts = pd.Timestamp(total.interval_start)
        known = last_actual is not None and ts <= last_actual
        rows.append(IntradayRow(total.interval_start, total.volume, float(actual_by.get(ts, 0.0)) if known else None,
                                total.agents_raw, total.agents, staffed.get(ts, 0.0 if known else None)))
    return Intraday(day, version, interval_minutes, queue, tuple(rows))
