"""The forecasting models (statsforecast), each with daily and weekly seasonality on the interval grid.

- `seasonal_naive`: the same interval one week earlier (the baseline every model must beat).
- `seasonal_average`: the mean of the same interval over the last 3 weeks (SeasonalWindowAverage).
- `mstl_ets`: MSTL decomposition with a daily and a weekly seasonal period, the trend forecast by
  AutoETS (no seasonal term: MSTL removes both seasons first).

Seasonal AutoARIMA with a 336-interval season is far too slow on 30-minute data and is not offered.
Volume forecasts are clipped at 0, and an interval that had no contact in the same slot of the week
in any of the last `CLOSED_WEEKS` weeks of history is forecast as 0 (closed hours stay closed).
All fits run with `n_jobs=1` (2-core machines, deterministic).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from callboard.core.errors import InvalidInput
from callboard.workforce.history import slot_of_week

BASELINE = "seasonal_naive"
CLOSED_WEEKS = 3
AVERAGE_WEEKS = 3


@dataclass(frozen=True)
class ModelSpec:
    name: str
    title: str
    build: Callable[[int, int], Any]  # (daily season, weekly season) -> statsforecast model


def _seasonal_naive(_daily: int, weekly: int) -> Any:
    from statsforecast.models import SeasonalNaive

    return SeasonalNaive(season_length=weekly, alias=BASELINE)


def _seasonal_average(_daily: int, weekly: int) -> Any:
    from statsforecast.models import SeasonalWindowAverage

    return SeasonalWindowAverage(season_length=weekly, window_size=AVERAGE_WEEKS, alias="seasonal_average")


def _mstl_ets(daily: int, weekly: int) -> Any:
    from statsforecast.models import MSTL, AutoETS

    return MSTL(season_length=[daily, weekly], trend_forecaster=AutoETS(model="ZZN"), alias="mstl_ets")


MODELS: dict[str, ModelSpec] = {
    BASELINE: ModelSpec(BASELINE, "Seasonal naive (same interval last week)", _seasonal_naive),
    "seasonal_average": ModelSpec("seasonal_average", f"Seasonal average (same interval, last {AVERAGE_WEEKS} weeks)",
                                  _seasonal_average),
    "mstl_ets": ModelSpec("mstl_ets", "MSTL (daily + weekly seasons) with AutoETS trend", _mstl_ets),
}


def check_models(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise InvalidInput(f"unknown forecasting model '{unknown[0]}'", hint=f"valid models: {', '.join(MODELS)}")
    return tuple(dict.fromkeys(names))


def seasons(interval_minutes: int) -> tuple[int, int]:
    daily = 1440 // interval_minutes
    return daily, 7 * daily


def min_history_days() -> int:
    """MSTL needs two full weekly cycles; the seasonal average wants its window."""
    return max(14, 7 * AVERAGE_WEEKS)


def fit_predict(series: pd.DataFrame, *, models: tuple[str, ...], interval_minutes: int,
                horizon: int) -> pd.DataFrame:
    """`series`: unique_id, ds, y on a complete grid. Returns unique_id, ds and one column per model."""
    from statsforecast import StatsForecast

    daily, weekly = seasons(interval_minutes)
    built = [MODELS[name].build(daily, weekly) for name in models]
    engine = StatsForecast(models=built, freq=f"{interval_minutes}min", n_jobs=1)
    out = engine.forecast(df=series[["unique_id", "ds", "y"]], h=horizon)
    return out.reset_index(drop=True) if "unique_id" in out.columns else out.reset_index()


def closed_slots(frame: pd.DataFrame, interval_minutes: int) -> dict[str, set[int]]:
    """Per queue, the slots of the week with no contact in any of the last CLOSED_WEEKS weeks."""
    _, weekly = seasons(interval_minutes)
    out: dict[str, set[int]] = {}
    for queue, group in frame.groupby("queue"):
        recent = group.sort_values("ds").tail(weekly * CLOSED_WEEKS)
        slots = slot_of_week(recent["ds"], interval_minutes)
        totals = pd.Series(recent["volume"].to_numpy()).groupby(slots).sum()
        out[str(queue)] = {int(s) for s, v in totals.items() if v == 0}
    return out


def postprocess_volume(forecast: pd.DataFrame, columns: tuple[str, ...], closed: dict[str, set[int]],
                       interval_minutes: int) -> pd.DataFrame:
    """Clip at 0 and zero the closed slots of each queue."""
    out = forecast.copy()
    slots = slot_of_week(out["ds"], interval_minutes)
    shut = np.array([slot in closed.get(str(q), set()) for q, slot in zip(out["unique_id"], slots, strict=True)],
                    dtype=bool)
    for column in columns:
        values = np.clip(out[column].to_numpy(dtype=float), 0.0, None)
        values[shut] = 0.0
        out[column] = values
    return out
