"""The legs of transfer chains remembered between files (connect_chains): what is kept, what is forgotten after
the retention window, and legs an earlier Callboard kept in its SQLite ledger.

Fixtures (see test_connect_ctr.py): day 1 holds C1-transfer (NextContactId C2-transfer, updated 09:22:30) and
D-callback-request (NextContactId D-callback, updated 09:32:05); day 2 holds C2-transfer (the second leg of
C1, updated 09:27:10) and D-callback (a callback: its own contact, not a leg).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from callboard.core.errors import InvalidInput
from callboard.ingest.connectors.connect_chains import FILE_NAME
from callboard.ingest.connectors.connect_ledger import Ledger
from callboard.runtime import Runtime
from tests.ingest.connectors.connect.helpers import FIXTURES, agent, rows, runtime

DAY1 = FIXTURES / "ctr_day1.jsonl"
DAY2 = FIXTURES / "ctr_day2_firehose.json"


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    opened = runtime(tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def _chain_file(rt: Runtime) -> Path:
    return rt.settings.data_dir / "connectors" / FILE_NAME


def _remembered(rt: Runtime) -> list[str]:
    con = duckdb.connect(str(_chain_file(rt)), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT contact_id FROM parts ORDER BY contact_id").fetchall()]
    finally:
        con.close()


def _c1_segments(rt: Runtime) -> list[tuple[int, str]]:
    return [(s["segment_seq"], s["agent_id"]) for s in rows(rt, "agent_segments", "contact_id", "segment_seq", "agent_id")
            if s["contact_id"] == "C1-transfer"]


def test_every_chained_leg_is_remembered_and_joins_a_later_file(rt: Runtime) -> None:
    rt.ingest.ingest("connect-ctr", [DAY1])
    # the two day-1 records that name a next contact; A, B, E and F are not legs of any chain
    assert _remembered(rt) == ["C1-transfer", "D-callback-request"]
    rt.ingest.ingest("connect-ctr", [DAY2])
    assert _remembered(rt) == ["C1-transfer", "C2-transfer", "D-callback-request"]
    assert _c1_segments(rt) == [(0, agent(1)), (1, agent(3))]


def test_legs_older_than_the_retention_window_are_forgotten_after_the_file_that_needed_them(rt: Runtime) -> None:
    rt.ingest.ingest("connect-ctr", [DAY1])
    rt.ingest.ingest("connect-ctr", [DAY2], options={"chain_retention_days": 0})
    # day 2's newest leg is C2 at 09:27:10; with 0 days kept, C1 (09:22:30) is older and forgotten, while
    # D-callback-request (09:32:05) is not older. C1 was still found for day 2's chain before it went.
    assert _remembered(rt) == ["C2-transfer", "D-callback-request"]
    assert _c1_segments(rt) == [(0, agent(1)), (1, agent(3))]


def test_legs_an_earlier_callboard_kept_in_sqlite_still_join_their_chain(rt: Runtime) -> None:
    rt.ingest.ingest("connect-ctr", [DAY1])
    # Turn the remembered legs into what the SQLite ledger held: the part as JSON, keyed by ContactId.
    con = duckdb.connect(str(_chain_file(rt)))
    legacy = con.execute(
        """SELECT source, contact_id, chain_id, epoch_us(last_update), to_json(p)
        FROM (SELECT * EXCLUDE (source), source FROM parts) p"""
    ).fetchall()
    con.close()
    _chain_file(rt).unlink()
    with Ledger.open(rt.settings.data_dir) as ledger:
        for source, key, group, stamp, body in legacy:
            ledger.keep_newest_rows("ctr_part", source, [(key, group, stamp, body)])
    rt.ingest.ingest("connect-ctr", [DAY2])
    assert _c1_segments(rt) == [(0, agent(1)), (1, agent(3))]  # leg 1 came from the SQLite ledger
    assert _remembered(rt) == ["C1-transfer", "C2-transfer", "D-callback-request"]
    sqlite = sqlite3.connect(rt.settings.data_dir / "connectors" / "amazon-connect.sqlite")
    assert sqlite.execute("SELECT count(*) FROM ledger WHERE kind = 'ctr_part'").fetchone() == (0,)  # moved
    sqlite.close()


def test_a_negative_retention_is_refused_before_anything_loads(rt: Runtime) -> None:
    with pytest.raises(InvalidInput, match="connect-ctr --chain-retention-days -1 is below 0"):
        rt.ingest.ingest("connect-ctr", [DAY1], options={"chain_retention_days": -1})
    with pytest.raises(InvalidInput, match="is not a number"):
        rt.ingest.ingest("connect-ctr", [DAY1], options={"chain_retention_days": "a month"})
    assert rows(rt, "contacts", "contact_id") == []
    # as text (the API): "0" is 0 days, so of day 1's legs only the newest, D-callback-request (09:32:05),
    # stays; C1-transfer (09:22:30) is older
    rt.ingest.ingest("connect-ctr", [DAY1], options={"chain_retention_days": "0"})
    assert _remembered(rt) == ["D-callback-request"]
    # none given: the default (30 days) keeps day 2's C2-transfer beside it
    rt.ingest.ingest("connect-ctr", [DAY2], options={"chain_retention_days": None})
    assert _remembered(rt) == ["C2-transfer", "D-callback-request"]
