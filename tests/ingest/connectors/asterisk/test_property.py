"""Property tests: shuffling, truncating or corrupting a valid queue_log never crashes the connector and
never changes or drops a call whose lines are all intact."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ingest.connectors.asterisk.helpers import read, rows

T0 = 1_700_000_000
KINDS = ("answered", "answered_after_miss", "abandoned", "timeout", "exit_key", "transfer", "waiting", "talking")


@st.composite
def call_lines(draw: st.DrawFn, index: int) -> list[str]:
    start = T0 + draw(st.integers(0, 3600))
    callid = f"{start}.{index}"
    wait, talk = draw(st.integers(0, 200)), draw(st.integers(1, 900))
    agent = f"PJSIP/{1000 + draw(st.integers(0, 5))}"
    kind = draw(st.sampled_from(KINDS))
    q = draw(st.sampled_from(["sales", "support"]))
    out = [f"{start}|{callid}|{q}|NONE|ENTERQUEUE||+1555{index:04d}|1"]
    if kind == "answered_after_miss":
        out.append(f"{start + wait // 2}|{callid}|{q}|PJSIP/1099|RINGNOANSWER|{draw(st.integers(0, 30000))}")
    if kind in ("answered", "answered_after_miss", "transfer", "talking"):
        out.append(f"{start + wait}|{callid}|{q}|{agent}|CONNECT|{wait}|{callid}1|{draw(st.integers(0, 30))}")
    end = start + wait + talk
    if kind in ("answered", "answered_after_miss"):
        out.append(f"{end}|{callid}|{q}|{agent}|COMPLETE{draw(st.sampled_from(['AGENT', 'CALLER']))}|{wait}|{talk}|1")
    elif kind == "transfer":
        out.append(f"{end}|{callid}|{q}|{agent}|BLINDTRANSFER|2000|from-internal|{wait}|{talk}|1")
    elif kind == "abandoned":
        out.append(f"{start + wait}|{callid}|{q}|NONE|ABANDON|1|1|{wait}")
    elif kind == "timeout":
        out.append(f"{start + wait}|{callid}|{q}|NONE|EXITWITHTIMEOUT|1|1|{wait}")
    elif kind == "exit_key":
        out.append(f"{start + wait}|{callid}|{q}|NONE|EXITWITHKEY|1|1|1|{wait}")
    return out


@st.composite
def queue_logs(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(1, 12))
    calls = [draw(call_lines(i)) for i in range(n)]
    agents = [f"{T0 + 5 * i}|NONE|sales|PJSIP/100{i}|PAUSE|Break" for i in range(draw(st.integers(0, 3)))]
    lines = sorted([line for call in calls for line in call] + agents, key=lambda l: int(l.split("|")[0]))
    return lines


def _by_call(batch: Any) -> dict[str, dict[str, list[dict[str, Any]]]]:
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for table in ("contacts", "queue_entries", "agent_segments"):
        for row in rows(batch, table):
            out.setdefault(row["contact_id"], {}).setdefault(table, []).append(row)
    return out


def _load(lines: list[str] | bytes) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "queue_log"
        path.write_bytes(lines if isinstance(lines, bytes) else ("\n".join(lines) + "\n").encode())
        return read(path, Path(tmp))


def _callid(line: str) -> str | None:
    parts = line.split("|")
    return parts[1] if len(parts) > 1 else None


@settings(max_examples=30)
@given(queue_logs(), st.randoms(use_true_random=False))
def test_shuffled_lines_give_the_same_calls(lines: list[str], rnd: Any) -> None:
    clean = _by_call(_load(lines))
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert _by_call(_load(shuffled)) == clean


@settings(max_examples=30)
@given(queue_logs(), st.data())
def test_truncation_keeps_every_call_whose_lines_are_all_before_the_cut(lines: list[str], data: st.DataObject) -> None:
    text = ("\n".join(lines) + "\n").encode()
    cut = data.draw(st.integers(0, len(text)))
    batch = _load(text[:cut])
    assert batch.rejections == []  # a cut line is partial: left for the next read, never quarantined
    complete = text[:cut].decode().split("\n")[:-1]
    kept = {_callid(l) for l in complete}
    whole = {c for c in kept if all(l in complete for l in lines if _callid(l) == c)}
    clean, found = _by_call(_load(lines)), _by_call(batch)
    for callid in whole - {"NONE"}:
        assert found[callid] == clean[callid]
    assert set(found) == kept - {"NONE"}  # cut calls load too, as open contacts


garbage = st.one_of(
    st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=80),
    st.tuples(st.integers(0, 200), st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",))),
)


@settings(max_examples=40)
@given(queue_logs(), st.lists(st.tuples(st.integers(0, 10_000), garbage), min_size=1, max_size=4))
def test_corruption_never_drops_an_intact_call(lines: list[str], damage: list[tuple[int, Any]]) -> None:
    broken = list(lines)
    changed: set[int] = set()
    for where, what in damage:
        i = where % len(broken)
        if isinstance(what, str):
            broken[i] = what
        else:  # one character replaced
            pos = what[0] % max(len(broken[i]), 1)
            broken[i] = broken[i][:pos] + what[1] + broken[i][pos + 1:]
        changed.add(i)
    changed = {i for i in changed if broken[i] != lines[i]}
    touched = {_callid(lines[i]) for i in changed} | {_callid(broken[i]) for i in changed}
    batch = _load(broken)
    clean, found = _by_call(_load(lines)), _by_call(batch)
    for callid in set(clean) - touched:
        assert found.get(callid) == clean[callid], callid
    assert all(r.line is not None and r.line - 1 < len(broken) for r in batch.rejections)
