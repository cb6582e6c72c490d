"""The overview page over real HTTP (server-rendered HTML): same numbers as the API, formatted by unit."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import httpx

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime
from callboard.web.format import format_value
from callboard.web.pages.overview import AGENT_COLUMNS, TILES
from callboard.core.viewer import LOCAL_OWNER
from tests.web.web_live import sign_in
from tests.web.web_live import start_server
from tests.metrics.builders import T0, Dataset

TILE = re.compile(r'<div class="tile" data-metric="(?P<metric>[^"]+)" data-unit="(?P<unit>[^"]+)" title="(?P<title>[^"]*)">'
                  r'.*?<div class="tile-value"[^>]*>(?:<a class="tile-link" href="(?P<href>[^"]*)"[^>]*>)?'
                  r'(?P<value>[^<]*)(?:</a>)?</div>', re.DOTALL)


def tiles(page: str) -> dict[str, dict[str, str]]:
    return {m["metric"]: {"unit": m["unit"], "title": html.unescape(m["title"]), "value": html.unescape(m["value"]),
                          "href": html.unescape(m["href"] or "")}
            for m in TILE.finditer(page)}


def api(client: httpx.Client, metrics: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/kpi", params={"metrics": metrics, **params})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def expected_tiles(client: httpx.Client, **params: Any) -> dict[str, str]:
    body = api(client, ",".join(m for m, _ in TILES), **params)
    row = body["rows"][0]
    return {m["requested"]: format_value(row[m["requested"]], m["unit"]) for m in body["metrics"]}


def test_default_period_is_last_28_days_of_data(client: httpx.Client) -> None:
    page = client.get("/").text
    assert 'name="from" value="2026-02-09"' in page and 'name="to" value="2026-03-08"' in page
    shown = tiles(page)
    assert list(shown) == [m for m, _ in TILES]
    assert {m: t["value"] for m, t in shown.items()} == expected_tiles(client, **{"from": "2026-02-09",
                                                                                 "to": "2026-03-08"})
    assert all(t["value"] != "—" for t in shown.values())  # no empty tile on demo-like data
    assert shown["service_level"]["title"].startswith("service_level.callboard(threshold_s=20")
    assert re.fullmatch(r"\d+:\d\d", shown["aht_s"]["value"])
    assert re.fullmatch(r"[+-]\d+|0", shown["nps"]["value"])
    assert shown["fcr_rate"]["value"].endswith("%")


def test_filtered_page_matches_api(client: httpx.Client) -> None:
    params = {"from": "2026-01-12", "to": "2026-02-08", "queue": "Sales", "team": "Team Cirrus"}
    page = client.get("/", params=params).text
    api_params = {"from": "2026-01-12", "to": "2026-02-08", "where": ["queue=Sales", "team=Team Cirrus"]}
    assert {m: t["value"] for m, t in tiles(page).items()} == expected_tiles(client, **api_params)
    assert '<option value="Sales" selected>' in page
    agents = api(client, ",".join(m for m, _ in AGENT_COLUMNS), by="agent,team", **api_params)["rows"]
    named = [r for r in agents if r["agent"] is not None]
    assert {r["team"] for r in named} == {"Team Cirrus"}
    for row in named:
        assert f'<tr data-agent="{row["agent"]}">' in page
    busiest = max(named, key=lambda r: r["handled"])
    cells = re.search(rf'<tr data-agent="{busiest["agent"]}">(.*?)</tr>', page, re.DOTALL)
    assert cells is not None
    texts = [html.unescape(t) for t in re.findall(r'<td class="num"[^>]*>([^<]*)</td>', cells.group(1))]
    assert texts[:2] == [format_value(busiest["handled"], "count"), format_value(busiest["aht_s"], "seconds")]


def test_agents_show_display_names(client: httpx.Client) -> None:
    page = client.get("/", params={"team": "Team Cirrus"}).text
    assert '<td>Ivo Marković <span class="agent-id">ivo</span></td>' in page
    assert "<td>lea</td>" in page  # no display name: the id
    assert "Ana Souza" not in page  # Team Aurora is filtered out


def test_trend_figure_embedded(client: httpx.Client) -> None:
    page = client.get("/", params={"from": "2026-03-02", "to": "2026-03-08"}).text
    assert '<div id="trend-chart"' in page and "/vendor/plotly.min.js" in page
    days = api(client, "offered,service_level", by="day", **{"from": "2026-03-02", "to": "2026-03-08"})["rows"]
    assert len(days) == 7
    for row in days:
        assert row["day"] in page


def test_bad_date_shows_banner_not_crash(client: httpx.Client) -> None:
    response = client.get("/", params={"from": "2026-02-31"})
    assert response.status_code == 200
    assert "is not a date" in response.text and 'role="alert"' in response.text
    assert 'name="from" value="2026-02-09"' in response.text  # fell back to the default period


def test_unknown_page_is_html_404(client: httpx.Client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Callboard" in response.text and "/no-such-page" in response.text


def test_empty_store_page(tmp_path: Path) -> None:
    with build_runtime(load_settings(tmp_path / "empty")) as runtime:
        runtime.users.create_user(LOCAL_OWNER, username="admin", password="admin-password", role="admin")
        server, thread, url, _ = start_server(runtime)
        try:
            anonymous = httpx.get(url + "/", timeout=120)
            with httpx.Client(base_url=url, timeout=120) as client:
                sign_in(client, "admin", "admin-password")
                response = client.get("/")
                data_range = client.get("/api/v1/data-range").json()
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=%2F"
    assert response.status_code == 200
    assert "No contacts in the analytics store yet" in response.text
    assert {t["value"] for t in tiles(response.text).values()} <= {"—", "0"}
    assert data_range == {"first_day": None, "last_day": None, "days_with_data": 0, "time_zone": "UTC"}


def test_tiles_open_the_contact_rows_behind_them(client: httpx.Client) -> None:
    """The Offered tile links to its contact rows; their count equals the tile (the same service, same filters)."""
    shown = tiles(client.get("/", params={"from": "2026-02-09", "to": "2026-03-08", "queue": "Billing"}).text)
    href = shown["offered"]["href"]
    assert href.startswith("/contacts?") and "metric=offered" in href and "Billing" in href
    rows = client.get("/api/v1/contacts" + href.removeprefix("/contacts") + "&limit=1").json()
    offered = api(client, "offered", **{"from": "2026-02-09", "to": "2026-03-08", "where": "queue=Billing"})
    assert rows["total"] == offered["rows"][0]["offered"] > 0


def test_unanswered_rows_mark_their_agent_as_routed(tmp_path: Path) -> None:
    """An abandoned entry may name the agent the ACD was ringing: its drill-down row says 'routed' beside the agent,
    and a handled row does not."""
    ds = Dataset()
    ds.contact("c1", at=T0)
    ds.entry("c1", outcome="abandoned", wait_s=30, agent="a7")  # rung, then the caller hung up
    ds.contact("c2", at=T0 + dt.timedelta(minutes=1))
    ds.entry("c2", outcome="answered", wait_s=5, agent="a7")
    ds.segment("c2", "a7", talk_s=60)
    with build_runtime(load_settings(tmp_path / "routed")) as runtime:
        runtime.users.create_user(LOCAL_OWNER, username="admin", password="admin-password", role="admin")
        runtime.store.load(ds.batch())
        server, thread, url, _ = start_server(runtime)
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                sign_in(client, "admin", "admin-password")
                pages = {m: client.get("/contacts", params={"metric": m}).text for m in ("abandoned", "handled")}
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    (abandoned,) = re.findall(r'<tr data-contact="c1">(.*?)</tr>', pages["abandoned"], re.DOTALL)
    assert 'href="/agents/a7"' in abandoned and 'class="muted routed"' in abandoned
    (handled,) = re.findall(r'<tr data-contact="c2">(.*?)</tr>', pages["handled"], re.DOTALL)
    assert 'href="/agents/a7"' in handled and "routed" not in handled
