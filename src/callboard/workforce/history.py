"""Contact history for forecasting: volume and AHT per queue per interval, and staffed agents per interval.

Everything comes from the KPI service (the catalog's `offered`, `answered` and `aht_s`, grouped by
`queue` and `interval_15/30/60` in the organisation's time zone), so a forecast learns from the same
numbers the pages show. Intervals are naive local wall-clock starts. Intervals without contacts are
filled with volume 0 and AHT NaN, so every queue has a complete grid from the first to the last day.

Staffed agents per interval come from agent state time (reference §10 terms): on-queue time =
available + connecting + on_contact + acw, split at interval boundaries by the metrics engine, divided
by the interval length. The catalog has no metric for raw on-queue time, so `staffing_catalog` adds
one (`wfm.on_queue_s`) to a copy of the catalog for this module only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from callboard.core.errors import InvalidInput
from callboard.metrics.catalog import Catalog
from callboard.metrics.definitions import Metric
from callboard.metrics.service import KpiService

INTERVALS_MIN = (15, 30, 60)
ON_QUEUE_METRIC = "wfm.on_queue_s"


def check_interval(interval_minutes: int) -> int:
    if interval_minutes not in INTERVALS_MIN:
        raise InvalidInput(f"interval {interval_minutes} min is not supported", hint="use 15, 30 or 60")
    return interval_minutes


def dimension(interval_minutes: int) -> str:
    return f"interval_{check_interval(interval_minutes)}"


@dataclass(frozen=True)
class History:
    """`frame` columns: queue, ds (naive local interval start), volume (float), answered, aht_s (NaN if none)."""

    frame: pd.DataFrame
    interval_minutes: int
    from_date: dt.date
    to_date: dt.date

    @property
    def queues(self) -> tuple[str, ...]:
        return tuple(sorted(self.frame["queue"].unique()))


def interval_grid(from_date: dt.date, to_date: dt.date, interval_minutes: int) -> pd.DatetimeIndex:
    start = pd.Timestamp(from_date)
    end = pd.Timestamp(to_date + dt.timedelta(days=1))
    return pd.date_range(start, end, freq=f"{interval_minutes}min", inclusive="left")


def load_history(kpi: KpiService, *, interval_minutes: int, from_date: dt.date, to_date: dt.date,
                 queues: list[str] | None = None) -> History:
    """Inbound volume and AHT per queue and interval over [from_date, to_date] (local days, inclusive).

    Queues with no inbound contact in the period are left out (nothing to learn from)."""
    where: dict[str, list[str]] = {"direction": ["inbound"]}
    if queues:
        where["queue"] = list(queues)
    result = kpi.query(metrics=["offered", "answered", "aht_s"], by=["queue", dimension(interval_minutes)],
                       from_date=from_date, to_date=to_date, where=where)
    column = dimension(interval_minutes)
    rows = [r for r in result.rows if r.get("queue") is not None and r.get(column) is not None]
    grid = interval_grid(from_date, to_date, interval_minutes)
    parts = []
    raw = pd.DataFrame(rows, columns=["queue", column, "offered", "answered", "aht_s"])
    raw["ds"] = pd.to_datetime(raw[column])
    for queue, group in raw.groupby("queue"):
        if not (group["offered"].fillna(0) > 0).any():
            continue
        g = group.groupby("ds").agg(offered=("offered", "sum"), answered=("answered", "sum"), aht_s=("aht_s", "mean"))
        g = g.reindex(grid)
        parts.append(pd.DataFrame({
            "queue": queue, "ds": grid,
            "volume": g["offered"].fillna(0).to_numpy(dtype=float),
            "answered": g["answered"].fillna(0).to_numpy(dtype=float),
            "aht_s": g["aht_s"].to_numpy(dtype=float),
        }))
    frame = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame({"queue": [], "ds": pd.to_datetime([]), "volume": [], "answered": [], "aht_s": []}))
    return History(frame=frame, interval_minutes=interval_minutes, from_date=from_date, to_date=to_date)


def staffing_catalog(catalog: Catalog) -> Catalog:
    """The catalog plus `wfm.on_queue_s` (on-queue state time in seconds), for staffed-agent counts."""
    if ON_QUEUE_METRIC in catalog.metrics:
        return catalog
    metric = Metric(id=ON_QUEUE_METRIC, kpi="wfm", title="On-queue time", type="derived", unit="seconds",
                    formula="on_queue_ms / 1000",
                    description="available + connecting + on_contact + acw state time, seconds")
    return Catalog(catalog.measures, {**catalog.metrics, ON_QUEUE_METRIC: metric}, catalog.aliases)


def staffed_agents(kpi: KpiService, *, day_from: dt.date, day_to: dt.date, interval_minutes: int) -> dict[pd.Timestamp, float]:
    """Average agents on queue per interval = on-queue seconds in the interval / interval seconds."""
    service = KpiService(store=kpi.store, catalog=staffing_catalog(kpi.catalog), settings=kpi.settings)
    column = dimension(interval_minutes)
    result = service.query(metrics=[ON_QUEUE_METRIC], by=[column], from_date=day_from, to_date=day_to)
    out: dict[pd.Timestamp, float] = {}
    for row in result.rows:
        value: Any = row.get(ON_QUEUE_METRIC)
        if row.get(column) is not None and value is not None:
            out[pd.Timestamp(row[column])] = float(value) / (interval_minutes * 60)
    return out


def data_span(kpi: KpiService) -> tuple[dt.date | None, dt.date | None]:
    """First and last local day with inbound contacts."""
    result = kpi.query(metrics=["offered"], by=["day"], where={"direction": ["inbound"]})
    days = sorted(dt.date.fromisoformat(r["day"]) for r in result.rows if r.get("day") and (r.get("offered") or 0) > 0)
    return (days[0], days[-1]) if days else (None, None)


def fill_aht(frame: pd.DataFrame, interval_minutes: int) -> np.ndarray:
    """AHT per row with gaps (no answered contact) filled by the queue's mean AHT in the same slot of the
    week, else the queue's answered-weighted mean AHT: a smooth series the models can learn from."""
    slot = slot_of_week(frame["ds"], interval_minutes)
    out = frame["aht_s"].to_numpy(dtype=float).copy()
    for queue in frame["queue"].unique():
        mask = (frame["queue"] == queue).to_numpy()
        aht = out[mask]
        weights = frame.loc[mask, "answered"].to_numpy(dtype=float)
        known = ~np.isnan(aht)
        overall = float(np.average(aht[known], weights=np.maximum(weights[known], 1e-9))) if known.any() else 0.0
        slot_mean = pd.Series(aht).groupby(slot[mask]).transform("mean").to_numpy()
        filled = np.where(known, aht, np.where(np.isnan(slot_mean), overall, slot_mean))
        out[mask] = filled
    return out


def slot_of_week(ds: pd.Series, interval_minutes: int) -> np.ndarray:
    """0..(7 * intervals per day - 1): Monday 00:00 is slot 0."""
    stamps = pd.DatetimeIndex(ds)
    return (stamps.day_of_week * (1440 // interval_minutes)
            + (stamps.hour * 60 + stamps.minute) // interval_minutes).to_numpy()
