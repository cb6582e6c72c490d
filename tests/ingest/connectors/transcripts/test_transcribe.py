"""Transcribe Call Analytics output (derived from the spec's compiled example, fixtures/README.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from callboard.runtime.runtime import Runtime
from tests.ingest.connectors.transcripts.helpers import TCA, metrics, turns


def test_turns_and_characteristics(runtime: Runtime) -> None:
    [report] = runtime.ingest.ingest("transcribe", [TCA])
    got = turns(runtime, "tca-contact-0001")  # the file's JobName
    assert [(t["participant"], t["begin_offset_ms"], t["end_offset_ms"], t["sentiment"]) for t in got] == [
        ("agent", 12180, 16960, "negative"), ("customer", 17140, 19860, "positive"),
        ("agent", 31800, 39450, "positive"), ("customer", 40040, 42460, "positive"),
    ]
    assert got[0]["text"].startswith("That's very sad to hear.")
    # loudness means: (80.22+79.48+82.81)/3 = 80.8367 -> 80.84; (78.54+68.76+67.76)/3 = 71.6867 -> 71.69
    assert [t["loudness_score"] for t in got] == [None, 80.84, None, 71.69]
    assert all(t["source"] == "amazon_transcribe" for t in got)
    m = metrics(runtime, "tca-contact-0001")
    assert m[("talk_time_ms", "agent", 0)] == 32750 and m[("talk_time_ms", "customer", 0)] == 18010
    assert m[("talk_time_ms", "all", 0)] == 50760 and m[("conversation_duration_ms", "all", 0)] == 42460
    assert m[("interruption_count", "all", 0)] == 2 and m[("interruption_time_ms", "all", 0)] == 10700
    # one listed interruption each: agent 5510 ms, customer 5190 ms (5510 + 5190 = 10700 = TotalTimeMillis)
    assert (m[("interruption_count", "agent", 0)], m[("interruption_time_ms", "agent", 0)]) == (1, 5510)
    assert (m[("interruption_count", "customer", 0)], m[("interruption_time_ms", "customer", 0)]) == (1, 5190)
    assert m[("talk_speed_wpm", "agent", 0)] == 150 and m[("talk_speed_wpm", "customer", 0)] == 167
    assert m[("sentiment_overall_score", "agent", 0)] == 2.5 and m[("sentiment_overall_score", "customer", 0)] == 2.1
    assert [m[("sentiment_quarter_score", "customer", q)] for q in (1, 2, 3, 4)] == [-2.5, 5, 2.5, 5]
    assert m[("non_talk_time_ms", "all", 0)] == 0
    assert (report.rows_read, report.loaded, report.rejected) == (4 + 24, 4 + 24, 0)


def test_contact_id_option_overrides_the_job_name(runtime: Runtime) -> None:
    runtime.ingest.ingest("transcribe", [TCA], options={"contact_id": "connect-123"})
    assert len(turns(runtime, "connect-123")) == 4 and turns(runtime, "tca-contact-0001") == []


def test_without_job_name_the_file_name_is_the_contact_id(runtime: Runtime, tmp_path: Path) -> None:
    doc = json.loads(TCA.read_text())
    del doc["JobName"]
    path = tmp_path / "call-42.json"
    path.write_text(json.dumps(doc))
    runtime.ingest.ingest("transcribe", [path])
    assert len(turns(runtime, "call-42")) == 4


def test_second_run_adds_nothing(runtime: Runtime, tmp_path: Path) -> None:
    [first] = runtime.ingest.ingest("transcribe", [TCA])
    copy = tmp_path / "again.json"
    shutil.copy(TCA, copy)
    [again] = runtime.ingest.ingest("transcribe", [copy])
    assert first.loaded == 28 and (again.loaded, again.duplicates) == (0, 28)
