"""seed_demo_schedule on a 14-day demo: a verified CP-SAT week for the agents who worked, version 2 from an
edit, two approved exceptions, adherence and a real-time board; idempotent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.demo import generate_demo, load_demo
from callboard.demo.schedule_seed import seed_demo_schedule
from callboard.runtime import build_runtime
from callboard.workforce.scheduler import SolverOptions

END = dt.date(2025, 3, 30)


def test_seed_builds_a_week_with_adherence_once(tmp_path: Path) -> None:
    with build_runtime(load_settings(tmp_path / "data")) as runtime:
        load_demo(runtime.store, generate_demo(seed=7, days=14, end_date=END))
        schedule_id = seed_demo_schedule(runtime, options=SolverOptions(max_deterministic_time=0.4))
        assert schedule_id is not None
        assert seed_demo_schedule(runtime) is None  # idempotent
        (info,) = runtime.schedules.list_schedules(LOCAL_OWNER)
        assert info.versions == 2 and info.last_day - info.first_day == dt.timedelta(days=6)
        view = runtime.schedules.view(LOCAL_OWNER, schedule_id)
        assert len({s.agent_id for s in view.shifts}) >= 20
        assert any(a.activity == "training" for s in view.shifts for a in s.activities)  # the edit
        report = runtime.schedules.adherence(LOCAL_OWNER, info.first_day, info.last_day)
        assert report.total.adherence is not None and 0.5 < report.total.adherence < 1.0
        assert report.total.exception_s > 0
        at, rows = runtime.schedules.realtime(LOCAL_OWNER)
        assert at.date() == info.last_day and rows
