"""The bulk split of CTR files (connect_json_fast) and its fall-back to the careful split.

JSON lines and Firehose-concatenated objects are cut into records without decoding them; a file in which
some record is then not valid JSON is split again record by record. These tests pin that both routes give
the records, line numbers and quarantine a user expects.
"""

from __future__ import annotations

import json
from pathlib import Path

from callboard.ingest.connectors.connect_json import recheck, split_records
from tests.ingest.connectors.connect.helpers import FIXTURES, loaded_file, rows

_BASE = json.loads((FIXTURES / "ctr_day1.jsonl").read_text(encoding="utf-8").splitlines()[0])


def _record(contact_id: str, topic: str = "billing", indent: int | None = None) -> str:
    record = json.loads(json.dumps(_BASE))
    record["ContactId"] = contact_id
    record["Attributes"] = {"topic": topic}
    return json.dumps(record, indent=indent)


def _is_record(value: object) -> bool:
    return isinstance(value, dict) and "ContactId" in value


def test_concatenated_objects_are_cut_in_bulk_and_left_for_the_parser_to_check() -> None:
    data = (_record("a") + _record("b") + " \n" + _record("c")).encode()
    records = split_records(data, file="f", first_line=1, first_record=1, shape=_is_record)
    assert records.checked is False  # the bulk cut, not the careful walk
    texts = records.table.column("text").to_pylist()
    assert [json.loads(t)["ContactId"] for t in texts] == ["a", "b", "c"]
    assert records.table.column("record").to_pylist() == [1, 2, 3]
    assert records.table.column("line").to_pylist() == [1, 1, 2]  # "c" starts after the one line end
    assert (records.rows_read, records.next_record, records.next_line) == (3, 4, 2)


def test_a_cut_inside_a_string_is_caught_and_the_careful_split_keeps_the_value(tmp_path: Path) -> None:
    # "}{" inside an attribute value: the bulk cut splits that record in two halves that are not JSON, the
    # parse fails, and the careful walk reads both records whole.
    data = (_record("curly", topic="a}{b") + _record("plain")).encode()
    cut = split_records(data, file="f", first_line=1, first_record=1, shape=_is_record)
    assert cut.table.num_rows == 3  # the wrong cut: 2 halves + the second record
    careful = recheck(data, file="f", first_line=1, first_record=1, shape=_is_record)
    assert [json.loads(t)["ContactId"] for t in careful.table.column("text").to_pylist()] == ["curly", "plain"]
    with loaded_file(tmp_path, "firehose.json", data) as (rt, report):
        assert (report.rows_read, report.loaded, report.rejected) == (2, 2, 0)
        assert rows(rt, "contacts", "contact_id", "topic") == [
            {"contact_id": "curly", "topic": "a}{b"}, {"contact_id": "plain", "topic": "billing"}]


def test_firehose_file_with_a_broken_record_loads_its_neighbours(tmp_path: Path) -> None:
    # record 1 good, record 2 cut short (no closing brace), record 3 good: all on one line, as Firehose writes.
    data = (_record("first") + '{"ContactId": "broken", "Channel": ' + _record("third")).encode()
    with loaded_file(tmp_path, "firehose.json", data) as (rt, report):
        assert (report.rows_read, report.loaded, report.rejected) == (3, 2, 1)
        (bad,) = rt.ingest.quarantine_examples(report.batch_id)
        assert bad.line == 1 and bad.reason.startswith("record 2: not valid JSON")
        assert [r["contact_id"] for r in rows(rt, "contacts", "contact_id")] == ["first", "third"]


def test_lines_mixing_good_a_broken_line_and_a_concatenated_pair(tmp_path: Path) -> None:
    lines = [
        _record("L1"),  # line 1: record 1
        '{"ContactId": "broken", "Channel": ',  # line 2: record 2, not JSON
        _record("L3a") + _record("L3b"),  # line 3: records 3 and 4, two objects on one line
        _record("L4"),  # line 4: record 5
    ]
    with loaded_file(tmp_path, "mixed.jsonl", "\n".join(lines) + "\n") as (rt, report):
        assert (report.rows_read, report.loaded, report.rejected) == (5, 4, 1)
        (bad,) = rt.ingest.quarantine_examples(report.batch_id)
        assert bad.line == 2 and bad.reason.startswith("record 2: not valid JSON")
        assert [r["contact_id"] for r in rows(rt, "contacts", "contact_id")] == ["L1", "L3a", "L3b", "L4"]


def test_pretty_concatenated_rejection_names_the_line_the_record_starts_on(tmp_path: Path) -> None:
    first = _record("ok", indent=2)
    bad = json.loads(_record("late", indent=2))
    bad["InitiationTimestamp"] = "yesterday"
    text = first + "\n" + json.dumps(bad, indent=2)
    # the bad record starts after every line end of `first` plus the separator: line count + 2
    expected_line = first.count("\n") + 2
    with loaded_file(tmp_path, "pretty.json", text) as (rt, report):
        assert (report.rows_read, report.loaded, report.rejected) == (2, 1, 1)
        (rejected,) = rt.ingest.quarantine_examples(report.batch_id)
        assert rejected.line == expected_line
        assert rejected.reason == "record 2: not an ISO 8601 time: yesterday"
