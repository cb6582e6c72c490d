"""ScheduleService on a real data directory: generate, CSV import/export, edit -> new version -> recompute,
scope by role, audit, and migration 0004_schedules up and down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from alembic import command

from callboard.core.errors import Forbidden
from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.org import audit
from callboard.runtime import Runtime, build_runtime
from callboard.store.appdb.engine import alembic_config, open_app_db
from callboard.workforce.schedule_csv import ActivityRow
from callboard.workforce.schedule_rules import AgentRules
from tests.metrics.builders import Dataset

DAY = dt.date(2026, 3, 2)
PLANNER = Viewer(username="plan", role="planner")
AGENT_A1 = Viewer(username="a1", role="agent", agent_id="a1", agent_ids=frozenset({"a1"}))


def t(hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hh, mm)


CSV = """agent_id,day,activity,start,end,productive,paid,adherence_tracked
a1,2026-03-02,work,2026-03-02T09:00:00,2026-03-02T12:00:00,,,
a1,2026-03-02,lunch,2026-03-02T12:00:00,2026-03-02T12:30:00,,,
a1,2026-03-02,work,2026-03-02T12:30:00,2026-03-02T17:00:00,,,
a2,2026-03-02,work,2026-03-02T10:00:00,2026-03-02T14:00:00,true,true,true
"""


@pytest.fixture()
def runtime(tmp_path: Path) -> Runtime:
    rt = build_runtime(load_settings(tmp_path))
    ds = Dataset(source="t")
    # a1: available 09:00-12:00, Lunch 12:00-12:30, available 12:30-16:30, offline 16:30-18:00
    x = ds.agent_state("a1", "available", at=t(9), until=t(12))
    x = ds.agent_state("a1", "aux", at=x, until=t(12, 30), reason="Lunch", paid=False)
    x = ds.agent_state("a1", "available", at=x, until=t(16, 30))
    ds.agent_state("a1", "offline", at=x, until=t(18))
    # a2: available 10:00-14:00 (fully adherent)
    ds.agent_state("a2", "available", at=t(10), until=t(14))
    rt.store.load(ds.batch())
    yield rt
    rt.close()


def test_import_edit_recompute_and_variants(runtime: Runtime) -> None:
    svc = runtime.schedules
    info = svc.import_csv(PLANNER, "March week 1", CSV)
    assert (info.version, info.first_day, info.last_day) == (1, DAY, DAY)
    r1 = svc.adherence(PLANNER, DAY, DAY)
    a1 = next(a for a in r1.agents if a.adherence.agent_id == "a1").adherence
    # a1 scheduled 09:00-12:00 + 12:30-17:00 work (27,000 s) + lunch (1,800 s) = 28,800 s;
    # non-adherent 16:30-17:00 offline = 1,800 s -> 27,000 adherent
    assert (a1.scheduled_s, a1.adherent_s, a1.non_adherent_s) == (28800, 27000, 1800)
    # total with a2 (14,400 s adherent): 41,400 / 43,200
    assert r1.total.adherence == pytest.approx(41400 / 43200)

    # the planner moves a1's end to 16:30: version 2, adherence recomputes to 100%
    acts = [ActivityRow("work", t(9), t(12), True, True), ActivityRow("lunch", t(12), t(12, 30), False, False),
            ActivityRow("work", t(12, 30), t(16, 30), True, True)]
    edited = svc.edit_shift(PLANNER, info.id, "a1", DAY, acts, note="left early, approved")
    assert edited.version == 2
    r2 = svc.adherence(PLANNER, DAY, DAY)
    a1 = next(a for a in r2.agents if a.adherence.agent_id == "a1").adherence
    assert (a1.scheduled_s, a1.adherent_s) == (27000, 27000)
    # Amazon recomputes only up to 30 days back: this edit (made today, long after 2026-03-02) does not reach
    # the day, so version 1 still measures it: 41,400 / 43,200
    amazon = svc.adherence(PLANNER, DAY, DAY, "adherence.amazon_connect")
    assert amazon.total.adherence == pytest.approx(41400 / 43200)

    with runtime.app_db.session() as session:
        rows = audit.entries(session, entity="schedule_shift")
    assert rows and rows[0].actor == "plan"


def test_csv_round_trip_and_agent_scope(runtime: Runtime) -> None:
    svc = runtime.schedules
    info = svc.import_csv(PLANNER, "w1", CSV)
    assert svc.export_csv(PLANNER, info.id) == CSV.replace(",,,", ",true,true,true").replace(
        "lunch,2026-03-02T12:00:00,2026-03-02T12:30:00,true,true,true",
        "lunch,2026-03-02T12:00:00,2026-03-02T12:30:00,false,false,true")
    own = svc.view(AGENT_A1, info.id)
    assert {s.agent_id for s in own.shifts} == {"a1"} and own.requirement is None
    assert "a2" not in svc.export_csv(AGENT_A1, info.id)
    with pytest.raises(Forbidden):
        svc.agent_schedule(AGENT_A1, "a2", DAY, DAY)
    with pytest.raises(Forbidden):
        svc.edit_shift(AGENT_A1, info.id, "a1", DAY, [])
    report = svc.adherence(AGENT_A1, DAY, DAY)
    assert [a.adherence.agent_id for a in report.agents] == ["a1"]


def test_generate_verifies_and_stores(runtime: Runtime) -> None:
    svc = runtime.schedules
    for agent in ("a1", "a2"):
        svc.set_agent_rules(PLANNER, AgentRules(agent, min_week_paid_min=480, max_week_paid_min=480, max_days=1))
    req = np.zeros((1, 48))
    req[0, 18:35] = 2  # two agents 09:00-17:30
    info = svc.generate(PLANNER, name="gen", first_day=DAY, n_days=1, requirement=req)
    view = svc.view(PLANNER, info.id)
    assert sorted(s.agent_id for s in view.shifts) == ["a1", "a2"]
    assert all((s.start_at, s.end_at) == (t(9), t(17, 30)) for s in view.shifts)
    # coverage by hand: 2 agents in every slot 09:00-17:30 except break slots (-0.5) and lunch slots (-1)
    cov = np.array(view.coverage[0])
    assert cov[18:35].sum() == pytest.approx(2 * 17 - 2 * (0.5 + 1 + 0.5))
    with pytest.raises(Forbidden):
        svc.generate(AGENT_A1, name="x", first_day=DAY)


def test_realtime_board_with_grace(runtime: Runtime) -> None:
    svc = runtime.schedules
    svc.import_csv(PLANNER, "w1", CSV)
    at, rows = svc.realtime(PLANNER, now=t(16, 50), grace_s=300)
    # a1 is offline since 16:30 while scheduled to work: out 20 min; a2's shift ended at 14:00
    assert at == t(16, 50)
    assert [(r.agent_id, r.state, r.out_since, r.alarm) for r in rows] == [("a1", "offline", t(16, 30), True)]
    svc.add_exception(PLANNER, "a1", t(16, 30), t(17), "doctor")
    _, rows = svc.realtime(PLANNER, now=t(16, 50))
    assert rows[0].status == "exception" and not rows[0].alarm


def test_migration_up_and_down(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db = open_app_db(url)
    names = set(sa.inspect(db.engine).get_table_names())
    assert {"wfm_schedules", "wfm_schedule_versions", "wfm_shifts", "wfm_activities", "wfm_exceptions",
            "wfm_agent_rules"} <= names
    config = alembic_config(url)
    command.downgrade(config, "0004_schedules-1")
    names = set(sa.inspect(db.engine).get_table_names())
    assert "wfm_schedules" not in names and "users" in names
    db.close()
    assert LOCAL_OWNER.can("manage_schedules")
