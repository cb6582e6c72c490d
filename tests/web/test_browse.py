"""KpiBrowser (callboard.metrics.browse): data span and dimension values, on a hand-made dataset.

Data (UTC):
  c1  2026-03-02 09:00 voice, queue Billing, answered by ana (Team A)
  c2  2026-03-04 09:00 chat,  queue Sales, abandoned (no agent -> no team)
  c3  2026-03-06 09:00 messaging, bot only (no queue entry, no segment): not "data" for the browser
So the span is 03-02..03-04 with 2 days holding data; queues Billing, Sales; teams Team A;
channels chat, voice. Restricted to 03-03..03-05 only Sales/chat remain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from callboard.core.errors import CallboardError
from callboard.core.settings import load_settings
from callboard.metrics.browse import DataSpan, KpiBrowser
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    ds = Dataset()
    ds.team_memberships.append(dict(agent_id="ana", team_id="Team A", valid_from=dt.datetime(2026, 1, 1), valid_to=None))
    ds.contact("c1", at=dt.datetime(2026, 3, 2, 9), channel="voice", customer_id="k1")
    ds.entry("c1", queue="Billing", agent="ana", wait_s=10)
    ds.segment("c1", "ana", queue="Billing", talk_s=100)
    ds.contact("c2", at=dt.datetime(2026, 3, 4, 9), channel="chat", customer_id="k2")
    ds.entry("c2", queue="Sales", outcome="abandoned", wait_s=30)
    ds.contact("c3", at=dt.datetime(2026, 3, 6, 9), channel="messaging", bot_only=True)
    with build_runtime(load_settings(tmp_path_factory.mktemp("browse"))) as rt:
        rt.store.load(ds.batch())
        yield rt


def test_data_span(runtime: Runtime) -> None:
    span = KpiBrowser(runtime.kpi).data_span()
    assert span == DataSpan(dt.date(2026, 3, 2), dt.date(2026, 3, 4), 2)
    assert span.last_days(28) == (dt.date(2026, 3, 2), dt.date(2026, 3, 4))  # clipped to the first day
    assert span.last_days(2) == (dt.date(2026, 3, 3), dt.date(2026, 3, 4))


def test_data_span_filtered_and_empty(runtime: Runtime) -> None:
    browser = KpiBrowser(runtime.kpi)
    assert browser.data_span(where={"queue": ["Sales"]}) == DataSpan(dt.date(2026, 3, 4), dt.date(2026, 3, 4), 1)
    empty = browser.data_span(where={"queue": ["Nope"]})
    assert empty == DataSpan(None, None, 0)
    assert empty.last_days(28) == (None, None)


def test_dimension_values(runtime: Runtime) -> None:
    browser = KpiBrowser(runtime.kpi)
    assert browser.dimension_values("queue") == ("Billing", "Sales")
    assert browser.dimension_values("team") == ("Team A",)
    assert browser.dimension_values("channel") == ("chat", "voice")
    assert browser.dimension_values("queue", from_date="2026-03-03", to_date="2026-03-05") == ("Sales",)


def test_dimension_options_one_query_same_answers(runtime: Runtime) -> None:
    browser = KpiBrowser(runtime.kpi)
    options = browser.dimension_options(["queue", "channel", "team"])
    assert options == {dim: browser.dimension_values(dim) for dim in ("queue", "channel", "team")}


def test_agent_names(runtime: Runtime) -> None:
    assert KpiBrowser(runtime.kpi).agent_names() == {}  # the dataset names no agents


def test_time_dimension_and_unknown_dimension_are_errors(runtime: Runtime) -> None:
    browser = KpiBrowser(runtime.kpi)
    with pytest.raises(CallboardError) as time_error:
        browser.dimension_values("day")
    assert time_error.value.status_code == 422
    with pytest.raises(CallboardError) as unknown:
        browser.dimension_values("queues")
    assert unknown.value.status_code == 404 and "queue" in (unknown.value.hint or "")
