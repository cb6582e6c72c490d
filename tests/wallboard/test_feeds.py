"""The live feeds: callers waiting from queue_log cursor lines, and the state pushed events build."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from callboard.wallboard.live import STALE_WAIT_S, EventBatch, LiveState
from callboard.wallboard.queue_log import waiting_from_lines

T = 1_795_000_000  # epoch seconds
AT = dt.datetime.fromtimestamp(T, dt.timezone.utc).replace(tzinfo=None)


def lines(*texts: str) -> tuple[tuple[str, int, str], ...]:
    return tuple(("queue_log", i + 1, text) for i, text in enumerate(texts))


def test_an_entered_call_waits_until_connect_or_exit() -> None:
    carried = lines(
        f"{T}|c1|sales|NONE|ENTERQUEUE||0700|1",  # waiting
        f"{T}|c2|sales|NONE|ENTERQUEUE||0701|1",
        f"{T + 7}|c2|sales|alice|CONNECT|7|c2b|3000",  # answered: not waiting
        f"{T + 1}|c3|sales|NONE|ENTERQUEUE||0702|1",
        f"{T + 30}|c3|sales|NONE|EXITWITHTIMEOUT|1|1|29",  # flowed out of sales ...
        f"{T + 30}|c3|support|NONE|ENTERQUEUE||0702|1",  # ... and waits in support since T+30
        f"{T + 2}|c4|sales|NONE|ENTERQUEUE||0703|1",
        f"{T + 9}|c4|sales|NONE|ABANDON|1|1|7",
        f"{T}|NONE|sales|bob|ADDMEMBER|",  # an agent line, not a call
    )
    waiting = sorted((w.contact_id, w.queue_id, w.since) for w in waiting_from_lines(carried))
    assert waiting == [("c1", "sales", AT), ("c3", "support", AT + dt.timedelta(seconds=30))]


def test_lines_out_of_order_and_quarantined_calls() -> None:
    carried = lines(
        f"{T + 5}|c1|sales|alice|CONNECT|5|c1b|3000",  # written before its ENTERQUEUE: still answered
        f"{T}|c1|sales|NONE|ENTERQUEUE||0700|1",
        f"{T}|bad|sales|NONE|ENTERQUEUE||0701|1",  # quarantined call: never shown
        "garbage",
        f"x|c9|sales|NONE|ENTERQUEUE||0701|1",  # no time: skipped
    )
    assert waiting_from_lines(carried, frozenset({"bad"})) == []


def events(*items: dict[str, object]) -> list[object]:
    return TypeAdapter(EventBatch).validate_python({"events": list(items)}).events


def test_pushed_contacts_wait_until_they_leave() -> None:
    live = LiveState()
    now = AT + dt.timedelta(minutes=1)
    changed = live.apply(events(
        {"type": "contact_queued", "contact_id": "x1", "queue_id": "q1", "at": "2026-11-19T17:46:40Z"},
        {"type": "contact_queued", "contact_id": "x2", "queue_id": "q1"},  # no time: now
        {"type": "contact_left_queue", "contact_id": "x2", "queue_id": "q1", "at": "2020-01-01T00:00:00"},  # older news
        {"type": "contact_left_queue", "contact_id": "nope", "queue_id": "q1"},  # unknown contact
    ), now)
    assert changed == 2
    assert sorted((w.contact_id, w.since) for w in live.waiting(now)) == [
        ("x1", dt.datetime(2026, 11, 19, 17, 46, 40)), ("x2", now)]
    live.apply(events({"type": "contact_left_queue", "contact_id": "x2", "queue_id": "q1", "outcome": "answered"}), now)
    assert [w.contact_id for w in live.waiting(now)] == ["x1"]
    later = dt.datetime(2026, 11, 19, 17, 46, 40) + dt.timedelta(seconds=STALE_WAIT_S + 1)
    assert live.waiting(later) == []  # lost its end: dropped after 4 hours


def test_pushed_agent_states_keep_the_newest() -> None:
    live = LiveState()
    now = AT
    live.apply(events(
        {"type": "agent_state", "agent_id": "a1", "state": "aux", "reason": "Lunch", "at": "2026-11-19T12:00:00Z"},
        {"type": "agent_state", "agent_id": "a1", "state": "available", "at": "2026-11-19T11:00:00Z"},  # older
        {"type": "agent_state", "agent_id": "a2", "state": "available", "reason": "ignored", "at": "2026-11-19T12:00:00+01:00"},
    ), now)
    agents = live.agents()
    assert (agents["a1"].state, agents["a1"].reason, agents["a1"].since) == ("aux", "Lunch", dt.datetime(2026, 11, 19, 12))
    assert (agents["a2"].state, agents["a2"].reason, agents["a2"].since) == ("available", None, dt.datetime(2026, 11, 19, 11))


@pytest.mark.parametrize("bad", [
    {"events": []},
    {"events": [{"type": "contact_queued", "contact_id": "x"}]},  # no queue
    {"events": [{"type": "agent_state", "agent_id": "a1", "state": "napping"}]},  # not a canonical state
    {"events": [{"type": "mystery"}]},
])
def test_the_event_schema_refuses_bad_bodies(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(EventBatch).validate_python(bad)
