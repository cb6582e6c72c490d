"""Property test: a survey CSV shuffled, with rows deleted, cells corrupted and its end cut off never
crashes the connector and never loses a valid answer (docs/connectors/surveys.md: a valid answer is a
row with a contact id and an ISO response time plus a score inside its scale)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from callboard.core.errors import InvalidInput
from callboard.core.settings import Settings
from callboard.ingest.connector import ReadContext
from callboard.ingest.connectors.survey import CONNECTOR

HEADER = ["contact_id", "responded_at", "csat", "nps", "resolved", "comment"]
ROW = st.fixed_dictionaries({
    "csat": st.integers(1, 5).map(str),
    "nps": st.one_of(st.just(""), st.integers(0, 10).map(str)),
    "resolved": st.sampled_from(["", "yes", "no"]),
    "comment": st.sampled_from(["", "ok", "slow, but fine", 'said "thanks"']),
    "minute": st.integers(0, 59),
})
# a corruption that makes one cell invalid for sure: (column, junk)
JUNK = st.sampled_from([("csat", "x"), ("csat", "9"), ("nps", "11"), ("resolved", "maybe"),
                        ("contact_id", ""), ("responded_at", "soon")])
ROW_LEVEL = {"contact_id", "responded_at"}


def _answers(row: dict[str, str]) -> set[tuple[str, str, float]]:
    out = {(row["contact_id"], "csat", float(row["csat"]))}
    if row["nps"]:
        out.add((row["contact_id"], "nps", float(row["nps"])))
    if row["resolved"]:
        out.add((row["contact_id"], "resolved", 1.0 if row["resolved"] == "yes" else 0.0))
    return out


@settings(max_examples=50)
@given(rows=st.lists(ROW, min_size=1, max_size=15), data=st.data())
def test_corrupted_shuffled_truncated_survey(tmp_path_factory: Any, rows: list[dict[str, Any]], data: st.DataObject) -> None:
    table = [{**r, "contact_id": f"c{i}", "responded_at": f"2026-03-02T10:{r['minute']:02d}:00"} for i, r in enumerate(rows)]
    table = data.draw(st.permutations(table))
    keep = [r for r in table if not data.draw(st.booleans()) or len(table) == 1]
    expected: set[tuple[str, str, float]] = set()
    for row in keep:
        good = _answers(row)
        if data.draw(st.integers(0, 3)) == 0:
            column, junk = data.draw(JUNK)
            row[column] = junk
            good = set() if column in ROW_LEVEL else {a for a in good if a[1] != column}
        expected |= good
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(keep)
    text = buffer.getvalue()
    cut = data.draw(st.integers(len(HEADER[0]), len(text)))
    truncated = text[:cut]
    if cut < len(text):  # the row the cut lands in may load changed or not at all; the rows before must load
        whole = truncated.rsplit("\n", 1)[0] if "\n" in truncated else ""
        complete = {line.split(",", 1)[0] for line in whole.split("\n")[1:] if line}
        expected = {a for a in expected if a[0] in complete}
    path = tmp_path_factory.mktemp("survey") / "s.csv"
    path.write_text(truncated)
    context = ReadContext(settings=Settings(data_dir=path.parent / "data"), source="survey", stream=str(path))
    try:
        batch = CONNECTOR.read(path, cursor=None, options={}, context=context)
    except InvalidInput:
        assert cut < len(HEADER[0]) + 30  # only a file cut inside its header cannot be read
        return
    loaded = set()
    if "survey_responses" in batch.tables:
        loaded = {(r["contact_id"], r["question"], r["score"]) for r in batch.tables["survey_responses"].to_pylist()}
    assert expected <= loaded
    whole_ids = {r["contact_id"] for r in keep}
    assert {a[0] for a in loaded} <= whole_ids | {r["contact_id"][:k] for r in keep for k in range(len(r["contact_id"]))}
