"""The overview in real Chromium: tiles show the API's numbers, a queue filter changes them, chart and table render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from callboard.web.format import format_value
from callboard.web.pages.overview import AGENT_COLUMNS, TILES
from tests.web.web_browser import chromium_page
from tests.web.web_live import LiveServer, sign_in_page

SCREENSHOT = Path("/tmp/callboard-overview.png")
pytestmark = pytest.mark.browser


def api_tiles(client: httpx.Client, start: str, end: str, where: list[str]) -> dict[str, str]:
    body = client.get("/api/v1/kpi", params={"metrics": ",".join(m for m, _ in TILES), "from": start, "to": end,
                                             "where": where}).json()
    row = body["rows"][0]
    return {m["requested"]: format_value(row[m["requested"]], m["unit"]) for m in body["metrics"]}


def page_tiles(page: Any) -> dict[str, str]:
    return {metric: page.locator(f'.tile[data-metric="{metric}"] .tile-value').inner_text().strip()
            for metric, _ in TILES}


def test_overview_filters_in_chromium(live_server: LiveServer, client: httpx.Client, tmp_path: Path) -> None:
    problems: list[str] = []
    with chromium_page(tmp_path / "profile") as page:
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
        page.on("pageerror", lambda e: problems.append(f"page error {e}"))

        sign_in_page(page, live_server.url)
        page.goto(live_server.url + "/")
        page.wait_for_selector("#trend-chart .main-svg")
        start, end = page.input_value('input[name="from"]'), page.input_value('input[name="to"]')
        assert (start, end) == ("2026-02-09", "2026-03-08")
        unfiltered = page_tiles(page)
        assert unfiltered == api_tiles(client, start, end, [])
        assert "—" not in unfiltered.values()
        assert page.locator("#trend-chart .bars .point").count() == 28  # one bar per day
        assert page.locator("#agents tbody tr").count() == 12
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        with page.expect_navigation():
            page.select_option('select[name="queue"]', "Billing")
        page.wait_for_selector("#trend-chart .main-svg")
        assert "queue=Billing" in page.url and "channel=" not in page.url  # empty filters dropped
        assert page.input_value('select[name="queue"]') == "Billing"
        assert (page.input_value('input[name="from"]'), page.input_value('input[name="to"]')) == (start, end)
        billing = page_tiles(page)
        assert billing == api_tiles(client, start, end, ["queue=Billing"])
        assert billing["offered"] != unfiltered["offered"]

        agents = client.get("/api/v1/kpi", params={"metrics": ",".join(m for m, _ in AGENT_COLUMNS),
                                                   "by": "agent,team", "from": start, "to": end,
                                                   "where": "queue=Billing"}).json()["rows"]
        named = {r["agent"]: r for r in agents if r["agent"] is not None}
        assert page.locator("#agents tbody tr").count() == len(named)
        first = page.locator("#agents tbody tr").first
        agent = first.get_attribute("data-agent")
        assert agent in named
        cells = [c.strip() for c in first.locator("td").all_inner_texts()]
        expected = [format_value(named[agent][m], unit) for m, unit in
                    zip((m for m, _ in AGENT_COLUMNS), ("count", "seconds", "ratio", "ratio", "ratio", "ratio"),
                        strict=True)]
        assert cells[2:] == expected

        page.click('#agents th[data-metric="aht_s"]')  # sort ascending by AHT
        sorted_aht = [float(v) for v in page.locator("#agents tbody tr td:nth-child(4)").evaluate_all(
            "cells => cells.map(c => c.getAttribute('data-sort')).filter(v => v !== '')")]
        assert sorted_aht == sorted(sorted_aht)
    assert problems == []
