"""The published conversation-detail example (an inbound chat) loads with the numbers worked out from it."""

from __future__ import annotations

import datetime as dt

from tests.ingest.connectors.genesys.genesys_helpers import SPEC_EXAMPLE, load, platform_figures, rows

CID = "1bc96a39-6725-40c4-9345-db72aa67b8c6"
QUEUE = "a623d83c-96d7-4baa-af1f-d46ad6700d8b"
AGENT = "50fcd33c-f432-4726-abc9-979f3ca01555"  # the agent participant's userId: a source identity


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_example_contact_queue_entry_and_agent_segment(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    [report] = load(runtime, SPEC_EXAMPLE)
    assert (report.rows_read, report.loaded, report.rejected) == (1, 1, 0)
    assert report.unmapped_identities == (AGENT,)

    [contact] = rows(runtime, "contacts", "contact_id")
    assert contact["contact_id"] == CID
    assert contact["source"] == "genesys_cloud"
    assert contact["channel"] == "chat"  # mediaType chat
    assert contact["direction"] == "inbound"  # originatingDirection
    assert contact["arrived_at"] == ts("2021-04-01 12:27:53.386")  # conversationStart
    assert contact["ended_at"] == ts("2021-04-01 12:43:23.306")  # conversationEnd
    assert contact["is_open"] is False
    assert contact["updated_at"] == ts("2021-04-01 12:43:23.306")  # latest stamp = conversationEnd = hold end
    assert contact["customer_id"] is None  # a web chat: no ANI, no external contact
    assert contact["disposition"] is None and contact["bot_only"] is False

    [entry] = rows(runtime, "queue_entries", "entry_seq")
    assert entry["queue_id"] == QUEUE
    assert entry["enqueued_at"] == ts("2021-04-01 12:27:53.388")  # ACD segment start
    assert entry["dequeued_at"] == ts("2021-04-01 12:28:04.567")  # ACD segment end
    assert entry["wait_ms"] == 11179  # 04.567 - 53.388 = 11.179 s = tAcd
    assert entry["outcome"] == "answered"  # the agent's interact began at 04.569
    assert entry["raw_exit_reason"] == "transfer"  # the ACD segment's disconnectType
    assert entry["agent_id"] == AGENT

    [segment] = rows(runtime, "agent_segments", "segment_seq")
    assert segment["agent_id"] == AGENT and segment["queue_id"] == QUEUE
    assert segment["connected_at"] == ts("2021-04-01 12:28:04.569")  # interact start
    assert segment["talk_ms"] == 374561  # 12:34:19.130 - 12:28:04.569 = tTalk
    assert segment["hold_ms"] == 544176  # 12:43:23.306 - 12:34:19.130 = tHeld
    assert segment["hold_count"] == 1
    assert segment["acw_ms"] == 0  # no wrapup segment, no tAcw
    assert segment["contacting_ms"] == 11050  # alert 04.569 - 53.519 = tAlert
    assert segment["dial_ms"] == 0
    assert segment["acw_ended_at"] == ts("2021-04-01 12:43:23.306")  # the session's last segment end
    assert segment["transferred_out"] is False  # its last disconnectType is peer


def test_example_agrees_with_the_platform_metrics(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    """specs/README: tHandle 918737 = tTalk 374561 + tHeld 544176; Callboard's talk + hold + ACW agrees."""
    runtime = runtime_factory()
    load(runtime, SPEC_EXAMPLE)
    [segment] = rows(runtime, "agent_segments", "segment_seq")
    [figures] = platform_figures(SPEC_EXAMPLE)
    assert (figures.t_talk, figures.t_held, figures.t_handle) == (374561, 544176, 918737)
    assert abs(segment["talk_ms"] - figures.t_talk) <= 1
    assert abs(segment["talk_ms"] + segment["hold_ms"] + segment["acw_ms"] - figures.t_handle) <= 1


def test_example_kpis(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    load(runtime, SPEC_EXAMPLE)
    result = runtime.kpi.query(metrics="aht_s,asa_s,avg_hold_s,abandon_rate,handled,offered")
    [row] = result.rows
    assert row["aht_s"] == 918.737  # (374561 + 544176 + 0) ms / 1 segment
    assert row["asa_s"] == 11.179  # one answered entry waiting 11179 ms
    assert row["avg_hold_s"] == 544.176
    assert row["abandon_rate"] == 0.0  # 0 abandoned of 1 offered
    assert (row["handled"], row["offered"]) == (1, 1)
