"""Open conversations completed by a later file, idempotent re-runs, and the cursor over JSON lines."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.ingest.connectors.genesys.genesys_helpers import ALL_FIXTURES, FIXTURES, load, rows
from tests.ingest.ingest_csv_helpers import counts

TABLES = ["contacts", "queue_entries", "agent_segments", "quarantine"]


def test_open_conversation_is_completed_by_a_later_file(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    [first] = load(runtime, "open.jsonl")
    assert (first.loaded, first.updated) == (2, 0)
    contacts = {c["contact_id"]: c for c in rows(runtime, "contacts", "contact_id")}
    assert contacts["c-open-1"]["is_open"] is True and contacts["c-open-1"]["ended_at"] is None
    [open_segment] = rows(runtime, "agent_segments", "contact_id")
    # bob is still talking: talk and wrap-up unknown (NULL, so AHT leaves the segment out), not 0
    assert (open_segment["talk_ms"], open_segment["acw_ms"], open_segment["acw_ended_at"]) == (None, None, None)
    # c-open-2 is still waiting in Q-SUPPORT: no queue entry until it leaves the queue
    assert [e["contact_id"] for e in rows(runtime, "queue_entries", "contact_id")] == ["c-open-1"]
    [kpi] = runtime.kpi.query(metrics="aht_s,handled").rows
    assert (kpi["aht_s"], kpi["handled"]) == (None, 1)

    [second] = load(runtime, "closed.json")
    assert (second.rows_read, second.loaded, second.updated, second.duplicates) == (1, 0, 1, 0)
    contacts = {c["contact_id"]: c for c in rows(runtime, "contacts", "contact_id")}
    assert contacts["c-open-1"]["is_open"] is False
    assert contacts["c-open-1"]["disposition"] == "wc-fixed"
    assert contacts["c-open-2"]["is_open"] is True  # not in the second file: unchanged
    [closed_segment] = rows(runtime, "agent_segments", "contact_id")  # replaced, not added
    assert (closed_segment["talk_ms"], closed_segment["acw_ms"]) == (240000, 30000)  # 14:00:11 -> 14:04:11; 30 s
    [kpi] = runtime.kpi.query(metrics="aht_s").rows
    assert kpi["aht_s"] == 270.0  # (240000 + 0 + 30000) ms = tHandle 270000

    [stale] = load(runtime, "open.jsonl")  # the old open version again: cursor says nothing new
    assert (stale.rows_read, stale.loaded, stale.updated) == (0, 0, 0)
    assert rows(runtime, "contacts", "contact_id")[0]["is_open"] is False


def test_an_older_open_version_never_replaces_the_closed_one(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    load(runtime, "closed.json")
    copy = tmp_path / "open_again.jsonl"  # a new path, so no cursor: read in full, offered to the store
    shutil.copy(FIXTURES / "open.jsonl", copy)
    [report] = load(runtime, copy)
    assert (report.loaded, report.updated, report.duplicates) == (1, 0, 1)  # c-open-2 new; c-open-1 older
    contact = [c for c in rows(runtime, "contacts", "contact_id") if c["contact_id"] == "c-open-1"][0]
    assert contact["is_open"] is False


def test_both_versions_in_one_file_keep_the_closed_one(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    closed_line = (FIXTURES / "closed.json").read_text()
    import json

    both = tmp_path / "both.jsonl"
    closed = json.dumps(json.loads(closed_line)["conversations"][0])
    both.write_text(closed + "\n" + (FIXTURES / "open.jsonl").read_text())  # closed first, open after
    [report] = load(runtime, both)
    assert (report.rows_read, report.loaded, report.duplicates) == (3, 2, 1)
    [segment] = rows(runtime, "agent_segments", "contact_id")
    assert segment["talk_ms"] == 240000  # the closed version's segment, not the open one's


def test_rerunning_the_same_files_adds_nothing(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    load(runtime, *ALL_FIXTURES)
    before = counts(runtime, TABLES)
    assert before == {"contacts": 8, "queue_entries": 7, "agent_segments": 5, "quarantine": 0}
    again = load(runtime, *ALL_FIXTURES)
    assert [(r.rows_read, r.loaded, r.updated) for r in again] == [(0, 0, 0)] * 3  # the cursors: nothing new
    assert counts(runtime, TABLES) == before
    # the same content under new names (no cursor): read in full, every conversation a duplicate
    copies = []
    for name in ALL_FIXTURES:
        shutil.copy(FIXTURES / name, tmp_path / name)
        copies.append(tmp_path / name)
    reports = load(runtime, *copies)
    assert [(r.rows_read, r.loaded, r.updated, r.duplicates) for r in reports] == [(1, 0, 0, 1), (4, 0, 0, 4), (3, 0, 0, 3)]
    assert counts(runtime, TABLES) == before


def test_a_growing_json_lines_file_is_read_from_its_first_new_line(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    lines = (FIXTURES / "chat_message_outbound.jsonl").read_text().splitlines(keepends=True)
    grow = tmp_path / "export.jsonl"
    grow.write_text(lines[0] + lines[1][:40])  # the second line is still being written
    [first] = load(runtime, grow)
    assert (first.rows_read, first.loaded, first.rejected) == (1, 1, 0)  # the partial line is left for later
    grow.write_text(lines[0] + lines[1] + lines[2] + "{broken\n")
    [second] = load(runtime, grow)
    assert (second.rows_read, second.loaded, second.rejected) == (3, 2, 1)
    [bad] = runtime.ingest.quarantine_examples(second.batch_id)
    assert bad.line == 4  # physical line numbers continue across reads
    assert counts(runtime, ["contacts"]) == {"contacts": 3}
