"""Each role's job end to end in real Chromium, on a small generated demo (tests/web/journey_data.py).

Journeys: an agent reads their own scorecard and is refused a colleague's page; a supervisor sets a team goal in
the /goals form and finds it on a member's agent page; a manager downloads an appraisal PDF through the page's
link; a QA analyst sees only the contacts of the assigned site and no goals; a planner sees aggregates but no agent
rows; an admin changes a setting and finds the change in the audit log.

Every step leaves a full-page screenshot (and the manager's PDF) in CALLBOARD_TEST_ARTIFACTS, or a directory under
pytest's tmp dir; the directory is printed when the module starts.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime
from tests.web.journey_data import PASSWORD, QA_ONE_SITE, QA_SITE, JourneyData, build_journey_data
from tests.web.web_browser import chromium_page
from tests.web.web_live import sign_in, sign_in_page, start_server

pytestmark = pytest.mark.browser
Opener = Callable[[str, str], "Browser"]


@dataclass(frozen=True)
class Journeys:
    url: str
    data: JourneyData
    artifacts: Path

    def api(self, username: str, path: str, **params: str) -> httpx.Response:
        """GET an API path as `username` (signed in through the session API)."""
        with httpx.Client(base_url=self.url, timeout=120) as client:
            return sign_in(client, username, PASSWORD).get(path, params=params)


def _artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("CALLBOARD_TEST_ARTIFACTS")
    if configured:
        path = Path(configured) / "journeys"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("journey-artifacts")


def _announce(config: pytest.Config, message: str) -> None:
    """Print past pytest's output capture, so the artifacts' directory shows in every run."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        print(message)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(message)


@pytest.fixture(scope="module")
def journeys(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Journeys]:
    artifacts = _artifacts_dir(tmp_path_factory)
    _announce(pytestconfig, f"journey screenshots and downloads: {artifacts}")
    data = build_journey_data(tmp_path_factory.mktemp("journey-data") / "data")
    runtime = build_runtime(load_settings(data.data_dir))
    server, thread, url, _context = start_server(runtime)
    try:
        yield Journeys(url, data, artifacts)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        runtime.close()


class Browser:
    """One role's Chromium: sign in through the form, take named screenshots, collect JavaScript errors."""

    def __init__(self, page: Any, journeys: Journeys, role: str) -> None:
        self.page, self.journeys, self.role = page, journeys, role
        self.errors: list[str] = []
        self.shots = 0
        page.set_default_timeout(45_000)  # a busy 2-core machine takes seconds per page, not tens of seconds
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))

    def goto(self, path: str) -> int:
        response = self.page.goto(self.journeys.url + path)
        self.page.wait_for_load_state("networkidle")
        return int(response.status) if response else 0

    def shot(self, step: str) -> Path:
        self.shots += 1
        path = self.journeys.artifacts / f"{self.role}-{self.shots:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def text(self, selector: str) -> str:
        return str(self.page.locator(selector).first.inner_text()).strip()

    def nav(self) -> list[str]:
        return [t.strip() for t in self.page.locator("header.topbar nav.nav a").all_inner_texts()]


@pytest.fixture()
def browser_for(journeys: Journeys, tmp_path: Path) -> Iterator[Callable[[str, str], Browser]]:
    """Open Chromium signed in as a user (through the login form); JavaScript errors fail the test."""
    opened: list[Browser] = []
    with chromium_page(tmp_path / "profile") as page:

        def open_as(role: str, username: str) -> Browser:
            browser = Browser(page, journeys, role)
            sign_in_page(page, journeys.url, username, PASSWORD)
            opened.append(browser)
            return browser

        yield open_as
    for browser in opened:
        assert browser.errors == [], f"JavaScript errors on the {browser.role}'s pages: {browser.errors}"


def _forbidden(b: Browser, path: str, step: str) -> None:
    """The path answers 403 with the error page (not a blank page or a redirect), which names the refusal."""
    assert b.goto(path) == 403, path
    assert b.text("h1").startswith("403"), path
    b.shot(step)


# -- agent ----------------------------------------------------------------------------------------------------
def test_agent_reads_own_scorecard_and_not_a_colleagues(journeys: Journeys, browser_for: Opener) -> None:
    data = journeys.data
    me = data.agent_logins[0]
    colleague = next(a for a in data.agent_ids if a != me and data.agent_team[a] == data.agent_team[me])
    b = browser_for("agent", me)
    nav = b.nav()
    assert "My page" in nav and "Scorecards" in nav, nav
    assert "Teams" not in nav and "Admin" not in nav, nav

    b.page.click("nav >> text=My page")
    b.page.wait_for_load_state("networkidle")
    assert b.page.url.endswith(f"/agents/{me}")
    assert data.agent_names[me] in b.text("h1")
    b.shot("my-page")

    b.page.click("nav >> text=Scorecards")
    b.page.wait_for_load_state("networkidle")
    assert b.page.url.endswith(f"/scorecards/agent/{me}") or b.page.url.endswith("/scorecards")
    assert b.text("h1") == f"{data.agent_names[me]} · scorecard"
    api = journeys.api(me, f"/api/v1/scorecards/agent/{me}")
    assert api.status_code == 200
    card = api.json()["agent"]
    # The page shows the API's score (one decimal) and handled count for the same default period.
    assert b.text('.tile[data-tile="score"] .tile-value') == f"{card['score']:.1f}"
    assert b.text('.tile[data-tile="handled"] .tile-value') == f"{card['handled']:,}"
    assert b.page.locator("#agent-items tbody tr").count() == len(card["items"])
    assert "empirical-Bayes" in b.text("#ranking-rule")
    b.shot("own-scorecard")

    _forbidden(b, f"/agents/{colleague}", "colleague-agent-page-403")
    assert f"may not see agent {colleague}" in b.text(".error-card")
    _forbidden(b, f"/scorecards/agent/{colleague}", "colleague-scorecard-403")
    assert journeys.api(me, f"/api/v1/scorecards/agent/{colleague}").status_code == 403


# -- supervisor -----------------------------------------------------------------------------------------------
class GoalMissingOnAgentPage(AssertionError):
    """The agent page's Goals card does not show a goal the member's team works toward."""


def _goal_on_agent_page(b: Browser, name: str) -> None:
    card = b.text("#goals")
    if name not in card:
        raise GoalMissingOnAgentPage(f"goal {name!r} not on {b.page.url}; the Goals card reads: {card[:300]!r}")


def test_supervisor_sets_team_goal_and_sees_it_on_member_page(journeys: Journeys, browser_for: Opener) -> None:
    data = journeys.data
    team = "t_sales"
    member = next(a for a in data.agent_ids if data.agent_team[a] == team)
    b = browser_for("supervisor", "sup.sales")
    month_start = data.last_day.replace(day=1)
    name = "Sales journey: first contact resolution"

    # The data's month (the goals page opens on today, which on the 1st is a month without data or goals).
    month_view = f"/goals?from={month_start.isoformat()}&to={data.last_day.isoformat()}"
    b.goto(month_view)
    assert b.page.locator("#goals tbody tr", has_text="Sales customers delighted").count() == 1, "the demo's goal"
    b.shot("goals-before")
    form = b.page.locator("#goal-form")
    form.locator('input[name="name"]').fill(name)
    form.locator("#goal-metric").select_option("fcr")  # the FCR KPI in its default variant
    form.locator("#goal-scope-kind").select_option("team")
    form.locator("#goal-scope-id").select_option(team)
    form.locator("#goal-period").select_option("month")
    form.locator("#goal-starts").fill(month_start.isoformat())
    form.locator("#goal-target").fill("85%")
    form.locator('input[name="collaborative"]').check()
    b.page.wait_for_function("document.getElementById('goal-suggested-value').textContent !== '…'")
    b.shot("goal-form-filled")
    with b.page.expect_navigation():
        form.locator('button[type="submit"]').click()
    b.page.wait_for_load_state("networkidle")
    assert b.page.locator(".alert[role=alert]").count() == 0, b.text(".alert")
    b.goto(month_view)
    row = b.page.locator("#goals tbody tr", has_text=name)
    assert row.count() == 1, "the new goal is listed on /goals"
    assert "85.0%" in row.inner_text() and "team effort" in row.inner_text()
    b.shot("goal-created")

    goals = journeys.api("sup.sales", "/api/v1/goals", **{"from": month_start.isoformat(),
                                                                        "to": data.last_day.isoformat()}).json()
    created = [g for g in goals if g["name"] == name]
    assert len(created) == 1, [g["name"] for g in goals]
    assert (created[0]["scope_kind"], created[0]["scope_id"], created[0]["collaborative"]) == ("team", team, True)
    assert created[0]["target"] == pytest.approx(0.85)  # the form's "85%"

    b.goto(f"/agents/{member}")
    assert data.agent_names[member] in b.text("h1")
    b.page.locator("#goals").scroll_into_view_if_needed()
    b.shot("member-agent-page")
    _goal_on_agent_page(b, name)


# -- manager --------------------------------------------------------------------------------------------------
def test_manager_exports_appraisal_pdf(journeys: Journeys, browser_for: Opener) -> None:
    data = journeys.data
    site = "s_mcr"  # the demo manager's site (Manchester: Customer Care and Tech Support)
    agent = next(a for a in data.agent_ids if data.team_site[data.agent_team[a]] == site)
    name = data.agent_names[agent]
    b = browser_for("manager", "manager")

    b.goto(f"/agents/{agent}/appraisal")
    assert b.text("h1") == f"Appraisal · {name}"
    comment = f"Journey check: a steady month for {name.split()[0]}; keep the call structure."
    b.page.fill('#comments textarea[name="text"]', comment)
    with b.page.expect_navigation():
        b.page.click('#comments button[type="submit"]')
    b.page.wait_for_load_state("networkidle")
    assert comment in b.text("#comments")
    b.shot("appraisal-page")

    with b.page.expect_download() as info:
        b.page.click("#apr-pdf")
    download = info.value
    pdf = journeys.artifacts / f"manager-appraisal-{agent}.pdf"
    download.save_as(str(pdf))
    assert download.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())  # pdftotext breaks long lines where the page wraps them
    assert name in flat
    assert comment in flat, "the comment just added is in the exported packet"
    period = journeys.api("manager", f"/api/v1/appraisals/{agent}").json()["period"]
    assert period["title"] in flat
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(journeys.artifacts / f"manager-appraisal-{agent}-page")], check=True)

    other = next(a for a in data.agent_ids if data.team_site[data.agent_team[a]] != site)
    _forbidden(b, f"/agents/{other}/appraisal", "other-site-appraisal-403")


# -- QA analyst -----------------------------------------------------------------------------------------------
def test_qa_analyst_sees_assigned_site_contacts_and_no_goals(journeys: Journeys, browser_for: Opener) -> None:
    data = journeys.data
    site_agents = {a for a in data.agent_ids if data.team_site[data.agent_team[a]] == QA_SITE}
    b = browser_for("qa", QA_ONE_SITE)
    nav = b.nav()
    assert "Teams" in nav and "Goals" not in nav, nav

    b.goto("/teams")
    teams = {t for t in b.page.locator("#teams tbody tr").evaluate_all("rows => rows.map(r => r.dataset.team)")}
    assert teams == {t for t, site in data.team_site.items() if site == QA_SITE}, "only the assigned site's teams"
    b.shot("teams-of-site")
    with b.page.expect_navigation():
        b.page.click('#teams tbody tr[data-team="t_digital"] a')
    b.page.wait_for_load_state("networkidle")
    handled_tile = b.page.locator('a.tile[data-metric="handled"]')
    team_handled = handled_tile.locator(".tile-value").inner_text().strip()
    with b.page.expect_navigation():
        handled_tile.click()  # every number drills down to its contact rows
    b.page.wait_for_load_state("networkidle")
    assert "/contacts" in b.page.url
    rows = b.page.locator("table.contact-rows tbody tr")
    assert rows.count() > 0
    shown = {t.strip() for t in b.page.locator("table.contact-rows tbody tr td:nth-child(5)").all_inner_texts()}
    assert shown and shown <= site_agents, f"contacts of agents outside {QA_SITE}: {shown - site_agents}"
    assert b.text("h1").endswith(team_handled), "the rows behind the tile add up to the tile"
    b.shot("contacts-of-site")

    b.goto("/contacts?metric=handled")  # no filter: everything the analyst may see
    shown = {t.strip() for t in b.page.locator("table.contact-rows tbody tr td:nth-child(5)").all_inner_texts()}
    assert shown and shown <= site_agents, f"contacts of agents outside {QA_SITE}: {shown - site_agents}"
    outside = next(a for a in data.agent_ids if a not in site_agents)
    b.goto(f"/contacts?metric=handled&where=agent={outside}")
    assert b.page.locator("table.contact-rows tbody tr").count() == 0
    _forbidden(b, f"/teams/{data.agent_team[outside]}", "other-site-team-403")
    _forbidden(b, "/goals", "goals-403")


# -- planner --------------------------------------------------------------------------------------------------
def test_planner_sees_aggregates_not_agents(journeys: Journeys, browser_for: Opener) -> None:
    data = journeys.data
    b = browser_for("planner", "planner")
    b.goto("/")
    nav = b.nav()
    assert "Wallboard" in nav and "Scorecards" not in nav and "Goals" not in nav, nav
    values = [t.strip() for t in b.page.locator(".tiles .tile .tile-value").all_inner_texts()]
    assert values and "—" not in values
    assert b.page.locator("#agents").count() == 0, "no agent table for a planner"

    start = dt.date.fromisoformat(b.page.input_value('input[name="from"]'))
    end = dt.date.fromisoformat(b.page.input_value('input[name="to"]'))
    assert data.first_day <= start <= end == data.last_day
    assert b.page.locator("#trend-chart .bars .point").count() == (end - start).days + 1, "a bar for every day"
    b.shot("overview")

    b.goto("/wallboard")
    b.page.wait_for_function("document.querySelector('[data-wb=conn]').textContent.startsWith('updated')")
    offered = b.text('.wb-tile[data-tile="offered"] .wb-big').replace(",", "")
    assert int(offered) > 0, "the wallboard shows today's (or the replayed day's) traffic"
    assert b.page.locator(".wb-state").count() > 0, "agents by state, as counts"
    assert b.page.locator("#wb-agents").count() == 0, "no agent tiles for a planner"
    b.shot("wallboard")
    _forbidden(b, f"/agents/{data.agent_ids[0]}", "agent-page-403")


# -- admin ----------------------------------------------------------------------------------------------------
def test_admin_changes_setting_and_sees_it_in_audit(journeys: Journeys, browser_for: Opener) -> None:
    b = browser_for("admin", "admin")
    b.goto("/admin")
    before = int(b.text("#settings-version"))
    b.shot("admin-before")
    zone = "Europe/Lisbon"
    b.page.fill(f'input[name="tz:{QA_SITE}"]', zone)
    with b.page.expect_navigation():
        b.page.click('#settings-form button[type="submit"]')
    b.page.wait_for_load_state("networkidle")
    assert b.text("#settings-version") == str(before + 1)
    assert b.page.input_value(f'input[name="tz:{QA_SITE}"]') == zone
    b.shot("admin-saved")

    b.page.click("text=Full audit log")
    b.page.wait_for_load_state("networkidle")
    newest = b.page.locator("#audit tbody tr").first
    assert newest.get_attribute("data-entity") and "settings" in newest.get_attribute("data-entity")
    cells = [c.strip() for c in newest.locator("td").all_inner_texts()]
    assert cells[1] == "admin"
    assert zone not in cells[5] and zone in cells[6], "before has the old zone, after the new one"
    at = dt.datetime.strptime(cells[0], "%Y-%m-%d %H:%M:%S")
    assert abs((dt.datetime.now(dt.UTC).replace(tzinfo=None) - at).total_seconds()) < 600
    b.shot("audit")
