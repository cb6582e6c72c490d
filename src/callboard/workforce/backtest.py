"""Holdout backtest: hide the last `holdout_days` days, forecast them from the rest, score each model.

WAPE (weighted absolute percentage error) = Σ|actual − forecast| / Σ actual over every queue and
interval of the holdout (NULL when nothing arrived). Unlike the mean of per-interval percentage
errors it is not blown up by quiet intervals, and it weights busy queues and hours by their volume.
AHT (forecast by the seasonal average for every volume model, see forecast_engine) is scored the same way weighted by answered contacts: Σ answered·|AHT − AHT forecast| /
Σ answered·AHT, over intervals with answered contacts. The chosen model has the lowest volume WAPE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from callboard.core.errors import InvalidInput
from callboard.workforce.forecast_engine import SpecialDayRule, forecast
from callboard.workforce.history import History
from callboard.workforce.models import BASELINE, min_history_days


def wape(actual: np.ndarray | list[float], forecast_values: np.ndarray | list[float]) -> float | None:
    """Σ|actual − forecast| / Σ actual; None when Σ actual is 0."""
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast_values, dtype=float)
    total = float(a.sum())
    return None if total == 0 else float(np.abs(a - f).sum() / total)


def weighted_aht_wape(answered: np.ndarray, actual_aht: np.ndarray, forecast_aht: np.ndarray) -> float | None:
    """Σ answered·|AHT − forecast| / Σ answered·AHT over intervals with answered > 0."""
    mask = (answered > 0) & ~np.isnan(actual_aht)
    return wape(answered[mask] * actual_aht[mask], answered[mask] * forecast_aht[mask])


@dataclass(frozen=True)
class BacktestResult:
    holdout_from: dt.date
    holdout_to: dt.date
    volume_wape: dict[str, float | None]
    aht_wape: dict[str, float | None]
    queue_wape: dict[str, dict[str, float | None]]  # queue -> model -> volume WAPE
    chosen: str
    baseline: str = BASELINE

    @property
    def beats_baseline(self) -> bool:
        chosen, base = self.volume_wape.get(self.chosen), self.volume_wape.get(self.baseline)
        return chosen is not None and base is not None and chosen < base

    def as_json(self) -> dict[str, object]:
        return {"holdout_from": self.holdout_from.isoformat(), "holdout_to": self.holdout_to.isoformat(),
                "volume_wape": self.volume_wape, "aht_wape": self.aht_wape, "queue_wape": self.queue_wape,
                "chosen": self.chosen, "baseline": self.baseline}


def run_backtest(history: History, *, models: tuple[str, ...], holdout_days: int = 14,
                 special_days: list[SpecialDayRule] | None = None) -> BacktestResult:
    if BASELINE not in models:
        models = (BASELINE, *models)
    cut = history.to_date - dt.timedelta(days=holdout_days - 1)
    train_days = (cut - history.from_date).days
    if holdout_days < 1 or train_days < min_history_days():
        raise InvalidInput(f"{train_days} days of history before a {holdout_days}-day holdout is too little",
                           hint=f"load at least {min_history_days() + holdout_days} days of contacts")
    frame = history.frame
    train = frame[frame["ds"] < pd.Timestamp(cut)]
    test = frame[frame["ds"] >= pd.Timestamp(cut)]
    frames = forecast(train, models=models, interval_minutes=history.interval_minutes, horizon_days=holdout_days,
                      special_days=special_days)
    keys = ["queue", "ds"]
    vol = test[[*keys, "volume", "answered", "aht_s"]].merge(frames.volume, on=keys, how="left")
    aht = test[keys].merge(frames.aht, on=keys, how="left")
    volume_wape = {m: wape(vol["volume"], vol[m].fillna(0)) for m in models}
    aht_wape = {m: weighted_aht_wape(vol["answered"].to_numpy(dtype=float), vol["aht_s"].to_numpy(dtype=float),
                                     aht[frames.aht_column(m)].fillna(0).to_numpy(dtype=float)) for m in models}
    queue_wape = {str(q): {m: wape(g["volume"], g[m].fillna(0)) for m in models} for q, g in vol.groupby("queue")}
    scored = [(w, 1 if m == BASELINE else 0, m) for m, w in volume_wape.items() if w is not None]
    chosen = min(scored)[2] if scored else BASELINE
    return BacktestResult(cut, history.to_date, volume_wape, aht_wape, queue_wape, chosen)
