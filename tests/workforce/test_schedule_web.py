"""Schedule and adherence pages and API over HTTP, per role: planners manage, agents see only their own,
supervisors their teams (once the supervisor role has view_schedules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.org.org import MembershipInfo
from callboard.runtime import Runtime, build_runtime
from callboard.web.app import create_app
from callboard.web.pages import schedule_pages
from tests.metrics.builders import Dataset
from tests.web.web_live import sign_in, start_server
from tests.workforce.test_schedule_service import CSV, PLANNER

PASSWORD = "sched-pass-1"
USERS = {"admin": ("admin", None), "planner": ("planner", None), "sup1": ("supervisor", None),
         "a1": ("agent", "a1"), "a2": ("agent", "a2")}
SUPERVISORS_SEE_SCHEDULES = Viewer(username="s", role="supervisor").can("view_schedules")


def t(hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hh, mm)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Runtime]]:
    data_dir: Path = tmp_path_factory.mktemp("sched_web")
    runtime = build_runtime(load_settings(data_dir))
    ds = Dataset(source="t")
    x = ds.agent_state("a1", "available", at=t(9), until=t(12))
    x = ds.agent_state("a1", "aux", at=x, until=t(12, 30), reason="Lunch", paid=False)
    x = ds.agent_state("a1", "available", at=x, until=t(16, 30))
    ds.agent_state("a1", "offline", at=x, until=t(18))
    ds.agent_state("a2", "available", at=t(10), until=t(14))
    runtime.store.load(ds.batch())
    org = runtime.org
    org.add_site(LOCAL_OWNER, site_id="s1", name="North")
    org.add_team(LOCAL_OWNER, team_id="t1", name="Team 1", site_id="s1")
    org.add_team(LOCAL_OWNER, team_id="t2", name="Team 2", site_id="s1")
    org.add_memberships(LOCAL_OWNER, [MembershipInfo("a1", "t1", dt.datetime(2026, 1, 1), None),
                                      MembershipInfo("a2", "t2", dt.datetime(2026, 1, 1), None)])
    for username, (role, agent) in USERS.items():
        runtime.users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role, agent_id=agent,
                                  display_name=username)
    org.set_supervisor(LOCAL_OWNER, username="sup1", team_id="t1")
    runtime.schedules.import_csv(PLANNER, "March week 1", CSV)
    app = create_app(runtime)
    if not any(getattr(r, "path", "") == "/workforce/schedule" for r in app.routes):
        app.include_router(schedule_pages.router)  # until web/app.py includes it
    srv, thread, url, _ = start_server(runtime, app)
    yield url, runtime
    srv.should_exit = True
    thread.join(timeout=10)
    runtime.close()


def client(url: str, user: str) -> httpx.Client:
    return sign_in(httpx.Client(base_url=url, timeout=120), user, PASSWORD)


def test_planner_pages_and_api(server: tuple[str, Runtime]) -> None:
    url, _ = server
    c = client(url, "planner")
    page = c.get("/workforce/schedule")
    assert page.status_code == 200
    assert 'data-agent="a1"' in page.text and 'data-agent="a2"' in page.text and "coverage-chart" in page.text
    adh = c.get("/workforce/adherence", params={"from_date": "2026-03-02", "to_date": "2026-03-02"})
    assert adh.status_code == 200 and "95.8%" in adh.text  # 41,400 / 43,200 s (see test_schedule_service)
    now = c.get("/workforce/adherence/now", params={"at": "2026-03-02T16:50"})
    assert now.status_code == 200 and "rta-alarm" in now.text and 'data-agent="a1"' in now.text
    api = c.get("/api/v1/adherence", params={"from_date": "2026-03-02", "to_date": "2026-03-02"}).json()
    assert api["total"]["adherence"] == pytest.approx(41400 / 43200)
    rows = c.get("/api/v1/adherence/now", params={"at": "2026-03-02T16:50:00"}).json()["agents"]
    assert [(r["agent_id"], r["out_since"]) for r in rows] == [("a1", "2026-03-02T16:30:00")]
    sid = c.get("/api/v1/schedules").json()[0]["id"]
    csv_text = c.get(f"/api/v1/schedules/{sid}.csv").text
    created = c.post("/api/v1/schedules/import", params={"name": "copy"}, content=csv_text)
    assert created.status_code == 201, created.text
    edit = c.put(f"/api/v1/schedules/{sid}/agents/a2/days/2026-03-02", json={"activities": [], "note": "sick"})
    assert edit.status_code == 200 and edit.json()["version"] == 2


def test_agent_sees_only_own(server: tuple[str, Runtime]) -> None:
    url, _ = server
    c = client(url, "a1")
    page = c.get("/workforce/schedule")
    assert page.status_code == 200 and 'data-agent="a1"' in page.text and 'data-agent="a2"' not in page.text
    assert "coverage-chart" not in page.text and "Generate" not in page.text
    assert c.get("/workforce/schedule/agent/a1").status_code == 200
    assert c.get("/workforce/schedule/agent/a2").status_code == 403
    api = c.get("/api/v1/adherence", params={"from_date": "2026-03-02", "to_date": "2026-03-02"}).json()
    assert [a["adherence"]["agent_id"] for a in api["agents"]] == ["a1"]
    assert c.post("/api/v1/schedules/generate", json={"name": "x", "first_day": "2026-03-02"}).status_code == 403
    assert c.post("/api/v1/schedules/import", params={"name": "x"}, content=CSV).status_code == 403


@pytest.mark.skipif(not SUPERVISORS_SEE_SCHEDULES, reason="the supervisor role lacks view_schedules (integrator)")
def test_supervisor_sees_team(server: tuple[str, Runtime]) -> None:
    url, _ = server
    c = client(url, "sup1")
    page = c.get("/workforce/schedule")
    assert page.status_code == 200 and 'data-agent="a1"' in page.text and 'data-agent="a2"' not in page.text
    assert c.get("/workforce/schedule/agent/a2").status_code == 403
    assert c.put("/api/v1/schedules/1/agents/a1/days/2026-03-02", json={"activities": []}).status_code == 403
