"""connect-agent-events: agent events -> agent state intervals, checked against the admin guide's examples.

fixtures/agent_events_acw.jsonl: the two STATE_CHANGE events of determine-acw-time.md (contact
ContactId-1 connected 18:55:21.011, ENDED 18:55:27.017, agent ready again 18:55:32.022), then Lunch at
19:00:00 and a heartbeat. fixtures/agent_events_later.jsonl: Available at 19:30, LOGOUT at 19:45.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from callboard.ingest.connectors.connect_agent_states import Contact, Snapshot, derive
from tests.ingest.connectors.connect.helpers import FIXTURES, INSTANCE, rows, runtime

AGENT = f"{INSTANCE}/agent/agent-ARN"
COLUMNS = ("record_id", "agent_id", "state", "reason", "started_at", "ended_at")


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _states(rt) -> list[tuple[str, str | None, dt.datetime, dt.datetime | None]]:  # type: ignore[no-untyped-def]
    found = rows(rt, "agent_states", *COLUMNS)
    return sorted(((r["state"], r["reason"], r["started_at"], r["ended_at"]) for r in found), key=lambda r: r[2])


def test_acw_is_the_time_from_ended_to_the_next_state_change(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    try:
        (report,) = rt.ingest.ingest("connect-agent-events", [FIXTURES / "agent_events_acw.jsonl"])
        assert (report.rows_read, report.loaded, report.rejected) == (4, 4, 0)
        assert _states(rt) == [
            # from the first event's PreviousAgentSnapshot: CONNECTED since 18:55:21.011
            ("on_contact", None, t("2019-05-25 18:55:21.011"), t("2019-05-25 18:55:27.017")),
            # determine-acw-time.md: 18:55:27.017 -> 18:55:32.022 = 5.005 s of ACW
            ("acw", None, t("2019-05-25 18:55:27.017"), t("2019-05-25 18:55:32.022")),
            ("available", None, t("2019-05-25 18:55:32.022"), t("2019-05-25 19:00:00")),
            ("aux", "Lunch", t("2019-05-25 19:00:00"), None),  # still open: the heartbeat changed nothing
        ]
        acw = [r for r in rows(rt, "agent_states", *COLUMNS) if r["state"] == "acw"][0]
        assert (acw["ended_at"] - acw["started_at"]).total_seconds() == pytest.approx(5.005)
        assert acw["record_id"] == f"{AGENT}|2019-05-25T18:55:27.017000"
    finally:
        rt.close()


def test_a_later_file_closes_the_open_state(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    try:
        rt.ingest.ingest("connect-agent-events", [FIXTURES / "agent_events_acw.jsonl"])
        (report,) = rt.ingest.ingest("connect-agent-events", [FIXTURES / "agent_events_later.jsonl"])
        # Lunch closed (the open row replaced: updated 1), Available and Offline new
        assert (report.rows_read, report.loaded, report.updated, report.rejected) == (2, 2, 1, 0)
        assert _states(rt)[3:] == [
            ("aux", "Lunch", t("2019-05-25 19:00:00"), t("2019-05-25 19:30:00")),
            ("available", None, t("2019-05-25 19:30:00"), t("2019-05-25 19:45:00")),
            ("offline", None, t("2019-05-25 19:45:00"), None),
        ]
        (again,) = rt.ingest.ingest("connect-agent-events", [FIXTURES / "agent_events_later.jsonl"])
        assert again.rows_read == 0  # the cursor: nothing new
    finally:
        rt.close()


def test_heart_beat_sample_opens_available_since_the_status_start(tmp_path: Path) -> None:
    """sample-agent-event-stream.md: HEART_BEAT at 20:58:44.031, status Available since 20:52:30.704."""
    rt = runtime(tmp_path)
    try:
        (report,) = rt.ingest.ingest("connect-agent-events", [FIXTURES / "agent_event_stream_sample.json"])
        assert (report.rows_read, report.rejected) == (1, 0)
        (row,) = rows(rt, "agent_states", *COLUMNS)
        sample_agent = ("arn:aws:connect:us-west-2:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111"
                        "/agent/agent-ARN")
        assert row == {"record_id": f"{sample_agent}|2019-08-13T20:52:30.704000", "agent_id": sample_agent,
                       "state": "available", "reason": None, "started_at": t("2019-08-13 20:52:30.704"),
                       "ended_at": None}
    finally:
        rt.close()


def test_bad_events_are_quarantined(tmp_path: Path) -> None:
    lines = (FIXTURES / "agent_events_acw.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([
        lines[0].replace('"EventType": "STATE_CHANGE"', '"EventType": "TELEPORT"'),
        lines[1].replace('"EventTimestamp": "2019-05-25T18:55:32.022Z"', '"EventTimestamp": "soon"'),
        '{"AgentARN": "x", "EventType": "HEART',
        lines[2],
    ]) + "\n", encoding="utf-8")
    rt = runtime(tmp_path)
    try:
        (report,) = rt.ingest.ingest("connect-agent-events", [path])
        assert (report.rows_read, report.rejected) == (4, 3)
        got = sorted((q["line"], q["field"]) for q in rt.store.table("quarantine").to_pyarrow().to_pylist())
        assert got == [(1, "EventType"), (2, "EventTimestamp"), (3, None)]
        # the one good event: Lunch from 19:00 (first seen state), after Available from its previous snapshot
        assert [s[0] for s in _states(rt)] == ["available", "aux"]
    finally:
        rt.close()


@pytest.mark.parametrize(
    ("states", "status", "expected"),
    [
        ({"CONNECTED_ONHOLD", "ENDED"}, ("Break", "CUSTOM"), ("on_contact", None)),  # contacts beat the status
        ({"INCOMING"}, ("Available", "ROUTABLE"), ("connecting", None)),
        ({"MISSED"}, ("Available", "ROUTABLE"), ("error", None)),
        ({"ENDED"}, ("Offline", "OFFLINE"), ("acw", None)),
        (set(), ("Training", "CUSTOM"), ("aux", "Training")),
        (set(), ("Offline", None), ("offline", None)),  # no Type (as in the published sample): by name
        (set(), ("Available", None), ("available", None)),
    ],
)
def test_state_table(states: set[str], status: tuple[str, str | None], expected: tuple[str, str | None]) -> None:
    snapshot = Snapshot(status[0], status[1], None, tuple(Contact("c", s, None) for s in sorted(states)))
    assert derive(snapshot) == expected
