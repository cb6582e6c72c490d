"""From history to forecast frames: special-day cleaning, model fits for volume and AHT, post-processing.

Pure functions over pandas frames (no database): the service and the backtest both call `forecast`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from callboard.workforce.history import fill_aht, interval_grid
from callboard.workforce.models import BASELINE, closed_slots, fit_predict, postprocess_volume


AHT_MODEL = "seasonal_average"


@dataclass(frozen=True)
class SpecialDayRule:
    day: dt.date
    queue: str  # "" = every queue
    volume_factor: float


def clean_special_days(frame: pd.DataFrame, rules: list[SpecialDayRule]) -> pd.DataFrame:
    """History on a special day is replaced by the same weekday one week earlier (or later, at the start
    of the history), so a holiday or an outage does not teach the models a false pattern."""
    if not rules or frame.empty:
        return frame
    out = frame.copy()
    days = out["ds"].dt.date
    indexed = out.set_index(["queue", "ds"])
    for rule in rules:
        mask = (days == rule.day) & ((out["queue"] == rule.queue) if rule.queue else True)
        if not mask.any():
            continue
        for shift in (-7, 7, -14, 14):
            src = out.loc[mask, ["queue", "ds"]].assign(ds=lambda f, s=shift: f["ds"] + pd.Timedelta(days=s))
            keys = list(zip(src["queue"], src["ds"], strict=True))
            if all(k in indexed.index for k in keys):
                values = indexed.loc[keys, ["volume", "answered", "aht_s"]].to_numpy()
                out.loc[mask, ["volume", "answered", "aht_s"]] = values
                break
    return out


@dataclass(frozen=True)
class ForecastFrames:
    """`volume`: columns queue, ds and one column per model; `aht`: queue, ds and one column per AHT model
    (see `aht_column`)."""

    volume: pd.DataFrame
    aht: pd.DataFrame
    models: tuple[str, ...]

    def aht_column(self, model: str) -> str:
        return model if model in self.aht.columns else AHT_MODEL


def aht_models(models: tuple[str, ...]) -> tuple[str, ...]:
    """AHT is smooth and its fit doubles the cost of MSTL: it is forecast by the seasonal average (and the
    baseline, for the backtest), whichever model forecasts volume."""
    return (BASELINE, AHT_MODEL) if BASELINE in models else (AHT_MODEL,)


def forecast(frame: pd.DataFrame, *, models: tuple[str, ...], interval_minutes: int, horizon_days: int,
             special_days: list[SpecialDayRule] | None = None) -> ForecastFrames:
    """Fit each model on the history `frame` (queue, ds, volume, answered, aht_s; complete grid) and forecast
    the `horizon_days` days after its last day, for volume and AHT."""
    cleaned = clean_special_days(frame, special_days or [])
    horizon = horizon_days * (1440 // interval_minutes)
    volume_in = pd.DataFrame({"unique_id": cleaned["queue"], "ds": cleaned["ds"],
                              "y": cleaned["volume"].to_numpy(dtype=float)})
    aht_in = pd.DataFrame({"unique_id": cleaned["queue"], "ds": cleaned["ds"],
                           "y": fill_aht(cleaned, interval_minutes)})
    volume = fit_predict(volume_in, models=models, interval_minutes=interval_minutes, horizon=horizon)
    volume = postprocess_volume(volume, models, closed_slots(cleaned, interval_minutes), interval_minutes)
    aht_names = aht_models(models)
    aht = fit_predict(aht_in, models=aht_names, interval_minutes=interval_minutes, horizon=horizon)
    for column in aht_names:
        aht[column] = np.clip(aht[column].to_numpy(dtype=float), 0.0, None)
    return ForecastFrames(volume.rename(columns={"unique_id": "queue"}), aht.rename(columns={"unique_id": "queue"}),
                          models)


def horizon_grid(last_day: dt.date, horizon_days: int, interval_minutes: int) -> pd.DatetimeIndex:
    return interval_grid(last_day + dt.timedelta(days=1), last_day + dt.timedelta(days=horizon_days), interval_minutes)
