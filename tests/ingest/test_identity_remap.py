"""Re-mapping a source identity moves its stored history, warns when that history cannot be told apart, and warns
of a misspelt source or agent (the mapping is still saved: mapping before a first load is normal)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from callboard.core.settings import load_settings
from callboard.records.batch import input_schema
from callboard.runtime.runtime import Runtime, build_runtime

# Three answered calls: two taken by PJSIP/1001 (c1, c2), one by PJSIP/1002 (c3); one agent segment each.
LOG = """\
1700000000|c1|sales|NONE|ENTERQUEUE||+15550000001|1
1700000010|c1|sales|PJSIP/1001|CONNECT|10|c1.1|2
1700000100|c1|sales|PJSIP/1001|COMPLETECALLER|10|90|1
1700000200|c2|sales|NONE|ENTERQUEUE||+15550000002|1
1700000205|c2|sales|PJSIP/1001|CONNECT|5|c2.1|2
1700000300|c2|sales|PJSIP/1001|COMPLETEAGENT|5|95|1
1700000400|c3|sales|NONE|ENTERQUEUE||+15550000003|1
1700000420|c3|sales|PJSIP/1002|CONNECT|20|c3.1|2
1700000500|c3|sales|PJSIP/1002|COMPLETECALLER|20|80|1
"""


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = build_runtime(load_settings(tmp_path / "data"))
    log = tmp_path / "queue_log"
    log.write_text(LOG)
    rt.ingest.ingest("queue-log", [log])
    yield rt
    rt.close()


def _segments_by_agent(rt: Runtime) -> dict[str, int]:
    rows = rt.store.raw.execute(  # type: ignore[attr-defined]
        "SELECT agent_id, count(*) FROM agent_segments GROUP BY agent_id").fetchall()
    return dict(rows)


def test_remapping_an_identity_moves_the_history_an_earlier_mapping_gave_it(runtime: Runtime) -> None:
    first = runtime.ingest.map_identities([("asterisk", "PJSIP/1001", "alice")])
    # c1 and c2: one agent segment each; queue entries carry the answering agent too (c1, c2)
    assert _segments_by_agent(runtime) == {"alice": 2, "PJSIP/1002": 1}
    # PJSIP/1001's rows: 2 segments, 2 queue entries (the answering agent) and 4 states (on contact c1,
    # available, on contact c2, available until further notice)
    assert first.rows_moved == 8 and first.warnings == ()
    again = runtime.ingest.map_identities([("asterisk", "PJSIP/1001", "carol")])  # alice was a mistake
    assert again.rows_moved == first.rows_moved  # the same rows, now from alice to carol
    assert _segments_by_agent(runtime) == {"carol": 2, "PJSIP/1002": 1}
    assert ("asterisk", "PJSIP/1001", "carol") in runtime.ingest.identities("asterisk")


def test_history_shared_with_another_identity_stays_and_is_reported(runtime: Runtime) -> None:
    runtime.ingest.map_identities([("asterisk", "PJSIP/1001", "carol"), ("asterisk", "PJSIP/1002", "carol")])
    assert _segments_by_agent(runtime) == {"carol": 3}
    moved = runtime.ingest.map_identities([("asterisk", "PJSIP/1001", "dave")])
    # carol's three segments cannot be split into PJSIP/1001's two and PJSIP/1002's one: they stay, with a warning
    assert _segments_by_agent(runtime) == {"carol": 3}
    assert moved.rows_moved == 0
    [warning] = moved.warnings
    assert "PJSIP/1001 was mapped to carol, as PJSIP/1002 still is" in warning
    assert "rows loaded from now on go to dave" in warning


def test_a_misspelt_source_or_agent_is_saved_with_a_warning(runtime: Runtime) -> None:
    runtime.store.replace_table("agents", pa.table(
        {"agent_id": ["alice", "carol"], "display_name": ["Alice", "Carol"]}, schema=input_schema("agents")))
    outcome = runtime.ingest.map_identities([("astrisk", "PJSIP/1001", "carl")])
    assert outcome.rows_moved == 0  # nothing was loaded from "astrisk"
    assert outcome.warnings == (
        "no data has been loaded from source 'astrisk' (did you mean asterisk?): the mapping applies to later "
        "loads from it (loaded sources: asterisk)",
        "agent 'carl' is not one of the 2 known agents (did you mean carol?)",
    )
    assert ("astrisk", "PJSIP/1001", "carl") in runtime.ingest.identities("astrisk")
