"""ForecastService on a small generated demo: versions, adjustments (audited), accuracy, access; migration 0005."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect

from callboard.core.errors import Forbidden, InvalidInput
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.workforce.forecast_service import ForecastRequest

END = dt.date(2026, 3, 8)
PLANNER = Viewer(username="pat", role="planner")
SUPERVISOR = Viewer(username="sue", role="supervisor", agent_ids=frozenset({"a001"}), team_ids=frozenset({"t_care"}))
AGENT = Viewer(username="a001", role="agent", agent_id="a001", agent_ids=frozenset({"a001"}))
FAST = ("seasonal_naive", "seasonal_average")


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from callboard.core.settings import load_settings
    from callboard.demo import generate_demo, load_demo
    from callboard.runtime import build_runtime

    data = generate_demo(days=35, end_date=END, scale=0.3)
    rt = build_runtime(load_settings(Path(tmp_path_factory.mktemp("fc_service"))))
    load_demo(rt.store, data)
    yield rt
    rt.close()


@pytest.fixture(scope="module")
def backtest_run(runtime):  # type: ignore[no-untyped-def]
    """Made as of 7 days before the end, for the last 7 days (so actuals exist)."""
    return runtime.forecasting.create_forecast(PLANNER, ForecastRequest(
        interval_minutes=60, horizon_days=7, history_days=28, holdout_days=7, as_of=END - dt.timedelta(days=7),
        models=FAST))


def test_run_is_stored_with_its_backtest(runtime, backtest_run) -> None:  # type: ignore[no-untyped-def]
    info = backtest_run
    assert info.horizon_from == END - dt.timedelta(days=6) and info.horizon_to == END
    assert info.history_to == END - dt.timedelta(days=7)
    assert set(info.backtest["volume_wape"]) == set(FAST)
    assert info.model == info.backtest["chosen"]
    points = runtime.forecasting.points(SUPERVISOR, info.version, queues=["q_billing"])
    assert len(points) == 7 * 24  # one per hour of the horizon
    assert all(p.volume >= 0 for p in points)
    with runtime.app_db.session() as session:
        assert any(e.entity == "forecast_run" and e.entity_id == str(info.version) for e in audit.entries(session))


def test_special_day_and_override_apply_when_read(runtime, backtest_run) -> None:  # type: ignore[no-untyped-def]
    service = runtime.forecasting
    day = backtest_run.horizon_from
    base = {p.interval_start: p for p in service.points(PLANNER, backtest_run.version, queues=["q_billing"])}
    special = service.add_special_day(PLANNER, day=day, name="Bank holiday", volume_factor=0.0)
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(10))
    override = service.add_override(PLANNER, queue="q_billing", starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                    volume_factor=1.5, aht_s=240.0, reason="mailer")
    after = {p.interval_start: p for p in service.points(PLANNER, backtest_run.version, queues=["q_billing"])}
    holiday = [p for ts, p in after.items() if ts.date() == day]
    assert all(p.volume == 0 for p in holiday) and any(p.base_volume > 0 for p in holiday)
    for hour in (10, 11):  # inside [10:00, 12:00): volume x 1.5, AHT replaced
        ts = start.replace(hour=hour)
        assert after[ts].volume == pytest.approx(base[ts].volume * 1.5)
        assert after[ts].aht_s == 240.0
    ts = start.replace(hour=12)  # the end is exclusive
    assert after[ts].volume == pytest.approx(base[ts].volume)
    service.delete_override(PLANNER, override.id)
    service.delete_special_day(PLANNER, special.id)
    again = {p.interval_start: p.volume for p in service.points(PLANNER, backtest_run.version, queues=["q_billing"])}
    assert again == {ts: p.volume for ts, p in base.items()}
    with runtime.app_db.session() as session:
        actions = [(e.entity, e.action) for e in audit.entries(session)]
    assert ("forecast_override", "create") in actions and ("forecast_override", "delete") in actions
    assert ("forecast_special_day", "create") in actions and ("forecast_special_day", "delete") in actions
    assert service.overrides(PLANNER, include_inactive=True)[-1].active is False  # kept for the audit trail


def test_accuracy_matches_hand_wape(runtime, backtest_run) -> None:  # type: ignore[no-untyped-def]
    from callboard.workforce.history import load_history

    acc = runtime.forecasting.accuracy(SUPERVISOR, backtest_run.version)
    assert acc.to_date == END
    actual = load_history(runtime.kpi, interval_minutes=60, from_date=acc.from_date, to_date=END).frame
    forecast = {(p.queue, p.interval_start): p.volume for p in runtime.forecasting.points(PLANNER, backtest_run.version)}
    errors = sum(abs(v - forecast.get((q, ts.to_pydatetime()), 0.0))
                 for q, ts, v in zip(actual["queue"], actual["ds"], actual["volume"], strict=True))
    assert acc.wape == pytest.approx(errors / actual["volume"].sum())
    assert sum(q.actual for q in acc.queues) == actual["volume"].sum()


def test_intraday_and_staffing(runtime, backtest_run) -> None:  # type: ignore[no-untyped-def]
    view = runtime.forecasting.intraday(SUPERVISOR, END - dt.timedelta(days=2))
    assert len(view.rows) == 24
    assert any(r.staffed_agents and r.staffed_agents > 0 for r in view.rows)
    assert any(r.required_agents_raw > 0 for r in view.rows)
    plan = runtime.forecasting.staffing(PLANNER, backtest_run.version, from_date=END, to_date=END)
    for row in plan.rows:
        assert row.agents >= row.agents_raw
        if plan.channels.get(row.queue) != "email":  # email work is spread over 4 h, so a quiet hour still has some
            assert row.volume > 0 or row.agents == 0


def test_access(runtime, backtest_run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        runtime.forecasting.runs(AGENT)
    with pytest.raises(Forbidden):
        runtime.forecasting.add_special_day(SUPERVISOR, day=END, name="x")
    with pytest.raises(Forbidden):
        runtime.forecasting.create_forecast(SUPERVISOR, ForecastRequest(models=FAST))
    with pytest.raises(Forbidden):
        runtime.forecasting.set_shrinkage(SUPERVISOR, {"breaks": "0.1"})
    assert runtime.forecasting.runs(SUPERVISOR)


def test_invalid_input(runtime) -> None:  # type: ignore[no-untyped-def]
    service = runtime.forecasting
    with pytest.raises(InvalidInput):
        service.create_forecast(PLANNER, ForecastRequest(interval_minutes=20, models=FAST))
    with pytest.raises(InvalidInput):
        service.create_forecast(PLANNER, ForecastRequest(models=("arima",)))
    with pytest.raises(InvalidInput):
        service.set_shrinkage(PLANNER, {"breaks": "0.6", "absence": "0.5"})
    with pytest.raises(InvalidInput):
        service.add_override(PLANNER, queue="q_billing", starts_at=dt.datetime(2026, 3, 2, 10),
                             ends_at=dt.datetime(2026, 3, 2, 9), volume_factor=1.1, reason="x")


def test_migration_up_and_down(tmp_path: Path) -> None:
    from alembic import command

    from callboard.store.appdb.engine import alembic_config, open_app_db

    url = f"sqlite:///{tmp_path / 'app.db'}"
    db = open_app_db(url)
    tables = set(inspect(db.engine).get_table_names())
    assert {"forecast_runs", "forecast_values", "forecast_overrides", "forecast_special_days", "shrinkage_plan",
            "staffing_targets"} <= tables
    config = alembic_config(url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005_forecast@0001")
    assert "forecast_runs" not in set(inspect(db.engine).get_table_names())
    db.close()
