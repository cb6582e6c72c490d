"""An outbound queue's page (agents handled contacts that never waited in the queue) says so instead of "No
contacts in this period" above an agent table full of handled contacts, and offers no busiest-day link; an inbound
queue keeps its chart. Hand-made data: 3 outbound calls on queue Outbound by ana, 2 inbound on Billing."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.runtime import build_runtime
from tests.metrics.builders import Dataset
from tests.web.web_live import serving, sign_in

DAY = dt.datetime(2026, 3, 2, 9)
PERIOD = {"from": "2026-03-02", "to": "2026-03-02"}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    ds = Dataset(source="sample")
    for i in range(3):  # outbound: a contact and an agent segment on the queue, no queue entry
        cid = ds.contact(f"o{i}", at=DAY + dt.timedelta(minutes=10 * i), direction="outbound")
        ds.segment(cid, "ana", queue="Outbound", at=DAY + dt.timedelta(minutes=10 * i), talk_s=120)
    for i in range(2):
        cid = ds.contact(f"i{i}", at=DAY + dt.timedelta(hours=1, minutes=10 * i))
        ds.entry(cid, queue="Billing", outcome="answered", wait_s=10, agent="ana")
        ds.segment(cid, "ana", queue="Billing", at=DAY + dt.timedelta(hours=1, minutes=10 * i, seconds=10), talk_s=200)
    data_dir: Path = tmp_path_factory.mktemp("outbound") / "data"
    runtime = build_runtime(load_settings(data_dir))
    runtime.store.load(ds.batch())
    runtime.users.create_user(LOCAL_OWNER, username="root", password="root-password", role="admin")
    with serving(runtime) as base:
        yield base


def _empty_notes(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<div class="empty">([^<]*)</div>', page)]


def test_outbound_queue_page_agrees_with_its_agent_table(url: str) -> None:
    client = sign_in(httpx.Client(base_url=url, timeout=60), "root", "root-password")
    page = client.get("/queues/Outbound", params=PERIOD)
    assert page.status_code == 200
    notes = _empty_notes(page.text)
    assert "No contacts in this period." not in notes
    assert any(n.startswith("No inbound queue entries in this period: its 3 handled contacts") for n in notes), notes
    assert "busiest day" not in page.text and 'data-agent="ana"' in page.text
    inbound = client.get("/queues/Billing", params=PERIOD)
    assert inbound.status_code == 200 and 'id="queue-chart"' in inbound.text and not _empty_notes(inbound.text)
