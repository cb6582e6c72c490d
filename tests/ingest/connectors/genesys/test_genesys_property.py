"""Property: truncating, corrupting or shuffling a valid file never crashes the connector or the store, and
every conversation whose text (with the separator on each side) is untouched still loads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import given, note, settings
from hypothesis.errors import InvalidArgument

from callboard.core.settings import load_settings
from callboard.ingest.connector import ReadContext
from callboard.ingest.connectors.genesys import CONNECTOR
from callboard.store.duckdb_store import DuckDBStore
from tests.ingest.connectors.genesys.genesys_helpers import ALL_FIXTURES, FIXTURES, SPEC_EXAMPLE, conversations

try:  # tests/conftest.py registers and loads the `ci` profile; standing alone, this module does
    settings.get_profile("ci")
except InvalidArgument:
    settings.register_profile("ci", max_examples=25, deadline=None)
    settings.load_profile("ci")

POOL = [c for name in (*ALL_FIXTURES, "closed.json") for c in conversations(FIXTURES / name)]
POOL += conversations(SPEC_EXAMPLE)
FORMATS = ("array", "response", "lines")
JUNK = '{}[],:"\\ \n0aZ-T.'


@dataclass(frozen=True)
class Rendered:
    text: str
    spans: tuple[tuple[str, int, int], ...]  # conversationId, start, end (end exclusive) in `text`


def render(convs: list[dict], fmt: str) -> Rendered:
    parts: list[str] = []
    spans = []
    pos = 0

    def emit(piece: str, cid: str | None = None) -> None:
        nonlocal pos
        if cid is not None:
            spans.append((cid, pos, pos + len(piece)))
        parts.append(piece)
        pos += len(piece)

    if fmt == "lines":
        for c in convs:
            emit(json.dumps(c), c["conversationId"])
            emit("\n")
    else:
        emit('{"conversations": [\n' if fmt == "response" else "[\n")
        for i, c in enumerate(convs):
            emit("  " + ("," if i else ""))
            emit(json.dumps(c, indent=2).replace("\n", "\n  "), c["conversationId"])
            emit("\n")
        emit("], \"totalHits\": %d}\n" % len(convs) if fmt == "response" else "]\n")
    return Rendered("".join(parts), tuple(spans))


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[str, set[str], str]:
    """(file text, ids that must load, what was done)."""
    convs = draw(st.permutations(POOL))[: draw(st.integers(1, len(POOL)))]
    fmt = draw(st.sampled_from(FORMATS))
    rendered = render(list(convs), fmt)
    text = rendered.text
    kind = draw(st.sampled_from(["none", "truncate", "replace", "delete", "insert"]))
    if kind == "none":
        a = b = len(text)
        damaged = text
    elif kind == "truncate":
        a = draw(st.integers(0, len(text)))
        b = len(text)
        damaged = text[:a]
    else:
        a = draw(st.integers(0, len(text) - 1))
        b = min(len(text), a + draw(st.integers(1, 40)))
        junk = draw(st.text(alphabet=JUNK, min_size=1, max_size=40))
        damaged = text[:a] + ("" if kind == "delete" else junk) + (text[a:] if kind == "insert" else text[b:])
        if kind == "insert":
            b = a
    # intact: the conversation and one separator character on each side are outside the damaged range
    intact = {cid for cid, start, end in rendered.spans if end + 1 <= a or start - 1 >= b}
    if kind == "truncate":
        intact = {cid for cid, start, end in rendered.spans if end <= a}
        if fmt == "lines":  # a last line without its newline may still be being written: read later
            intact = {cid for cid, start, end in rendered.spans if end + 1 <= a}
    return damaged, intact, f"{fmt} {kind} at {a}..{b}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBStore]:
    opened = DuckDBStore(tmp_path_factory.mktemp("genesys_prop") / "analytics.duckdb")
    yield opened
    opened.close()


@settings(max_examples=50, deadline=None)
@given(case=damaged_files())
def test_damage_never_crashes_and_never_drops_an_intact_conversation(
    case: tuple[str, set[str], str], store: DuckDBStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    text, intact, what = case
    note(what)
    path = tmp_path_factory.mktemp("case") / "conversations.json"
    path.write_text(text, encoding="utf-8")
    source = f"prop-{path.parent.name}"
    context = ReadContext(settings=load_settings(path.parent), source=source, stream=str(path))
    batch = CONNECTOR.read(path, cursor=None, options={}, context=context)
    loaded = set(batch.tables["contacts"].column("contact_id").to_pylist()) if "contacts" in batch.tables else set()
    assert intact <= loaded, f"dropped {sorted(intact - loaded)} after {what}"
    assert batch.rows_read >= len(loaded)
    for rejection in batch.rejections:
        assert rejection.file == str(path) and rejection.reason and (rejection.line or 0) >= 1
    if "agent_segments" in batch.tables:
        for column in ("talk_ms", "hold_ms", "acw_ms", "contacting_ms"):
            assert all(v >= 0 for v in batch.tables["agent_segments"].column(column).to_pylist() if v is not None)
    report = store.load(batch)  # the store accepts whatever the connector produced
    contact_rows = batch.tables["contacts"].num_rows if "contacts" in batch.tables else 0
    assert (report.loaded + report.duplicates, report.updated) == (contact_rows, 0)  # a fresh source each time
