"""connect-ctr end to end: the two fixture files loaded into a DuckDB file, then the tables and KPIs.

The fixtures (fixtures/ctr_day1.jsonl, fixtures/ctr_day2_firehose.json), all on 2024-05-06 UTC:

| record | what | queue wait | talk | hold (holds) | ACW |
|---|---|---|---|---|---|
| A-answered | inbound call, agent-1 | 30 s (09:00:10 -> 09:00:40) | 300 s | 20 s (1) | 30 s |
| B-abandoned | customer hangs up in queue | 45 s | - | - | - |
| C1-transfer | leg 1: agent-1 transfers to C2 | 15 s | 120 s | 0 | 10 s |
| C2-transfer (day 2) | leg 2 of C1: agent-3 | 20 s | 200 s | 40 s (2) | 20 s |
| D-callback-request | asks for a callback in queue | 120 s | - | - | - |
| D-callback (day 2) | the callback, agent-3 | 81 s (09:33:39 -> 09:35:00) | 240 s | 0 | 15 s |
| E-chat | chat, agent-2, no hold fields | 5 s | 600 s | (absent -> 0) | 0 |
| F-duplicate x2 | newer copy (10:05, talk 110 s) first, older (10:00, talk 100 s) after | 10 s | 110 s | 0 | 5 s |
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.ingest.connectors.connect.helpers import FIXTURES, agent, loaded_file, rows, runtime

DAY1 = FIXTURES / "ctr_day1.jsonl"
DAY2 = FIXTURES / "ctr_day2_firehose.json"
KPIS = ["aht_s", "avg_hold_s", "avg_acw_s", "asa_s", "transfer_rate", "handled", "offered", "answered",
        "abandoned", "callback_requested"]


def _load_both(tmp_path: Path):  # type: ignore[no-untyped-def]
    rt = runtime(tmp_path)
    reports = rt.ingest.ingest("connect-ctr", [DAY1]) + rt.ingest.ingest("connect-ctr", [DAY2])
    return rt, reports


def test_two_files_load_to_the_hand_worked_tables_and_kpis(tmp_path: Path) -> None:
    rt, reports = _load_both(tmp_path)
    try:
        # day 1: 7 records -> 6 contacts (F's two copies fold into one); day 2: D-callback new, the C chain
        # re-emitted whole with its second leg (updated), F's old copy again (duplicate).
        assert [(r.rows_read, r.loaded, r.updated, r.duplicates, r.rejected) for r in reports] == [
            (7, 6, 0, 0, 0), (3, 1, 1, 1, 0)]
        contacts = rows(rt, "contacts", "contact_id", "channel", "direction", "callback_of", "topic", "disposition",
                        "resolved")
        assert contacts == [
            {"contact_id": "A-answered", "channel": "voice", "direction": "inbound", "callback_of": None,
             "topic": "billing", "disposition": "refund_issued", "resolved": True},
            {"contact_id": "B-abandoned", "channel": "voice", "direction": "inbound", "callback_of": None,
             "topic": None, "disposition": None, "resolved": None},
            # one contact for both legs; topic from the legs, disposition from the last leg
            {"contact_id": "C1-transfer", "channel": "voice", "direction": "inbound", "callback_of": None,
             "topic": "orders", "disposition": "replacement_sent", "resolved": None},
            {"contact_id": "D-callback", "channel": "voice", "direction": "outbound",
             "callback_of": "D-callback-request", "topic": None, "disposition": None, "resolved": None},
            {"contact_id": "D-callback-request", "channel": "voice", "direction": "inbound", "callback_of": None,
             "topic": None, "disposition": None, "resolved": None},
            {"contact_id": "E-chat", "channel": "chat", "direction": "inbound", "callback_of": None,
             "topic": None, "disposition": None, "resolved": None},
            # the newer copy's disposition, although it came first in the file
            {"contact_id": "F-duplicate", "channel": "voice", "direction": "inbound", "callback_of": None,
             "topic": None, "disposition": "updated_later", "resolved": None},
        ]
        entries = rows(rt, "queue_entries", "contact_id", "entry_seq", "queue_id", "wait_ms", "outcome",
                       "raw_exit_reason")
        assert [(e["contact_id"], e["entry_seq"], e["queue_id"], e["wait_ms"], e["outcome"]) for e in entries] == [
            ("A-answered", 0, "Sales", 30_000, "answered"),
            ("B-abandoned", 0, "Sales", 45_000, "abandoned"),
            ("C1-transfer", 0, "Sales", 15_000, "answered"),
            ("C1-transfer", 1, "Technical", 20_000, "answered"),  # leg 2's queue: a second entry
            ("D-callback", 0, "Callbacks", 81_000, "answered"),  # timestamps, not Amazon's Duration of 120 s
            ("D-callback-request", 0, "Support", 120_000, "callback_requested"),
            ("E-chat", 0, "Chat", 5_000, "answered"),
            ("F-duplicate", 0, "Support", 10_000, "answered"),
        ]
        assert {e["contact_id"]: e["raw_exit_reason"] for e in entries}["D-callback-request"] == "CONTACT_FLOW_DISCONNECT"
        segments = rows(rt, "agent_segments", "contact_id", "segment_seq", "agent_id", "talk_ms", "hold_ms",
                        "hold_count", "acw_ms", "transferred_out", "acw_ended_at")
        assert [(s["contact_id"], s["segment_seq"], s["agent_id"], s["talk_ms"], s["hold_ms"], s["hold_count"],
                 s["acw_ms"], s["transferred_out"]) for s in segments] == [
            ("A-answered", 0, agent(1), 300_000, 20_000, 1, 30_000, False),
            ("C1-transfer", 0, agent(1), 120_000, 0, 0, 10_000, True),  # the transferring agent is charged
            ("C1-transfer", 1, agent(3), 200_000, 40_000, 2, 20_000, False),
            ("D-callback", 0, agent(3), 240_000, 0, 0, 15_000, False),
            ("E-chat", 0, agent(2), 600_000, 0, 0, 0, False),
            ("F-duplicate", 0, agent(2), 110_000, 0, 0, 5_000, False),
        ]
        assert segments[0]["acw_ended_at"] == dt.datetime(2024, 5, 6, 9, 6, 30)  # AfterContactWorkEndTimestamp
        result = rt.kpi.query(metrics=KPIS, from_date="2024-05-06", to_date="2024-05-06")
        (kpi,) = result.rows
        # AHT: (300+20+30) + (120+0+10) + (200+40+20) + (240+0+15) + (600+0+0) + (110+0+5) = 1710 s / 6 = 285 s
        assert kpi["aht_s"] == pytest.approx(285.0)
        assert kpi["avg_hold_s"] == pytest.approx(60 / 6)  # (20 + 40) / 6 handled
        assert kpi["avg_acw_s"] == pytest.approx(80 / 6)  # (30 + 10 + 20 + 15 + 0 + 5) / 6
        assert kpi["asa_s"] == pytest.approx(161 / 6)  # (30 + 15 + 20 + 81 + 5 + 10) / 6 answered entries
        assert kpi["transfer_rate"] == pytest.approx(1 / 6)  # C1's first leg
        assert (kpi["handled"], kpi["offered"], kpi["answered"], kpi["abandoned"], kpi["callback_requested"]) == (
            6, 8, 6, 1, 1)
    finally:
        rt.close()


def test_chain_legs_in_either_order_end_as_one_contact(tmp_path: Path) -> None:
    """Day 2 first: C2 alone makes contact C1-transfer with one leg; day 1 then adds the first leg."""
    rt = runtime(tmp_path)
    try:
        rt.ingest.ingest("connect-ctr", [DAY2])
        first = rows(rt, "agent_segments", "contact_id", "agent_id")
        assert {"contact_id": "C1-transfer", "agent_id": agent(3)} in first
        rt.ingest.ingest("connect-ctr", [DAY1])
        chain = [s for s in rows(rt, "agent_segments", "contact_id", "segment_seq", "agent_id", "transferred_out")
                 if s["contact_id"] == "C1-transfer"]
        assert [(s["segment_seq"], s["agent_id"], s["transferred_out"]) for s in chain] == [
            (0, agent(1), True), (1, agent(3), False)]
        (contact,) = [c for c in rows(rt, "contacts", "contact_id", "arrived_at", "updated_at")
                      if c["contact_id"] == "C1-transfer"]
        assert contact["arrived_at"] == dt.datetime(2024, 5, 6, 9, 19, 50)  # the first leg's arrival
        # the latest LastUpdateTimestamp (C2's 09:27:10) plus 1 microsecond per extra leg
        assert contact["updated_at"] == dt.datetime(2024, 5, 6, 9, 27, 10, 1)
    finally:
        rt.close()


def test_a_second_run_of_an_unchanged_file_reads_nothing(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    try:
        (first,) = rt.ingest.ingest("connect-ctr", [DAY1])
        (again,) = rt.ingest.ingest("connect-ctr", [DAY1])
        assert first.rows_read == 7
        assert (again.rows_read, again.loaded, again.updated, again.duplicates, again.rejected) == (0, 0, 0, 0, 0)
    finally:
        rt.close()


def test_appended_records_are_read_from_where_the_last_load_stopped(tmp_path: Path) -> None:
    path = tmp_path / "growing.jsonl"
    lines = DAY1.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2]), encoding="utf-8")
    rt = runtime(tmp_path)
    try:
        (first,) = rt.ingest.ingest("connect-ctr", [path])
        with path.open("a", encoding="utf-8") as handle:
            handle.write(lines[2] + "not json\n")
        (second,) = rt.ingest.ingest("connect-ctr", [path])
        assert (first.rows_read, second.rows_read, second.loaded, second.rejected) == (2, 2, 1, 1)
        (bad,) = rt.ingest.quarantine_examples(second.batch_id)
        assert bad.line == 4 and bad.reason.startswith("record 4: not valid JSON")  # numbering carries on
    finally:
        rt.close()


@pytest.mark.parametrize("shape", ["array", "pretty_concatenated", "one_line_concatenated"])
def test_every_file_shape_loads_the_same(tmp_path: Path, shape: str) -> None:
    records = [json.loads(line) for line in DAY1.read_text(encoding="utf-8").splitlines()]
    text = {
        "array": json.dumps(records, indent=2),
        "pretty_concatenated": "".join(json.dumps(r, indent=2) for r in records),
        "one_line_concatenated": "".join(json.dumps(r) for r in records),
    }[shape]
    path = tmp_path / f"{shape}.json"
    path.write_text(text, encoding="utf-8")
    expected_rt, other_rt = runtime(tmp_path, "a"), runtime(tmp_path, "b")
    try:
        expected_rt.ingest.ingest("connect-ctr", [DAY1])
        (report,) = other_rt.ingest.ingest("connect-ctr", [path])
        assert (report.rows_read, report.loaded, report.rejected) == (7, 6, 0)
        for table, cols in [("contacts", ("contact_id", "disposition", "updated_at")),
                            ("agent_segments", ("contact_id", "talk_ms", "acw_ms")),
                            ("queue_entries", ("contact_id", "wait_ms", "outcome"))]:
            assert rows(other_rt, table, *cols) == rows(expected_rt, table, *cols)
    finally:
        expected_rt.close()
        other_rt.close()


def test_gzip_export_is_read(tmp_path: Path) -> None:
    import gzip

    with loaded_file(tmp_path, "ctr.json.gz", gzip.compress(DAY2.read_bytes())) as (_, report):
        assert (report.rows_read, report.loaded, report.rejected) == (3, 3, 0)


def test_bad_records_are_quarantined_with_field_and_reason(tmp_path: Path) -> None:
    good = json.loads(DAY1.read_text(encoding="utf-8").splitlines()[0])

    def variant(**changes: object) -> str:
        record = json.loads(json.dumps(good))
        record["ContactId"] = "unnamed"
        for key, value in changes.items():
            target = record
            *parents, leaf = key.split(".")
            for parent in parents:
                target = target[parent]
            if value is _DROP:
                target.pop(leaf, None)
            else:
                target[leaf] = value
        return json.dumps(record)

    lines = [
        variant(ContactId="ok-1"),  # line 1: loads
        '{"ContactId": "broken", "Channel": ',  # line 2: not JSON
        variant(ContactId=_DROP),  # 3
        variant(**{"ContactId": "bad-time", "InitiationTimestamp": "yesterday"}),  # 4
        variant(**{"ContactId": "neg-talk", "Agent.AgentInteractionDuration": -5}),  # 5
        variant(**{"ContactId": "monitor", "InitiationMethod": "MONITOR"}),  # 6
        variant(**{"ContactId": "fax", "Channel": "FAX"}),  # 7
        variant(**{"ContactId": "no-agent-arn", "Agent.ARN": None}),  # 8
        "[1, 2, 3]",  # 9: JSON, but not an object
        variant(ContactId="ok-2"),  # 10: loads
    ]
    with loaded_file(tmp_path, "bad.jsonl", "\n".join(lines) + "\n") as (rt, report):
        assert (report.rows_read, report.loaded, report.rejected) == (10, 2, 8)
        quarantined = rt.store.table("quarantine").to_pyarrow().to_pylist()
        got = sorted((q["line"], q["field"], q["reason"]) for q in quarantined)
        expected = [
            (2, None, "not valid JSON"),
            (3, "ContactId", "missing ContactId"),
            (4, "InitiationTimestamp", "not an ISO 8601 time: yesterday"),
            (5, "Agent.AgentInteractionDuration", "not a number of seconds >= 0"),
            (6, "InitiationMethod", "a MONITOR record is a supervisor listening in"),
            (7, "Channel", "unknown Channel FAX (Callboard reads VOICE"),
            (8, "Agent.ARN", "connected to an agent but Agent.ARN is missing"),
            (9, None, "not a JSON object"),
        ]
        assert [(line, field) for line, field, _ in got] == [(line, field) for line, field, _ in expected]
        for (line, _, reason), (_, _, start) in zip(got, expected):
            assert reason.startswith(f"record {line}: {start}"), reason
        assert all(q["file"] == str(tmp_path / "bad.jsonl") and q["raw"] for q in quarantined)
        assert sorted(c["contact_id"] for c in rows(rt, "contacts", "contact_id")) == ["ok-1", "ok-2"]


class _Drop:
    pass


_DROP = _Drop()


def test_identity_mapping_turns_agent_arns_into_callboard_agents(tmp_path: Path) -> None:
    rt = runtime(tmp_path)
    try:
        rt.ingest.map_identities([("amazon_connect", agent(1), "alice")])
        (report,) = rt.ingest.ingest("connect-ctr", [DAY1])
        assert agent(2) in report.unmapped_identities and agent(1) not in report.unmapped_identities
        ids = {s["agent_id"] for s in rows(rt, "agent_segments", "agent_id")}
        assert ids == {"alice", agent(2)}
    finally:
        rt.close()


def test_the_cli_lists_the_connector(tmp_path: Path) -> None:
    from callboard.ingest.registry import get_connector

    connector = get_connector("connect-ctr")
    assert connector.default_source == "amazon_connect" and "ContactId" in connector.valid_record
