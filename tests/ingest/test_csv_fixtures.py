"""Every fixture loads with its suggested mapping, unedited, with zero rejects and the hand-worked values
written beside it (fixtures/*.expected.yaml); re-ingesting adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from callboard.ingest.mapping import load_mapping
from tests.ingest.ingest_csv_helpers import FIXTURES, as_naive, counts, query

CASES = sorted(p.name.removesuffix(".expected.yaml") for p in FIXTURES.glob("*.expected.yaml"))


def _data_file(stem: str) -> Path:
    matches = [p for p in FIXTURES.glob(stem + ".*") if not p.name.endswith(".yaml")]
    assert len(matches) == 1, matches
    return matches[0]


def _check(runtime, expected: dict) -> None:  # type: ignore[no-untyped-def]
    for check in expected["checks"]:
        where = check["where"]
        clause = " AND ".join(f'"{k}" = ?' for k in where)
        rows = query(runtime, f'SELECT * FROM "{check["table"]}" WHERE {clause}', [as_naive(v) for v in where.values()])
        assert len(rows) == 1, (check, rows)
        for key, want in check["expect"].items():
            got = rows[0][key]
            if isinstance(want, float):
                assert got == pytest.approx(want), (check["table"], where, key)
            else:
                assert got == as_naive(want), (check["table"], where, key, got, want)


@pytest.mark.parametrize("stem", CASES)
def test_fixture_loads_with_its_suggested_mapping(stem: str, runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expected = yaml.safe_load((FIXTURES / f"{stem}.expected.yaml").read_text())
    runtime = runtime_factory(time_zone=expected["time_zone"])
    data = _data_file(stem)
    mapping_path = runtime.ingest.suggest_mapping(data, tmp_path / f"{stem}.yaml")
    load_mapping(mapping_path)  # the suggestion is a valid mapping as written, used below unchanged

    [report] = runtime.ingest.ingest_csv([data], mapping=mapping_path)
    assert report.rejected == 0, runtime.ingest.quarantine_examples(report.batch_id)
    assert report.rows_read == expected["rows_read"]
    assert report.loaded == expected["rows_read"]
    tables = list(expected["counts"])
    assert counts(runtime, tables) == expected["counts"]
    _check(runtime, expected)

    [again] = runtime.ingest.ingest_csv([data], mapping=mapping_path)
    assert (again.loaded, again.updated, again.duplicates, again.rejected) == (0, 0, expected["rows_read"], 0)
    assert counts(runtime, tables) == expected["counts"]


def test_without_a_mapping_one_is_inferred(runtime_factory) -> None:  # type: ignore[no-untyped-def]
    expected = yaml.safe_load((FIXTURES / "calls_semicolon.expected.yaml").read_text())
    runtime = runtime_factory(time_zone="UTC")
    [report] = runtime.ingest.ingest_csv([FIXTURES / "calls_semicolon.csv"], mapping=None)
    assert (report.loaded, report.rejected) == (4, 0)
    _check(runtime, expected)


def test_suggested_mapping_reads_like_the_docs(runtime_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = runtime_factory()
    out = runtime.ingest.suggest_mapping(FIXTURES / "intervals.csv", tmp_path / "m.yaml", source="acd")
    mapping = load_mapping(out)
    assert mapping.kind == "intervals"
    assert mapping.source == "acd"
    assert mapping.intervals.interval_minutes == 30
    assert mapping.intervals.service_level_threshold_s == 20
    assert mapping.fields["interval_start"].date == "Date"
    assert mapping.fields["interval_start"].time == "Interval"
    assert mapping.fields["offered"].column == "Calls Offered"
    text = out.read_text()
    assert text.startswith("# Callboard mapping suggested from intervals.csv")
    assert "time_zone" in text


def test_common_export_names_are_recognised(tmp_path: Path) -> None:
    from callboard.ingest.suggest import suggest

    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "Contact Id,Date,Time,Skill,Agent Name,Team,Queue Time,Talk Time,Hold Time,Wrap Up,Handle Time,Abandoned,"
        "Transferred,ANI,Media Type,Disposition,Resolved,CSAT,NPS\n"
        "A1,2024-05-02,08:15:00,Sales,Eve,Blue,0:00:09,0:03:00,0:00:20,0:00:40,0:04:00,no,no,555,Voice,Sale,yes,5,10\n"
        "A2,2024-05-02,08:16:00,Sales,,,0:01:09,,,,,yes,no,556,Chat,,,,\n"
    )
    fields = {name: (spec.column, spec.date, spec.time) for name, spec in suggest(contacts).mapping.fields.items()}
    assert fields == {
        "contact_id": ("Contact Id", None, None), "arrived_at": (None, "Date", "Time"),
        "wait_ms": ("Queue Time", None, None), "talk_ms": ("Talk Time", None, None),
        "hold_ms": ("Hold Time", None, None), "acw_ms": ("Wrap Up", None, None),
        "handle_ms": ("Handle Time", None, None), "abandoned": ("Abandoned", None, None),
        "transferred": ("Transferred", None, None), "disposition": ("Disposition", None, None),
        "resolved": ("Resolved", None, None), "csat": ("CSAT", None, None), "nps": ("NPS", None, None),
        "customer_id": ("ANI", None, None), "channel": ("Media Type", None, None),
        "queue_id": ("Skill", None, None), "agent_id": ("Agent Name", None, None), "team_id": ("Team", None, None),
    }
    other = tmp_path / "other.csv"
    other.write_text(
        "Call ID,Start Time,Queue,Agent,Wait Time,ACW,Answered,Caller,Channel,Customer\n"
        "Z1,2024-05-02 08:15,Support,u1,12,30,Y,c1,Email,k1\n"
    )
    fields = {name: spec.column for name, spec in suggest(other).mapping.fields.items()}
    assert fields == {
        "contact_id": "Call ID", "arrived_at": "Start Time", "wait_ms": "Wait Time", "acw_ms": "ACW",
        "answered": "Answered", "customer_id": "Customer", "channel": "Channel", "queue_id": "Queue",
        "agent_id": "Agent",
    }
    intervals = tmp_path / "intervals.csv"
    intervals.write_text(
        "Interval,Queue,Offered,Answered,Abandoned,AHT,ASA,Service Level\n"
        "2024-05-02 08:00,Sales,10,9,1,240,15,80%\n2024-05-02 08:15,Sales,12,12,0,200,5,100%\n"
    )
    suggestion = suggest(intervals)
    assert suggestion.mapping.kind == "intervals"
    assert suggestion.mapping.intervals.interval_minutes == 15
    assert {n: s.column for n, s in suggestion.mapping.fields.items()} == {
        "interval_start": "Interval", "offered": "Offered", "answered": "Answered", "abandoned": "Abandoned",
        "service_level": "Service Level", "aht_ms": "AHT", "asa_ms": "ASA", "queue_id": "Queue",
    }


def test_cli_suggests_and_says_when_it_infers(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from callboard.cli.main import app

    out = tmp_path / "m.yaml"
    data_dir = str(tmp_path / "d")
    result = CliRunner().invoke(app, ["ingest", "csv", str(FIXTURES / "intervals.csv"), "--suggest-mapping",
                                      str(out), "--data-dir", data_dir])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stdout and out.exists()
    result = CliRunner().invoke(app, ["ingest", "csv", str(FIXTURES / "intervals.csv"), "--data-dir", data_dir])
    assert result.exit_code == 0, result.output
    assert "no --mapping given: inferring one" in result.stdout
    assert "intervals.csv: read 3, loaded 3, updated 0, duplicates skipped 0, rejected 0" in result.stdout
