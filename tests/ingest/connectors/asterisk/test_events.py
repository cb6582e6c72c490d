"""Every queue_log event of specs/asterisk/queue-log-event-fields.csv has a fixture with hand-worked rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime
from tests.ingest.connectors.asterisk.expected_events import EXPECTED
from tests.ingest.connectors.asterisk.helpers import CALL_TABLES, EVENTS, project, read, rows

SPEC_CSV = Path("/work/shared/specs/asterisk/queue-log-event-fields.csv")
REPO_SPEC_CSV = Path(__file__).parent / "fixtures" / "queue-log-event-fields.csv"


def _spec_events() -> list[str]:
    path = SPEC_CSV if SPEC_CSV.exists() else REPO_SPEC_CSV
    with path.open(newline="", encoding="utf-8") as handle:
        return ["custom" if r["event"] == "(custom)" else r["event"] for r in csv.DictReader(handle)]


def test_every_event_in_the_spec_has_a_fixture_and_expectation() -> None:
    events = _spec_events()
    assert len(events) == 30, events  # the CSV lists 30 rows, (custom) included
    missing = [e for e in events if not (EVENTS / f"{e}.log").exists() or e not in EXPECTED]
    assert not missing, f"events without a fixture or expectation: {missing}"


def test_the_repo_copy_of_the_spec_csv_matches_the_shared_spec() -> None:
    if not SPEC_CSV.exists():
        pytest.skip("shared spec directory not mounted")
    assert REPO_SPEC_CSV.read_bytes() == SPEC_CSV.read_bytes()


@pytest.mark.parametrize("event", sorted(EXPECTED))
def test_event_fixture_rows(event: str, tmp_path: Path) -> None:
    path = EVENTS / f"{event}.log"
    batch = read(path, tmp_path)
    assert batch.rejections == [], batch.rejections
    assert batch.rows_read == len(path.read_text().splitlines())
    for table in CALL_TABLES:
        expected = EXPECTED[event].get(table, [])
        found = rows(batch, table)
        assert len(found) == len(expected), (table, found)
        assert project(found, expected) == expected, table


def test_all_fixtures_load_into_a_store_and_reload_adds_nothing(tmp_path: Path) -> None:
    runtime = build_runtime(load_settings(tmp_path / "data"))
    try:
        files = sorted(EVENTS.glob("*.log"))
        first = runtime.ingest.ingest("queue-log", files)
        assert sum(r.rejected for r in first) == 0
        again = runtime.ingest.ingest("queue-log", files)  # same cursors: nothing new to read
        assert sum(r.rows_read + r.loaded + r.updated for r in again) == 0
        # contacts: one per fixture call; EXPECTED lists each (fixtures reuse call ids across files)
        expected_contacts = {(c["contact_id"]) for e in EXPECTED.values() for c in e.get("contacts", [])}
        found = {r[0] for r in runtime.store.raw.execute("SELECT DISTINCT contact_id FROM contacts").fetchall()}
        assert found == expected_contacts
    finally:
        runtime.close()
