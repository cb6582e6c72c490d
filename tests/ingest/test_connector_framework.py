"""The connector framework: third-party plug-ins via entry points, cursors, identity mapping.

A tiny plug-in ("state-log", lines `record_id|agent|state|start|end`) is installed into a temporary
directory as a real distribution with an entry point, so discovery goes through importlib.metadata
exactly as it would for a pip-installed package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.core.errors import NotFound
from callboard.core.settings import Settings
from callboard.ingest import registry
from callboard.runtime.runtime import Runtime, build_runtime

PLUGIN = '''
"""A third-party Callboard connector used by the framework tests."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from callboard.ingest.connector import ConnectorOption
from callboard.records.batch import Cursor, LoadBatch, Rejection


@dataclass(frozen=True)
class StateLog:
    name: str = "state-log"
    default_source: str = "statelog"
    summary: str = "Agent states from a pipe-separated log."
    valid_record: str = "a line with five fields and ISO times"
    options: tuple = (ConnectorOption("fail_on", "make the load fail on this agent (tests)", "str", None),)
    follows: bool = True

    def read(self, path, *, cursor, options, context):
        data = Path(path).read_bytes()
        start = cursor.position if cursor else 0
        end = data.rfind(b"\\n") + 1
        batch = LoadBatch(source=context.source, file=str(path), file_sha256=hashlib.sha256(data).hexdigest())
        rows = {k: [] for k in ("source", "record_id", "agent_id", "state", "reason", "paid", "started_at", "ended_at")}
        line_no = data[:start].count(b"\\n")
        for raw in data[start:end].decode().splitlines():
            line_no += 1
            batch.rows_read += 1
            parts = raw.split("|")
            if len(parts) != 5:
                batch.rejections.append(Rejection(str(path), line_no, None, "expected 5 fields", raw))
                continue
            state = None if parts[1] == options["fail_on"] else parts[2]
            for key, value in zip(("source", "record_id", "agent_id", "state", "reason", "paid"),
                                  (context.source, parts[0], parts[1], state, None, True)):
                rows[key].append(value)
            rows["started_at"].append(dt.datetime.fromisoformat(parts[3]))
            rows["ended_at"].append(dt.datetime.fromisoformat(parts[4]) if parts[4] else None)
        if rows["record_id"]:
            table = pa.table(rows)
            if options["fail_on"]:
                batch.tables["agent_states"] = table  # bypass the cast: the store rejects the NULL state
            else:
                batch.add("agent_states", table)
        batch.cursor = Cursor(connector=self.name, stream=context.stream, position=end)
        return batch


CONNECTOR = StateLog()
'''


@pytest.fixture()
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    (site / "statelog_plugin").mkdir(parents=True)
    (site / "statelog_plugin" / "__init__.py").write_text(PLUGIN)
    info = site / "statelog_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: statelog-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[callboard.connectors]\nstate-log = statelog_plugin:CONNECTOR\n")
    monkeypatch.syspath_prepend(str(site))
    registry.connectors.cache_clear()
    yield site
    registry.connectors.cache_clear()
    sys.modules.pop("statelog_plugin", None)


@pytest.fixture()
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    with build_runtime(Settings(data_dir=tmp_path / "data")) as rt:
        yield rt


def _states(runtime: Runtime) -> list[tuple[str, str, str]]:
    t = runtime.store.table("agent_states")
    rows = t.select("record_id", "agent_id", "state").order_by("record_id").to_pyarrow().to_pylist()
    return [(r["record_id"], r["agent_id"], r["state"]) for r in rows]


def test_entry_point_plugin_is_discovered_and_loads(plugin_path: Path, runtime: Runtime, tmp_path: Path) -> None:
    assert "state-log" in registry.connectors()
    log = tmp_path / "states.log"
    log.write_text("r1|PJSIP/1001|available|2026-11-02T09:00:00|2026-11-02T09:30:00\nbroken line\n")
    [report] = runtime.ingest.ingest("state-log", [log])
    assert (report.source, report.rows_read, report.loaded, report.rejected) == ("statelog", 2, 1, 1)
    assert runtime.ingest.quarantine_examples(report.batch_id)[0].line == 2
    assert report.unmapped_identities == ("PJSIP/1001",)


def test_cursor_reads_only_what_is_new_and_waits_for_a_complete_line(
    plugin_path: Path, runtime: Runtime, tmp_path: Path
) -> None:
    log = tmp_path / "states.log"
    log.write_text("r1|a001|available|2026-11-02T09:00:00|2026-11-02T09:30:00\nr2|a001|aux|2026-11-02T09:3")
    [first] = runtime.ingest.ingest("state-log", [log])
    assert (first.rows_read, first.loaded) == (1, 1)  # the partial second line waits
    with log.open("a") as handle:
        handle.write("0:00|2026-11-02T09:45:00\n")
    [second] = runtime.ingest.ingest("state-log", [log])
    assert (second.rows_read, second.loaded, second.duplicates) == (1, 1, 0)  # r1 is not read again
    [third] = runtime.ingest.ingest("state-log", [log])
    assert third.rows_read == 0
    assert [r[0] for r in _states(runtime)] == ["r1", "r2"]


def test_a_failed_load_keeps_the_cursor_where_it_was(plugin_path: Path, runtime: Runtime, tmp_path: Path) -> None:
    log = tmp_path / "states.log"
    log.write_text("r1|a001|available|2026-11-02T09:00:00|2026-11-02T09:30:00\n")
    runtime.ingest.ingest("state-log", [log])
    with log.open("a") as handle:
        handle.write("r2|boom|aux|2026-11-02T09:30:00|2026-11-02T09:45:00\n")
    with pytest.raises(Exception, match="(?i)null|constraint"):
        runtime.ingest.ingest("state-log", [log], options={"fail_on": "boom"})
    # nothing of the failed batch landed, and its cursor did not move: the fixed rerun reads r2 again
    assert _states(runtime) == [("r1", "a001", "available")]
    [rerun] = runtime.ingest.ingest("state-log", [log])
    assert (rerun.rows_read, rerun.loaded) == (1, 1)


def test_identity_mapping_applies_to_new_loads_and_rewrites_stored_rows(
    plugin_path: Path, runtime: Runtime, tmp_path: Path
) -> None:
    log = tmp_path / "states.log"
    log.write_text("r1|PJSIP/1001|available|2026-11-02T09:00:00|2026-11-02T09:30:00\n")
    [first] = runtime.ingest.ingest("state-log", [log])
    assert first.unmapped_identities == ("PJSIP/1001",)
    mapping = tmp_path / "identities.csv"
    mapping.write_text("source,source_identity,agent_id\nstatelog,PJSIP/1001,a001\nstatelog,PJSIP/1002,a002\n")
    assert runtime.ingest.map_identities_file(mapping).rows_moved == 1  # r1 moves to a001
    with log.open("a") as handle:
        handle.write("r2|PJSIP/1002|aux|2026-11-02T09:00:00|2026-11-02T09:10:00\n")
    [second] = runtime.ingest.ingest("state-log", [log])
    assert second.unmapped_identities == ()
    assert _states(runtime) == [("r1", "a001", "available"), ("r2", "a002", "aux")]
    assert ("statelog", "PJSIP/1001", "a001") in runtime.ingest.identities("statelog")


def test_unknown_connector_lists_the_valid_names(runtime: Runtime, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="unknown connector 'nope'") as err:
        runtime.ingest.ingest("nope", [tmp_path / "x"])
    assert "valid connectors:" in (err.value.hint or "")


def test_cli_lists_and_runs_a_plugin(plugin_path: Path, tmp_path: Path) -> None:
    log = tmp_path / "states.log"
    log.write_text("r1|PJSIP/1001|available|2026-11-02T09:00:00|2026-11-02T09:30:00\n")
    env = {**os.environ, "PYTHONPATH": str(plugin_path), "COLUMNS": "200"}
    listed = subprocess.run([sys.executable, "-m", "callboard.cli.main", "connectors", "list"],
                            capture_output=True, text=True, env=env, check=True)
    assert "state-log" in listed.stdout and "--fail-on" in listed.stdout
    data_dir = tmp_path / "cli-data"
    ran = subprocess.run(
        [sys.executable, "-m", "callboard.cli.main", "ingest", "state-log", str(log), "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env,
    )
    assert ran.returncode == 0, ran.stderr
    assert "read 1, loaded 1" in ran.stdout
    assert "unmapped identities" in ran.stdout and "PJSIP/1001" in ran.stdout
    mapped = subprocess.run(
        [sys.executable, "-m", "callboard.cli.main", "identities", "map", "statelog", "PJSIP/1001", "a001",
         "--data-dir", str(data_dir)], capture_output=True, text=True, env=env,
    )
    assert mapped.returncode == 0, mapped.stderr
    assert "1 stored rows moved" in mapped.stdout
