"""Property: any mix of valid and invalid rows -> every valid row loads, every invalid row is quarantined
at its own physical line, and read = loaded + rejected."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, note, settings
from hypothesis.errors import InvalidArgument

from callboard.ingest.connectors.csv_excel import read_file
from callboard.ingest.mapping import mapping_from_dict
from callboard.store.duckdb_store import DuckDBStore


try:  # tests/conftest.py registers and loads the `ci` profile; standing alone, this module does
    settings.get_profile("ci")
except InvalidArgument:
    settings.register_profile("ci", max_examples=25, deadline=None)
    settings.load_profile("ci")


MAPPING = mapping_from_dict({
    "source": "prop",
    "file": {"max_field_chars": 64},
    "fields": {
        "contact_id": "id",
        "arrived_at": {"column": "start", "format": "%Y-%m-%d %H:%M:%S"},
        "queue_id": "queue",
        "agent_id": "agent",
        "wait_ms": {"column": "wait", "format": "seconds"},
        "talk_ms": {"column": "talk", "format": "seconds"},
        "disposition": "note",
    },
})
HEADER = "id,start,queue,agent,wait,talk,note"
# An unclosed quote is unambiguous only when no later quote can close it: it is drawn as the last row
# (in the middle, the next quoted field would close it and CSV would read one long, valid record).
INVALID = ("bad_date", "bad_number", "nul", "short", "too_long", "negative")


@dataclass(frozen=True)
class Row:
    fields: tuple[str, ...]  # rendered CSV fields
    kind: str  # "valid" or one of INVALID
    wait_ms: int = 0

    def text(self) -> str:
        return ",".join(self.fields)


def quote(value: str) -> str:
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


texts = st.text(alphabet='ab XY,"\n', max_size=12)
valid_rows = st.builds(
    lambda start, queue, agent, wait, talk, note: Row(
        (start.strftime("%Y-%m-%d %H:%M:%S"), queue, quote(agent), "" if wait is None else str(wait),
         "" if talk is None else str(talk), quote(note)),
        "valid",
        0 if wait is None else wait * 1000,
    ),
    st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2026, 12, 31)),
    st.sampled_from(["Sales", "Support", ""]),
    texts,
    st.none() | st.integers(0, 10_000),
    st.none() | st.integers(0, 10_000),
    st.text(alphabet='nt ,"\n', max_size=30),
)


@st.composite
def invalid_rows(draw: st.DrawFn) -> Row:
    base = draw(valid_rows)
    kind = draw(st.sampled_from(INVALID))
    f = list(base.fields)
    if kind == "bad_date":
        f[0] = "2026-02-30 10:00:00"
    elif kind == "bad_number":
        f[3] = "12x"
    elif kind == "nul":
        f[2] = "a\x00b"
    elif kind == "short":
        f = f[:-1]
    elif kind == "too_long":
        f[-1] = "y" * 100
    elif kind == "negative":
        f[4] = "-5"
    return Row(tuple(f), kind)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(valid_rows, invalid_rows()), min_size=1, max_size=40), st.booleans())
def test_every_row_is_loaded_or_quarantined_at_its_line(rows: list[Row], unclosed_last: bool) -> None:
    if unclosed_last:
        rows = [*rows, Row(("2024-01-01 00:00:00", "Sales", "", "", "", '"never closed'), "unclosed")]
    lines, expected_bad, line = [HEADER], [], 2
    for index, row in enumerate(rows):
        text = f"ID{index}," + row.text()
        lines.append(text)
        if row.kind != "valid":
            expected_bad.append(line)
        line += text.count("\n") + 1
    valid = [r for r in rows if r.kind == "valid"]
    note("\n".join(lines))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.csv"
        path.write_bytes(("\n".join(lines) + "\n").encode())
        batch = read_file(path, MAPPING)
        store = DuckDBStore(":memory:")  # the same engine; a file per example would slow the search down
        try:
            report = store.load(batch)
            loaded_wait = store.raw.execute("SELECT coalesce(sum(wait_ms), 0) FROM queue_entries").fetchone()[0]
            queued = store.raw.execute("SELECT count(*) FROM queue_entries").fetchone()[0]
        finally:
            store.close()
    assert sorted(r.line for r in batch.rejections) == expected_bad
    assert report.rejected == len(expected_bad)
    assert report.loaded == len(valid)
    assert report.rows_read == len(rows) == report.loaded + report.rejected
    assert queued == sum(1 for r in valid if r.fields[1] != "")
    assert loaded_wait == sum(r.wait_ms for r in valid if r.fields[1] != "")
