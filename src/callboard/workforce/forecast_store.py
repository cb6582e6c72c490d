"""Stored forecast runs (versions) and their values in the app database."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from callboard.core.errors import NotFound
from callboard.store.appdb.forecast_models import ForecastRun, ForecastValue


@dataclass(frozen=True)
class RunInfo:
    version: int
    model: str
    interval_minutes: int
    history_from: dt.date
    history_to: dt.date
    horizon_from: dt.date
    horizon_to: dt.date
    backtest: dict[str, Any]
    note: str
    created_at: dt.datetime
    created_by: str

    def covers(self, day: dt.date) -> bool:
        return self.horizon_from <= day <= self.horizon_to


@dataclass(frozen=True)
class StoredValue:
    queue: str
    interval_start: dt.datetime
    volume: float
    aht_s: float | None


def run_info(run: ForecastRun) -> RunInfo:
    return RunInfo(run.id, run.model, run.interval_minutes, run.history_from, run.history_to, run.horizon_from,
                   run.horizon_to, json.loads(run.backtest_json or "{}"), run.note, run.created_at, run.created_by)


def save_run(session: Session, *, model: str, interval_minutes: int, history_from: dt.date, history_to: dt.date,
             horizon_from: dt.date, horizon_to: dt.date, backtest: dict[str, Any], note: str, created_at: dt.datetime,
             created_by: str, values: pd.DataFrame) -> RunInfo:
    """`values`: queue, ds, volume, aht_s. One bulk insert for the rows."""
    run = ForecastRun(model=model, interval_minutes=interval_minutes, history_from=history_from,
                      history_to=history_to, horizon_from=horizon_from, horizon_to=horizon_to,
                      backtest_json=json.dumps(backtest, sort_keys=True), note=note, created_at=created_at,
                      created_by=created_by)
    session.add(run)
    session.flush()
    rows = [{"run_id": run.id, "queue_id": str(q), "interval_start": pd.Timestamp(ds).to_pydatetime(),
             "volume": float(v), "aht_s": None if pd.isna(a) else float(a)}
            for q, ds, v, a in zip(values["queue"], values["ds"], values["volume"], values["aht_s"], strict=True)]
    if rows:
        session.execute(insert(ForecastValue), rows)
    return run_info(run)


def list_runs(session: Session) -> list[RunInfo]:
    return [run_info(r) for r in session.scalars(select(ForecastRun).order_by(ForecastRun.id.desc()))]


def get_run(session: Session, version: int) -> RunInfo:
    run = session.get(ForecastRun, version)
    if run is None:
        versions = [str(r.version) for r in list_runs(session)]
        raise NotFound(f"no forecast version {version}", hint=f"versions: {', '.join(versions) or 'none yet'}")
    return run_info(run)


def delete_run(session: Session, version: int) -> None:
    session.execute(delete(ForecastValue).where(ForecastValue.run_id == version))
    session.execute(delete(ForecastRun).where(ForecastRun.id == version))


def run_values(session: Session, version: int, *, queues: list[str] | None = None,
               start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[StoredValue]:
    query = select(ForecastValue.queue_id, ForecastValue.interval_start, ForecastValue.volume,
                   ForecastValue.aht_s).where(ForecastValue.run_id == version)
    if queues:
        query = query.where(ForecastValue.queue_id.in_(queues))
    if start is not None:
        query = query.where(ForecastValue.interval_start >= start)
    if end is not None:
        query = query.where(ForecastValue.interval_start < end)
    query = query.order_by(ForecastValue.queue_id, ForecastValue.interval_start)
    return [StoredValue(q, ts, v, a) for q, ts, v, a in session.execute(query)]


def latest_covering(session: Session, day: dt.date) -> RunInfo | None:
    """The newest run whose horizon holds `day`."""
    query = (select(ForecastRun).where(ForecastRun.horizon_from <= day, ForecastRun.horizon_to >= day)
             .order_by(ForecastRun.id.desc()).limit(1))
    run = session.scalars(query).first()
    return None if run is None else run_info(run)
