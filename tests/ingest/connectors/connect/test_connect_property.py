"""Property tests: truncating, corrupting or shuffling a CTR export never crashes the connector and never
drops a record whose bytes the damage did not touch.

The records are independent answered calls (no chains, unique ids), so every untouched record must load
as its own contact. The connector is called directly (no store) to keep each example fast.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from callboard.core.settings import load_settings
from callboard.ingest.connector import ReadContext, option_values
from callboard.ingest.connectors.connect_ctr import CONNECTOR
from tests.ingest.connectors.connect.helpers import FIXTURES

_BASE = json.loads((FIXTURES / "ctr_day1.jsonl").read_text(encoding="utf-8").splitlines()[0])


def _record(n: int) -> str:
    record = json.loads(json.dumps(_BASE))
    record["ContactId"] = f"call-{n:03d}"
    return json.dumps(record)


def _read(tmp: Path, data: bytes) -> tuple[set[str], int, int]:
    path = tmp / "ctr.json"
    path.write_bytes(data)
    context = ReadContext(settings=load_settings(tmp / "data"), source="amazon_connect", stream=str(path))
    batch = CONNECTOR.read(path, cursor=None, options=option_values(CONNECTOR, {}), context=context)
    contacts = batch.tables.get("contacts")
    ids = set(contacts.column("contact_id").to_pylist()) if contacts is not None else set()
    return ids, batch.rows_read, len(batch.rejections)


def _layout(records: list[str], shape: str) -> tuple[bytes, list[tuple[int, int]]]:
    """The file bytes and each record's byte span."""
    sep = {"lines": "\n", "concatenated": "", "array": ",\n"}[shape]
    head, tail = ("[\n", "\n]") if shape == "array" else ("", "\n" if shape == "lines" else "")
    spans, out, pos = [], head, len(head)
    for i, text in enumerate(records):
        spans.append((pos, pos + len(text)))
        out += text + (sep if i < len(records) - 1 else "")
        pos = len(out)
    return (out + tail).encode(), spans


SHAPES = st.sampled_from(["lines", "concatenated", "array"])


@settings(max_examples=40, deadline=None)
@given(shape=SHAPES, count=st.integers(1, 8), cut=st.floats(0, 1))
def test_truncation_keeps_every_complete_record(tmp_path_factory, shape: str, count: int, cut: float) -> None:  # type: ignore[no-untyped-def]
    records = [_record(i) for i in range(count)]
    data, spans = _layout(records, shape)
    end = int(len(data) * cut)
    whole = {f"call-{i:03d}" for i, (_, stop) in enumerate(spans) if stop <= end}
    ids, read, rejected = _read(tmp_path_factory.mktemp("t"), data[:end])
    assert whole <= ids
    assert read >= len(ids)


@settings(max_examples=50, deadline=None)
@given(shape=SHAPES, count=st.integers(1, 6), hits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=3)),
                                                             min_size=1, max_size=3))
def test_corruption_never_costs_an_untouched_record(tmp_path_factory, shape: str, count: int,  # type: ignore[no-untyped-def]
                                                    hits: list[tuple[float, bytes]]) -> None:
    records = [_record(i) for i in range(count)]
    data, spans = _layout(records, shape)
    buffer = bytearray(data)
    touched: set[int] = set()
    for where, junk in hits:
        at = min(int(len(buffer) * where), len(buffer) - 1)
        buffer[at : at + len(junk)] = junk[: len(buffer) - at]
        for i, (start, stop) in enumerate(spans):
            if at - 1 <= stop and at + len(junk) >= start:  # also the byte just outside: a separator
                touched.add(i)
    intact = {f"call-{i:03d}" for i in range(count) if i not in touched}
    ids, _, _ = _read(tmp_path_factory.mktemp("c"), bytes(buffer))
    assert intact <= ids


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), shape=SHAPES)
def test_shuffled_records_load_the_same(tmp_path_factory, seed: int, shape: str) -> None:  # type: ignore[no-untyped-def]
    records = [_record(i) for i in range(6)]
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)
    ids, read, rejected = _read(tmp_path_factory.mktemp("s"), _layout(shuffled, shape)[0])
    assert (ids, read, rejected) == ({f"call-{i:03d}" for i in range(6)}, 6, 0)


@settings(max_examples=30, deadline=None)
@given(cut=st.floats(0, 1), junk=st.binary(max_size=4), where=st.floats(0, 1))
def test_damaged_agent_events_never_crash(tmp_path_factory, cut: float, junk: bytes, where: float) -> None:  # type: ignore[no-untyped-def]
    from callboard.ingest.connectors.connect_agent_events import CONNECTOR as EVENTS

    data = bytearray((FIXTURES / "agent_events_acw.jsonl").read_bytes())
    at = int(len(data) * where)
    data[at : at + len(junk)] = junk
    lines = bytes(data[: int(len(data) * cut)])
    whole = sum(1 for line in (FIXTURES / "agent_events_acw.jsonl").read_bytes().splitlines()
                if line in lines.splitlines())  # lines that survived untouched
    tmp = tmp_path_factory.mktemp("e")
    path = tmp / "events.jsonl"
    path.write_bytes(lines)
    context = ReadContext(settings=load_settings(tmp / "data"), source="amazon_connect", stream=str(path))
    batch = EVENTS.read(path, cursor=None, options=option_values(EVENTS, {}), context=context)
    assert batch.rows_read - len(batch.rejections) >= whole  # every untouched event is a valid record
