"""Forecasting arithmetic by hand (WAPE, special-day cleaning, closed hours) and the demo backtest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from callboard.workforce.backtest import run_backtest, wape, weighted_aht_wape
from callboard.workforce.forecast_engine import SpecialDayRule, clean_special_days
from callboard.workforce.models import BASELINE, closed_slots, postprocess_volume


def test_wape_by_hand() -> None:
    # |10-8| + |0-1| + |5-5| = 3 over 10 + 0 + 5 = 15 -> 0.2
    assert wape([10, 0, 5], [8, 1, 5]) == pytest.approx(0.2)
    assert wape([0, 0], [1, 2]) is None  # nothing arrived: undefined, not infinite


def test_aht_wape_weights_by_answered() -> None:
    # answered 10 at AHT 100 forecast 110 -> |1000 - 1100| = 100; answered 0 skipped; answered 30 at 200
    # forecast 180 -> |6000 - 5400| = 600. (100 + 600) / (1000 + 6000) = 0.1
    answered = np.array([10.0, 0.0, 30.0])
    actual = np.array([100.0, np.nan, 200.0])
    forecast = np.array([110.0, 999.0, 180.0])
    assert weighted_aht_wape(answered, actual, forecast) == pytest.approx(0.1)


def _frame(days: int, per_day: list[float]) -> pd.DataFrame:
    """One queue, 60-min grid, each day's 24 intervals all equal to per_day[d]."""
    ds = pd.date_range("2026-01-05", periods=days * 24, freq="60min")  # a Monday
    volume = np.repeat(per_day, 24).astype(float)
    return pd.DataFrame({"queue": "q", "ds": ds, "volume": volume, "answered": volume, "aht_s": 100.0})


def test_special_day_is_replaced_by_the_week_before() -> None:
    per_day = [float(d) for d in range(21)]
    per_day[15] = 500.0  # an outage on day 15 (a Tuesday)
    cleaned = clean_special_days(_frame(21, per_day), [SpecialDayRule(dt.date(2026, 1, 20), "q", 1.0)])
    day15 = cleaned[cleaned["ds"].dt.date == dt.date(2026, 1, 20)]
    assert (day15["volume"] == 8.0).all()  # day 8 (one week earlier) had volume 8
    other = cleaned[cleaned["ds"].dt.date != dt.date(2026, 1, 20)]
    assert other["volume"].sum() == sum(per_day) * 24 - 500 * 24


def test_special_day_at_the_start_uses_the_week_after() -> None:
    cleaned = clean_special_days(_frame(14, [float(d) for d in range(14)]), [SpecialDayRule(dt.date(2026, 1, 5), "", 0)])
    assert (cleaned[cleaned["ds"].dt.date == dt.date(2026, 1, 5)]["volume"] == 7.0).all()


def test_closed_slots_stay_closed() -> None:
    frame = _frame(21, [5.0] * 21)
    frame.loc[frame["ds"].dt.hour == 3, "volume"] = 0.0  # never a contact at 03:00
    closed = closed_slots(frame, 60)
    assert closed["q"] == {d * 24 + 3 for d in range(7)}
    fc = pd.DataFrame({"unique_id": "q", "ds": pd.date_range("2026-01-26", periods=24, freq="60min"),
                       "m": [2.0] * 23 + [-1.0]})
    out = postprocess_volume(fc, ("m",), closed, 60)
    assert out.loc[3, "m"] == 0.0 and out.loc[23, "m"] == 0.0 and out.loc[4, "m"] == 2.0  # closed; clipped; kept


@pytest.fixture(scope="module")
def demo_history(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from callboard.core.settings import load_settings
    from callboard.demo import generate_demo, load_demo
    from callboard.runtime import build_runtime
    from callboard.workforce.history import load_history

    data = generate_demo(days=42, end_date=dt.date(2026, 3, 8))
    with build_runtime(load_settings(Path(tmp_path_factory.mktemp("fc_demo")))) as runtime:
        load_demo(runtime.store, data)
        history = load_history(runtime.kpi, interval_minutes=60, from_date=data.start_date, to_date=data.end_date)
    return history, data


def test_history_has_complete_grid(demo_history) -> None:  # type: ignore[no-untyped-def]
    history, data = demo_history
    assert "q_sales_outbound" not in history.queues  # outbound: nothing offered to forecast
    assert {"q_billing", "q_tech", "q_email"} <= set(history.queues)
    per_queue = history.frame.groupby("queue").size()
    assert (per_queue == 42 * 24).all()


def test_chosen_model_beats_seasonal_naive_on_two_week_demo_holdout(demo_history) -> None:  # type: ignore[no-untyped-def]
    history, data = demo_history
    result = run_backtest(history, models=("seasonal_naive", "seasonal_average", "mstl_ets"), holdout_days=14)
    assert result.holdout_from == data.end_date - dt.timedelta(days=13)
    assert set(result.volume_wape) == {"seasonal_naive", "seasonal_average", "mstl_ets"}
    assert result.chosen != BASELINE
    assert result.beats_baseline
    assert result.volume_wape[result.chosen] < result.volume_wape[BASELINE]
    for model in ("seasonal_average", "mstl_ets"):  # both seasonal models beat the baseline here
        assert result.volume_wape[model] < result.volume_wape[BASELINE]
