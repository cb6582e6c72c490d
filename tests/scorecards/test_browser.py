"""Scorecard pages in real Chromium: the supervisor's ranking with its chart, the agent's own card only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scorecards.conftest import PASSWORD, ScServer
from tests.web.web_browser import chromium_page
from tests.web.web_live import sign_in_page

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp")


def test_supervisor_ranking_and_agent_own_card(sc_server: ScServer, tmp_path: Path) -> None:
    with chromium_page(tmp_path / "sup") as page:
        sign_in_page(page, sc_server.url, "sup_a", PASSWORD)
        page.goto(f"{sc_server.url}/scorecards/team/t_a?period=2026-03")
        page.wait_for_selector("#history-chart .main-svg")  # plotly drew the score history
        assert "how few contacts it rests on" in page.locator("#ranking-rule").inner_text()
        ranks = {row.get_attribute("data-agent"): row.locator("td").first.inner_text().strip()
                 for row in page.locator("#ranking tbody tr").all()}
        assert ranks["ag_small"] == "3" and ranks["ag_b1"] == "1"
        assert page.locator(".tile .tile-value").first.inner_text().strip() not in ("", "—")
        page.screenshot(path=str(SHOTS / "callboard-scorecard-team.png"), full_page=True)
    with chromium_page(tmp_path / "agent") as page:
        sign_in_page(page, sc_server.url, "small", PASSWORD)
        page.goto(f"{sc_server.url}/scorecards/agent/ag_small?period=2026-03")
        page.wait_for_selector("#history-chart .main-svg")
        assert page.locator('.tile[data-tile="rank"] .tile-value').inner_text().split() == ["3", "of", "5"]
        page.screenshot(path=str(SHOTS / "callboard-scorecard-agent.png"), full_page=True)
        response = page.goto(f"{sc_server.url}/scorecards/team/t_a")
        assert response is not None and response.status == 403
