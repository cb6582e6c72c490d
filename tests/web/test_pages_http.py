"""Team, agent, queue and contacts pages through a live server: numbers, drill-down, scope, CSV, Chromium.

Data: the web sample (tests/web/web_sample_data.py: teams Aurora = ana, ben, carla, dev; Borealis = eli, fay,
gus, hana; Cirrus = ivo, jun, kai, lea; queues Billing, Sales, Support, Tech) plus users per role: sup
supervises Team Aurora, ana is an agent, planner a workforce planner.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from contextlib import closing
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.runtime import build_runtime
from tests.web.web_browser import chromium_page
from tests.web.web_live import LiveServer, sign_in, sign_in_page, start_server
from tests.web.web_sample_data import FIRST_DAY, TEAMS, fill_data_dir

PASSWORD = "pages-password"
PERIOD = {"from": "2026-02-09", "to": "2026-03-08"}  # the pages' default: the last 28 days with data
AURORA = set(TEAMS["Team Aurora"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = fill_data_dir(tmp_path_factory.mktemp("pages-data"))
    runtime = build_runtime(load_settings(data_dir))
    org, users = runtime.org, runtime.users
    org.add_site(LOCAL_OWNER, site_id="north", name="North")
    for team in TEAMS:
        org.add_team(LOCAL_OWNER, team_id=team, name=team, site_id="north")
    since = dt.datetime.combine(FIRST_DAY, dt.time()) - dt.timedelta(days=30)
    org.add_memberships(LOCAL_OWNER, [MembershipInfo(a, t, since, None) for t, members in TEAMS.items() for a in members])
    for username, role, agent in (("sup", "supervisor", None), ("ana", "agent", "ana"), ("planner", "planner", None)):
        users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role, agent_id=agent)
    org.set_supervisor(LOCAL_OWNER, username="sup", team_id="Team Aurora")
    srv, thread, url, context = start_server(runtime)
    try:
        yield LiveServer(url, runtime, context, data_dir, data_dir)
    finally:
        srv.should_exit = True
        thread.join(timeout=30)
        runtime.close()


def _client(server: LiveServer, user: str) -> httpx.Client:
    if user == "admin":
        return server.client()
    return sign_in(httpx.Client(base_url=server.url, timeout=120), user, PASSWORD)


def _kpi(c: httpx.Client, metric: str, where: list[str] = ()) -> int:  # type: ignore[assignment]
    r = c.get("/api/v1/kpi", params={"metrics": metric, **PERIOD, "where": list(where)})
    r.raise_for_status()
    return int(r.json()["rows"][0][metric])


def _contacts(c: httpx.Client, metric: str, where: list[str] = (), **extra: str) -> dict:  # type: ignore[assignment,type-arg]
    r = c.get("/api/v1/contacts", params={"metric": metric, **PERIOD, "where": list(where), **extra})
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def _csv_rows(c: httpx.Client, path: str) -> list[dict[str, str]]:
    r = c.get(path)
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.text)))


def test_drill_rows_count_equals_the_kpi(server: LiveServer) -> None:
    with closing(_client(server, "admin")) as c:
        for metric, where in (("abandoned", []), ("handled", []), ("handled", ["team=Team Aurora"]),
                              ("answered", ["queue=Billing"]), ("transfers", ["agent=ben"])):
            assert _contacts(c, metric, where, limit="1")["total"] == _kpi(c, metric, where), (metric, where)
        # a rate's rows are its numerator: abandon_rate counts the abandons that are not short abandons
        assert _contacts(c, "abandon_rate", limit="1")["total"] == _kpi(c, "abandoned") - _kpi(c, "short_abandoned")
        rows = _csv_rows(c, "/api/v1/contacts.csv?" + "&".join(
            [f"{k}={v}" for k, v in PERIOD.items()] + ["metric=abandoned", "where=queue=Sales"]))
        assert len(rows) == _kpi(c, "abandoned", ["queue=Sales"]) > 0
        assert {r["outcome"] for r in rows} == {"abandoned"} and {r["queue"] for r in rows} == {"Sales"}


def test_pages_render_for_admin_with_drill_links(server: LiveServer) -> None:
    with closing(_client(server, "admin")) as c:
        teams = c.get("/teams", params=PERIOD)
        assert teams.status_code == 200 and all(t in teams.text for t in TEAMS)
        team = c.get("/teams/Team%20Aurora", params=PERIOD)
        assert team.status_code == 200
        assert all(f'data-agent="{a}"' in team.text for a in AURORA)
        assert 'data-agent="eli"' not in team.text
        assert "0 outliers against the team median" in team.text  # a steady team (counts: test_outlier_summary)
        # the Handled tile is the API's number and links to its contact rows
        handled = _kpi(c, "handled", ["team=Team Aurora"])
        assert re.search(r'data-metric="handled".*?data-value="(\d+)"', team.text, re.S).group(1) == str(handled)  # type: ignore[union-attr]
        assert "/contacts?metric=handled&amp;from=2026-02-09&amp;to=2026-03-08&amp;where=team%3DTeam+Aurora" in team.text
        agent = c.get("/agents/ana", params=PERIOD)
        assert agent.status_code == 200 and "Recent contacts" in agent.text and "team " in agent.text
        queue = c.get("/queues/Billing", params=PERIOD)
        assert queue.status_code == 200 and 'data-agent="' in queue.text
        day = c.get("/queues/Billing", params={**PERIOD, "day": "2026-03-02"})
        assert day.status_code == 200 and "by half hour" in day.text
        drill = c.get("/contacts", params={"metric": "abandoned", **PERIOD, "where": "queue=Billing"})
        assert drill.status_code == 200
        assert drill.text.count('<tr data-contact="') == min(50, _kpi(c, "abandoned", ["queue=Billing"]))
        assert c.get("/agents/nobody").status_code == 404


def test_agent_sees_only_own_page_and_rows(server: LiveServer) -> None:
    with closing(_client(server, "ana")) as c:
        assert c.get("/agents/ana").status_code == 200
        assert c.get("/agents/ben").status_code == 403
        assert c.get("/teams").status_code == 403
        assert c.get("/api/v1/contacts", params={"where": "agent=ben"}).status_code == 403
        assert c.get("/contacts", params={"where": "agent=ben"}).status_code == 403
        rows = _csv_rows(c, "/api/v1/contacts.csv?metric=handled&from=2026-02-09&to=2026-03-08")
        assert rows and {r["agent"] for r in rows} == {"ana"}
        offered = _contacts(c, "offered", limit="1000")
        assert {r["agent"] for r in offered["rows"]} == {"ana"}


def test_supervisor_scope(server: LiveServer) -> None:
    with closing(_client(server, "sup")) as c:
        assert c.get("/agents/ben").status_code == 200
        assert c.get("/agents/eli").status_code == 403  # Team Borealis
        assert c.get("/teams/Team%20Borealis").status_code == 403
        teams = c.get("/teams", params=PERIOD)
        assert teams.status_code == 200 and "Team Aurora" in teams.text and "Team Borealis" not in teams.text
        rows = _csv_rows(c, "/api/v1/contacts.csv?metric=handled&from=2026-02-09&to=2026-03-08")
        assert rows and {r["agent"] for r in rows} <= AURORA
        table = c.get("/api/v1/kpi.csv", params={"metrics": "handled", "by": "agent", **PERIOD})
        assert {r["agent"] for r in csv.DictReader(io.StringIO(table.text))} <= AURORA
        queue = c.get("/queues/Billing", params=PERIOD)
        assert 'data-agent="eli"' not in queue.text and 'data-agent="ana"' in queue.text


def test_outlier_summary_counts_flags_and_agents_apart() -> None:
    """Seven agents with eleven flags read as such (the page once said "11 outliers" beside 7 flagged agents)."""
    from callboard.web.pages.team import outlier_summary

    rows = [{"reasons": ["x"] * n} for n in (3, 2, 2, 1, 1, 1, 1, 0, 0)]  # 3+2+2+1+1+1+1 = 11 flags, 7 agents
    assert outlier_summary(rows) == "11 outliers against the team median (7 agents flagged)"
    assert outlier_summary([{"reasons": ["x"]}, {"reasons": []}]) == "1 outlier against the team median (1 agent flagged)"
    assert outlier_summary([{"reasons": []}]) == "0 outliers against the team median"


def test_planner_sees_aggregates_without_rows(server: LiveServer) -> None:
    with closing(_client(server, "planner")) as c:
        assert c.get("/contacts").status_code == 403
        assert c.get("/api/v1/contacts").status_code == 403
        assert c.get("/api/v1/contacts.csv").status_code == 403
        assert c.get("/agents/ana").status_code == 403
        queue = c.get("/queues/Billing", params=PERIOD)
        assert queue.status_code == 200 and "/contacts?" not in queue.text and 'data-agent="' not in queue.text
        team = c.get("/teams/Team%20Aurora", params=PERIOD)
        assert team.status_code == 200 and 'data-agent="' not in team.text and "/contacts?" not in team.text
        assert "/contacts?" not in c.get("/queues", params=PERIOD).text


def test_pages_in_chromium(server: LiveServer, tmp_path: Path) -> None:
    """Each page type in Chromium: tiles filled, charts drawn, a tile drills down to its rows (screenshots kept)."""
    shots = Path("/tmp/callboard-pages-test")
    shots.mkdir(exist_ok=True)
    with chromium_page(tmp_path / "profile") as page:
        sign_in_page(page, server.url)
        pages = {"team": ("/teams/" + quote("Team Aurora"), 2), "agent": ("/agents/ana", 2),
                 "queue": ("/queues/Billing", 1), "teams": ("/teams", 0), "queues": ("/queues", 0)}
        for name, (path, charts) in pages.items():
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            assert len(page.query_selector_all(".js-plotly-plot")) == charts, name
            values = [v.inner_text() for v in page.query_selector_all(".tile-value")]
            assert "—" not in values, (name, values)
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        page.goto(server.url + "/queues/Billing")
        tile = page.query_selector('a.tile[data-metric="abandon_rate"]')
        assert tile is not None
        tile.click()
        page.wait_for_url(re.compile(r"/contacts\?metric=abandon_rate"))
        heading = page.inner_text(".card-head h2")
        assert int(heading.split()[0].replace(",", "")) == len(page.query_selector_all("tr[data-contact]")) > 0
        page.screenshot(path=str(shots / "contacts.png"), full_page=True)
