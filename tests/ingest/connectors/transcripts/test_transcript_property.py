"""Property tests: shuffled, corrupted or truncated transcript files never crash the connectors and never
lose a turn that is still valid.

A valid turn (docs/connectors/transcripts.md): Contact Lens call item = an object with a known
participant, non-blank Content, whole Begin/EndOffsetMillis with 0 <= begin <= end <= 2^53, and a
Sentiment / LoudnessScore that is well formed when present; generic JSONL line = an object with a
non-blank contact_id, a known role, non-blank text (agent_id text when present). The oracles below
re-derive validity from the file independently of the connector.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from callboard.core.errors import InvalidInput
from callboard.core.settings import Settings
from callboard.ingest.connector import ReadContext
from callboard.ingest.connectors.contact_lens import CONNECTOR as CONTACT_LENS
from callboard.ingest.connectors.transcript import CONNECTOR as TRANSCRIPT
from callboard.ingest.connectors.transcript_rows import PARTICIPANT_WORDS
from callboard.records.batch import LoadBatch
from tests.ingest.connectors.transcripts.helpers import VOICE

VOICE_DOC = json.loads(VOICE.read_text())
VOICE_KEYS = ("BeginOffsetMillis", "EndOffsetMillis", "Content", "ParticipantId", "Sentiment", "LoudnessScore")
JUNK = st.one_of(st.none(), st.integers(-10, 40_000), st.floats(allow_nan=True), st.text(max_size=6),
                 st.sampled_from(["AGENT", "CUSTOMER", "X9", "POSITIVE", "mixed", "", "  "]),
                 st.lists(st.one_of(st.none(), st.floats(-1, 100), st.text(max_size=2)), max_size=3), st.booleans())


def _context(tmp: Path) -> ReadContext:
    return ReadContext(settings=Settings(data_dir=tmp / "data"), source="test", stream=str(tmp / "stream"))


def _read(connector: Any, path: Path, options: dict[str, Any] | None = None) -> LoadBatch | None:
    try:
        return connector.read(path, cursor=None, options=options or {}, context=_context(path.parent))
    except InvalidInput:
        return None


def _turns(batch: LoadBatch | None) -> list[tuple[Any, ...]]:
    if batch is None or "transcript_turns" not in batch.tables:
        return []
    t = batch.tables["transcript_turns"].to_pylist()
    return sorted((r["contact_id"], r["turn_seq"], r["text"]) for r in t)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _voice_valid(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    pid = item.get("ParticipantId")
    role = {"AGENT": "AGENT", "CUSTOMER": "CUSTOMER"}.get(pid, pid) if isinstance(pid, str) else None
    if not isinstance(role, str) or role.strip().lower().replace(" ", "_").replace("-", "_") not in PARTICIPANT_WORDS:
        return False
    b, e = item.get("BeginOffsetMillis"), item.get("EndOffsetMillis")
    if not (_is_number(b) and _is_number(e) and 0 <= b <= e <= 2**53 and b == int(b) and e == int(e)):
        return False
    if not (isinstance(item.get("Content"), str) and item["Content"].strip()):
        return False
    s = item.get("Sentiment")
    if s is not None and not (isinstance(s, str) and s.strip().lower() in ("positive", "negative", "neutral", "mixed")):
        return False
    loud = item.get("LoudnessScore")
    if loud is not None and not (_is_number(loud) or (isinstance(loud, list) and all(v is None or _is_number(v) for v in loud))):
        return False
    return True


@settings(max_examples=50)
@given(data=st.data())
def test_contact_lens_items_mutated_and_shuffled(tmp_path_factory: Any, data: st.DataObject) -> None:
    items = [dict(i) for i in VOICE_DOC["Transcript"]]
    for item in items:
        if data.draw(st.booleans()):
            key = data.draw(st.sampled_from(VOICE_KEYS))
            if data.draw(st.booleans()):
                item.pop(key, None)
            else:
                item[key] = data.draw(JUNK)
    order = data.draw(st.permutations(range(len(items))))
    shuffled = [items[i] for i in order]
    if data.draw(st.booleans()):
        shuffled.insert(data.draw(st.integers(0, len(shuffled))), data.draw(JUNK))
    doc = {**VOICE_DOC, "Transcript": shuffled}
    path = tmp_path_factory.mktemp("cl") / "c-prop_analysis.json"
    path.write_text(json.dumps(doc, indent=data.draw(st.sampled_from([None, 2]))))
    batch = _read(CONTACT_LENS, path)
    assert batch is not None
    expected = sorted(("c-prop", seq, item["Content"]) for seq, item in enumerate(shuffled) if _voice_valid(item))
    assert _turns(batch) == expected
    invalid = sum(not _voice_valid(i) for i in shuffled)
    assert sum(r.field is not None and not r.field.startswith("Conversation") for r in batch.rejections) == invalid


@settings(max_examples=50)
@given(cut=st.integers(0, len(VOICE.read_bytes())), flips=st.lists(st.tuples(st.integers(0, 7034), st.binary(min_size=1, max_size=1)), max_size=3))
def test_contact_lens_bytes_truncated_or_corrupted_never_crash(tmp_path_factory: Any, cut: int, flips: list[tuple[int, bytes]]) -> None:
    data = bytearray(VOICE.read_bytes()[:cut])
    for pos, byte in flips:
        if pos < len(data):
            data[pos:pos + 1] = byte
    path = tmp_path_factory.mktemp("clb") / "c-b_analysis.json"
    path.write_bytes(bytes(data))
    batch = _read(CONTACT_LENS, path)  # InvalidInput (unreadable) or a batch, nothing else
    if batch is not None:
        doc = json.loads(bytes(data).decode("utf-8-sig"))
        expected = sorted(("c-b", seq, i["Content"]) for seq, i in enumerate(doc["Transcript"]) if _voice_valid(i))
        assert _turns(batch) == expected


LINE_TURN = st.fixed_dictionaries(
    {"contact_id": st.sampled_from(["c-1", "c-2", "c-3"]), "role": st.sampled_from(["agent", "customer", "bot", "system"]),
     "text": st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=20).filter(str.strip)},
    optional={"agent_id": st.sampled_from(["PJSIP/1001", "ana"])},
)


def _line_valid(line: str) -> tuple[str, str] | None:
    try:
        v = json.loads(line.rstrip("\r").lstrip("\ufeff"))
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(v, dict):
        return None
    cid, role, text = v.get("contact_id"), v.get("role"), v.get("text")
    if v.get("content") is not None or any(k in v for k in ("participant", "speaker", "seq", "start_ms", "timestamp")):
        return None  # not generated; a corruption that invents these keys is too unlikely to model
    if not (isinstance(cid, str) and cid.strip() and isinstance(text, str) and text.strip()):
        return None
    if not (isinstance(role, str) and role.strip().lower().replace(" ", "_").replace("-", "_") in PARTICIPANT_WORDS):
        return None
    agent = v.get("agent_id")
    if agent is not None and not isinstance(agent, str):
        return None
    return cid.strip(), text


@settings(max_examples=50)
@given(turns=st.lists(LINE_TURN, min_size=1, max_size=12), data=st.data())
def test_jsonl_shuffled_corrupted_truncated(tmp_path_factory: Any, turns: list[dict[str, Any]], data: st.DataObject) -> None:
    lines = [json.dumps(t) for t in data.draw(st.permutations(turns))]
    text = "\n".join(lines) + "\n"
    chars = list(text)
    for _ in range(data.draw(st.integers(0, 3))):
        chars[data.draw(st.integers(0, len(chars) - 1))] = data.draw(st.sampled_from(list('"{}[],:\n x0')))
    text = "".join(chars)[: data.draw(st.integers(1, len(chars)))]
    path = tmp_path_factory.mktemp("jl") / "t.jsonl"
    path.write_text(text)
    batch = _read(TRANSCRIPT, path)
    expected = sorted(v for v in (_line_valid(x) for x in text.split("\n") if x.strip()) if v is not None)
    got = sorted((c, t) for c, _, t in _turns(batch))
    assert got == expected
    if batch is not None:
        assert batch.rows_read == len(got) + len(batch.rejections)
