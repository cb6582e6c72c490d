"""ForecastService: history -> backtested forecast versions -> adjustments -> staffing plan and intraday view.

Permissions (core/viewer.py): reading needs `view_forecasts` (supervisors, planners, managers, admins);
building forecasts and editing special days, overrides, shrinkage and targets needs `manage_forecasts`
(planners, admins). Agents are denied. Forecasts, actuals and staffed counts are centre-wide queue and
interval aggregates (never one agent's rows), so they are read without the viewer's agent scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from callboard.core.errors import InvalidInput, NotFound
from callboard.core.settings import Settings
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.workforce import forecast_adjust as adjust
from callboard.workforce import forecast_store as runs_db
from callboard.workforce import staffing_plan_config as config
from callboard.workforce.backtest import BacktestResult, run_backtest
from callboard.workforce.forecast_accuracy import Accuracy, Intraday, accuracy_of, intraday_rows
from callboard.workforce.forecast_engine import forecast
from callboard.workforce.history import check_interval, data_span, load_history, staffed_agents
from callboard.workforce.models import MODELS, check_models
from callboard.workforce.staffing_plan import StaffingPlan, build_plan

VIEW, MANAGE = "view_forecasts", "manage_forecasts"


@dataclass(frozen=True)
class ForecastRequest:
    interval_minutes: int = 30
    horizon_days: int = 14
    history_days: int = 56
    holdout_days: int = 14
    as_of: dt.date | None = None  # last day of history (default: the last day with contacts)
    models: tuple[str, ...] = tuple(MODELS)
    note: str = ""


class ForecastService:
    def __init__(self, app_db: Any, store: Any, kpi: Any, settings: Settings) -> None:
        self.app_db = app_db
        self.store = store
        self.kpi = kpi
        self.settings = settings
        self._channels: dict[str, str] | None = None

    # -- reading -------------------------------------------------------------------------------
    def span(self, viewer: Viewer) -> tuple[dt.date | None, dt.date | None]:
        viewer.require(VIEW)
        return data_span(self.kpi)

    def channels(self) -> dict[str, str]:
        """queue -> channel of every inbound queue with contacts (cached per service)."""
        if self._channels is None:
            result = self.kpi.query(metrics=["offered"], by=["queue", "channel"], where={"direction": ["inbound"]})
            self._channels = {r["queue"]: r["channel"] for r in result.rows if r.get("queue") and (r.get("offered") or 0)}
        return self._channels

    def runs(self, viewer: Viewer) -> list[runs_db.RunInfo]:
        viewer.require(VIEW)
        with self.app_db.session() as session:
            return runs_db.list_runs(session)

    def run(self, viewer: Viewer, version: int) -> runs_db.RunInfo:
        viewer.require(VIEW)
        with self.app_db.session() as session:
            return runs_db.get_run(session, version)

    def latest_run(self, viewer: Viewer, *, covering: dt.date | None = None) -> runs_db.RunInfo | None:
        viewer.require(VIEW)
        with self.app_db.session() as session:
            if covering is not None:
                return runs_db.latest_covering(session, covering)
            found = runs_db.list_runs(session)
            return found[0] if found else None

    def points(self, viewer: Viewer, version: int, *, queues: list[str] | None = None,
               from_date: dt.date | None = None, to_date: dt.date | None = None,
               adjusted: bool = True) -> list[adjust.Point]:
        """The run's intervals in [from_date, to_date] with special days and overrides applied."""
        viewer.require(VIEW)
        start = None if from_date is None else dt.datetime.combine(from_date, dt.time())
        end = None if to_date is None else dt.datetime.combine(to_date + dt.timedelta(days=1), dt.time())
        with self.app_db.session() as session:
            runs_db.get_run(session, version)
            stored = runs_db.run_values(session, version, queues=queues, start=start, end=end)
            points = [adjust.Point(v.queue, v.interval_start, v.volume, v.aht_s, v.volume, v.aht_s) for v in stored]
            if not adjusted:
                return points
            return adjust.apply(points, adjust.special_days(session), adjust.overrides(session))

    def accuracy(self, viewer: Viewer, version: int, *, queue: str | None = None) -> Accuracy:
        """Forecast (adjusted) against actuals for the run's days that have contacts so far."""
        run = self.run(viewer, version)
        _first, last = data_span(self.kpi)
        to_date = min(run.horizon_to, last) if last else None
        if to_date is None or to_date < run.horizon_from:
            return Accuracy(run.version, run.horizon_from, None, None, None, (), ())
        queues = [queue] if queue else None
        points = self.points(viewer, version, queues=queues, from_date=run.horizon_from, to_date=to_date)
        actual = load_history(self.kpi, interval_minutes=run.interval_minutes, from_date=run.horizon_from,
                              to_date=to_date, queues=queues)
        return accuracy_of(run.version, run.horizon_from, to_date, points, actual.frame)

    def special_days(self, viewer: Viewer) -> list[adjust.SpecialDay]:
        viewer.require(VIEW)
        with self.app_db.session() as session:
            return adjust.special_days(session)

    def overrides(self, viewer: Viewer, *, include_inactive: bool = False) -> list[adjust.Override]:
        viewer.require(VIEW)
        with self.app_db.session() as session:
            return adjust.overrides(session, include_inactive=include_inactive)

    def shrinkage(self, viewer: Viewer) -> config.ShrinkagePlan:
        viewer.require(VIEW)
        with self.app_db.session() as session:
            return config.shrinkage_plan(session)

    def targets(self, viewer: Viewer) -> dict[str, config.Target]:
        viewer.require(VIEW)
        with self.app_db.session() as session:
            return config.targets(session, self.channels())

    def staffing(self, viewer: Viewer, version: int, *, from_date: dt.date | None = None,
                 to_date: dt.date | None = None, queues: list[str] | None = None) -> StaffingPlan:
        run = self.run(viewer, version)
        points = self.points(viewer, version, queues=queues, from_date=from_date or run.horizon_from,
                             to_date=to_date or run.horizon_to)
        with self.app_db.session() as session:
            shrink = config.shrinkage_plan(session)
            goals = config.targets(session, self.channels())
        for p in points:  # a queue the run has but the data no longer lists still needs a target
            goals.setdefault(p.queue, config.default_target(p.queue, None))
        return build_plan(points, interval_minutes=run.interval_minutes, targets=goals, channels=self.channels(),
                          shrinkage=shrink)

    def intraday(self, viewer: Viewer, day: dt.date, *, queue: str | None = None) -> Intraday:
        """One day: forecast vs actual volume, required vs staffed agents per interval."""
        viewer.require(VIEW)
        run = self.latest_run(viewer, covering=day)
        if run is None:
            raise NotFound(f"no forecast covers {day}", hint="build a forecast whose horizon holds that day")
        queues = [queue] if queue else None
        plan = self.staffing(viewer, run.version, from_date=day, to_date=day, queues=queues)
        actual = load_history(self.kpi, interval_minutes=run.interval_minutes, from_date=day, to_date=day, queues=queues)
        staffed = staffed_agents(self.kpi, day_from=day, day_to=day, interval_minutes=run.interval_minutes)
        return intraday_rows(day, run.version, run.interval_minutes, queue, plan, actual.frame, staffed)

    # -- managing ------------------------------------------------------------------------------
    def backtest(self, viewer: Viewer, request: ForecastRequest) -> BacktestResult:
        viewer.require(MANAGE)
        history = self._history(request)
        return run_backtest(history, models=check_models(request.models), holdout_days=request.holdout_days,
                            special_days=self._rules())

    def create_forecast(self, viewer: Viewer, request: ForecastRequest) -> runs_db.RunInfo:
        """Backtest every model on the last `holdout_days` of the history, fit the best on all of it and store
        the next `horizon_days` days as a new version."""
        viewer.require(MANAGE)
        if not 1 <= request.horizon_days <= 62:
            raise InvalidInput(f"horizon {request.horizon_days} days is out of range", hint="use 1 to 62 days")
        models = check_models(request.models)
        history = self._history(request)
        rules = self._rules()
        result = run_backtest(history, models=models, holdout_days=request.holdout_days, special_days=rules)
        frames = forecast(history.frame, models=(result.chosen,), interval_minutes=history.interval_minutes,
                          horizon_days=request.horizon_days, special_days=rules)
        values = frames.volume[["queue", "ds", result.chosen]].rename(columns={result.chosen: "volume"})
        aht = frames.aht[["queue", "ds", frames.aht_column(result.chosen)]]
        values = values.merge(aht.rename(columns={frames.aht_column(result.chosen): "aht_s"}), on=["queue", "ds"])
        with self.app_db.session() as session:
            info = runs_db.save_run(
                session, model=result.chosen, interval_minutes=history.interval_minutes,
                history_from=history.from_date, history_to=history.to_date,
                horizon_from=history.to_date + dt.timedelta(days=1),
                horizon_to=history.to_date + dt.timedelta(days=request.horizon_days),
                backtest=result.as_json(), note=request.note, created_at=audit.utc_now(), created_by=viewer.username,
                values=values)
            audit.record(session, actor=viewer.username, action="create", entity="forecast_run", entity_id=info.version,
                         after={"model": info.model, "interval_minutes": info.interval_minutes,
                                "horizon": [info.horizon_from.isoformat(), info.horizon_to.isoformat()],
                                "volume_wape": result.volume_wape})
        return info

    def delete_forecast(self, viewer: Viewer, version: int) -> None:
        viewer.require(MANAGE)
        with self.app_db.session() as session:
            info = runs_db.get_run(session, version)
            audit.record(session, actor=viewer.username, action="delete", entity="forecast_run", entity_id=version,
                         before={"model": info.model, "horizon": [info.horizon_from.isoformat(),
                                                                  info.horizon_to.isoformat()]})
            runs_db.delete_run(session, version)

    def add_special_day(self, viewer: Viewer, *, day: dt.date, name: str, volume_factor: float = 0.0,
                        queue: str = "") -> adjust.SpecialDay:
        viewer.require(MANAGE)
        with self.app_db.session() as session:
            return adjust.add_special_day(session, actor=viewer.username, day=day, name=name,
                                          volume_factor=volume_factor, queue=queue)

    def delete_special_day(self, viewer: Viewer, special_day_id: int) -> None:
        viewer.require(MANAGE)
        with self.app_db.session() as session:
            adjust.delete_special_day(session, actor=viewer.username, special_day_id=special_day_id)

    def add_override(self, viewer: Viewer, *, queue: str, starts_at: dt.datetime, ends_at: dt.datetime,
                     volume_factor: float | None = None, aht_s: float | None = None, reason: str) -> adjust.Override:
        viewer.require(MANAGE)
        with self.app_db.session() as session:
            return adjust.add_override(session, actor=viewer.username, queue=queue, starts_at=starts_at,
                                       ends_at=ends_at, volume_factor=volume_factor, aht_s=aht_s, reason=reason)

    def delete_override(self, viewer: Viewer, override_id: int) -> None:
        viewer.require(MANAGE)
        with self.app_db.session() as session:
            adjust.deactivate_override(session, actor=viewer.username, override_id=override_id)

    def set_shrinkage(self, viewer: Viewer, categories: dict[str, str]) -> config.ShrinkagePlan:
        viewer.require(MANAGE)
        with self.app_db.session() as session:
            return config.set_shrinkage(session, actor=viewer.username, categories=categories)

    def set_target(self, viewer: Viewer, *, queue: str, target_sl: str, answer_within_s: float, max_occupancy: str,
                   concurrency: int = 1) -> config.Target:
        viewer.require(MANAGE)
        with self.app_db.session() as session:
            return config.set_target(session, actor=viewer.username, queue=queue, target_sl=target_sl,
                                     answer_within_s=answer_within_s, max_occupancy=max_occupancy,
                                     concurrency=concurrency)

    # -- helpers -------------------------------------------------------------------------------
    def _rules(self) -> list[Any]:
        with self.app_db.session() as session:
            return [d.rule() for d in adjust.special_days(session)]

    def _history(self, request: ForecastRequest) -> Any:
        check_interval(request.interval_minutes)
        first, last = data_span(self.kpi)
        if last is None or first is None:
            raise InvalidInput("no inbound contacts to forecast from", hint="load contact history first")
        to_date = min(request.as_of or last, last)
        from_date = max(first, to_date - dt.timedelta(days=request.history_days - 1))
        return load_history(self.kpi, interval_minutes=request.interval_minutes, from_date=from_date, to_date=to_date)

