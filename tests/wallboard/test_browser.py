"""In Chromium: the wallboard page updates itself from the event stream (screenshots kept)."""

from __future__ import annotations

from pathlib import Path

from tests.wallboard.conftest import PASSWORD, USERS, Live
from tests.web.web_browser import chromium_page
from tests.web.web_live import sign_in_page

SHOTS = Path("/tmp/callboard-wallboard-test")


def test_the_page_follows_the_stream(live: Live, tmp_path: Path) -> None:
    SHOTS.mkdir(exist_ok=True)
    with live.client("admin") as admin:
        token = admin.post("/api/v1/wallboard/token").json()["token"]
    with chromium_page(tmp_path / "profile") as page:
        sign_in_page(page, live.url, USERS["planner"], PASSWORD)
        page.goto(live.url + "/wallboard/queue/browser-q")
        page.wait_for_function("document.querySelector('[data-wb=conn]').textContent.startsWith('updated')")
        assert page.get_attribute("#wallboard", "data-waiting") == "0"
        with live.client(None) as platform:
            pushed = platform.post("/api/v1/wallboard/events", headers={"Authorization": f"Bearer {token}"}, json={
                "events": [{"type": "contact_queued", "contact_id": f"b{i}", "queue_id": "browser-q"} for i in range(3)]})
            assert pushed.status_code == 200
        page.wait_for_function("document.getElementById('wallboard').dataset.waiting === '3'", timeout=60_000)
        big = page.inner_text('[data-tile="waiting"] .wb-big')
        assert big == "3"
        assert "browser-q" in page.inner_text("#wb-queues")
        page.screenshot(path=str(SHOTS / "planner-queue.png"), full_page=True)
