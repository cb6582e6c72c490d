"""Survey CSV -> survey_responses: layouts, header synonyms, scales, time zones, stable ids, quarantine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from callboard.core.errors import InvalidInput
from callboard.runtime.runtime import Runtime
from tests.ingest.connectors.survey.helpers import quarantine, responses, write

WIDE = """\
contact_id,responded_at,response_id,comment,csat,csat_scale,nps,ces,ces_scale,resolved
c1,2026-03-02T10:00:00,,"Quick, friendly",5,1-5,9,6,1-7,yes
c2,2026-03-02 11:30,R-2,,3,1-3,,4,1-5,no
"""


def test_wide_rows_become_one_response_per_answer(runtime: Runtime, tmp_path: Path) -> None:
    [report] = runtime.ingest.ingest("survey", [write(tmp_path, "s.csv", WIDE)])
    got = {(r["contact_id"], r["question"]): r for r in responses(runtime)}
    # c1: csat 5 (1-5), nps 9 (0-10), ces 6 (1-7), resolved yes -> 1 (0-1); c2: csat 3 (1-3), ces 4 (1-5), no -> 0
    assert {k: (r["score"], r["scale_min"], r["scale_max"]) for k, r in got.items()} == {
        ("c1", "csat"): (5, 1, 5), ("c1", "nps"): (9, 0, 10), ("c1", "ces"): (6, 1, 7), ("c1", "resolved"): (1, 0, 1),
        ("c2", "csat"): (3, 1, 3), ("c2", "ces"): (4, 1, 5), ("c2", "resolved"): (0, 0, 1),
    }
    assert got[("c1", "csat")]["comment"] == "Quick, friendly"
    assert got[("c1", "csat")]["response_id"] == "c1:csat:2026-03-02T10:00:00"  # derived: contact:question:time
    assert got[("c2", "ces")]["response_id"] == "R-2:ces"  # the file's own id + question
    assert got[("c2", "csat")]["responded_at"] == dt.datetime(2026, 3, 2, 11, 30)
    assert all(r["source"] == "survey" for r in got.values())
    assert (report.rows_read, report.loaded, report.rejected) == (2, 7, 0)


def test_second_run_and_a_copy_add_nothing(runtime: Runtime, tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", WIDE)
    runtime.ingest.ingest("survey", [path])
    [again] = runtime.ingest.ingest("survey", [path])
    assert (again.rows_read, again.loaded) == (0, 0)  # cursor: unchanged file
    [copy] = runtime.ingest.ingest("survey", [write(tmp_path, "copy.csv", WIDE)])
    assert (copy.loaded, copy.duplicates) == (0, 7)  # stable response ids
    assert len(responses(runtime)) == 7


SYNONYMS = """\
ContactId;Submitted At;Customer Satisfaction (1-3);Likelihood to recommend;Customer Effort Score;FCR;Verbatim
c7;2026-03-02T10:00:00Z;3;10;2;Y;fine
"""


def test_header_synonyms_semicolons_and_a_scale_in_the_header(runtime: Runtime, tmp_path: Path) -> None:
    runtime.ingest.ingest("survey", [write(tmp_path, "syn.csv", SYNONYMS)], options={"ces_scale": "1-5"})
    got = {r["question"]: (r["score"], r["scale_min"], r["scale_max"], r["comment"]) for r in responses(runtime)}
    # CSAT scale 1-3 from the header, CES 1-5 from --ces-scale, NPS 0-10 by definition, FCR Y -> resolved 1
    assert got == {"csat": (3, 1, 3, "fine"), "nps": (10, 0, 10, "fine"), "ces": (2, 1, 5, "fine"),
                   "resolved": (1, 0, 1, "fine")}


LONG = """\
contact_id,responded_at,question,score,scale
c1,2026-03-02T10:00:00,CSAT,4,1-5
c1,2026-03-02T10:00:00,Customer Effort,7,1-7
c2,2026-03-02T10:05:00,nps,0,
c2,2026-03-02T10:05:00,mood,3,1-5
c2,2026-03-02T10:05:00,csat,4,1..3
"""


def test_long_layout(runtime: Runtime, tmp_path: Path) -> None:
    [report] = runtime.ingest.ingest("survey", [write(tmp_path, "long.csv", LONG)])
    got = sorted((r["contact_id"], r["question"], r["score"], r["scale_min"], r["scale_max"]) for r in responses(runtime))
    assert got == [("c1", "ces", 7, 1, 7), ("c1", "csat", 4, 1, 5), ("c2", "nps", 0, 0, 10)]
    assert quarantine(runtime) == [
        (5, "question", "'mood' is not a survey question (csat, nps, ces, ces_effort, resolved)"),
        (6, "csat", "'4' is not a valid csat score for the row's scale"),  # 4 on 1-3
    ]
    assert (report.rows_read, report.loaded, report.rejected) == (5, 3, 2)


def test_naive_times_are_organisation_time_and_offsets_are_respected(
    make_runtime: Callable[..., Runtime], tmp_path: Path
) -> None:
    text = ("contact_id,responded_at,csat\n"
            "c1,2026-07-01T10:00:00,5\n"          # New York summer time (EDT, UTC-4): 14:00 UTC
            "c2,2026-07-01T10:00:00+02:00,4\n"    # offset given: 08:00 UTC
            "c3,2026-11-01T01:30:00,3\n")         # DST fold in New York: the earlier instant, 05:30 UTC
    runtime = make_runtime("America/New_York")
    [report] = runtime.ingest.ingest("survey", [write(tmp_path, "tz.csv", text)])
    got = {r["contact_id"]: r["responded_at"] for r in responses(runtime)}
    assert got == {"c1": dt.datetime(2026, 7, 1, 14), "c2": dt.datetime(2026, 7, 1, 8),
                   "c3": dt.datetime(2026, 11, 1, 5, 30)}
    assert report.dst_ambiguous == 1


BAD = """\
contact_id,responded_at,csat,nps,resolved,csat_scale
c1,2026-03-02T10:00:00,5,9,yes,1-5
,2026-03-02T10:00:00,5,,,
c3,last tuesday,4,,,
c4,2026-03-02T10:00:00,6,8,,
c5,2026-03-02T10:00:00,x,,maybe,
c6,2026-03-02T10:00:00,4,,,one to five
c7,2026-03-02T10:00:00,,,,
c8,2026-03-02T10:00:00,2,"broken
"""


def test_bad_rows_and_answers_are_quarantined_with_line_and_reason(runtime: Runtime, tmp_path: Path) -> None:
    [report] = runtime.ingest.ingest("survey", [write(tmp_path, "bad.csv", BAD)])
    got = sorted((r["contact_id"], r["question"], r["score"]) for r in responses(runtime))
    # c1 all three; c4's nps 8 stands although its csat 6 is off the 1-5 scale
    assert got == [("c1", "csat", 5), ("c1", "nps", 9), ("c1", "resolved", 1), ("c4", "nps", 8)]
    assert [(line, field) for line, field, _ in quarantine(runtime)] == [
        (3, "contact_id"), (4, "responded_at"), (5, "csat"), (6, "csat"), (6, "resolved"), (7, "csat_scale"),
        (8, "score"), (9, None)]
    reasons = {(line, field): reason for line, field, reason in quarantine(runtime)}
    assert reasons[(4, "responded_at")] == "'last tuesday' is not an ISO 8601 date-time"
    assert reasons[(6, "resolved")] == "'maybe' is not yes/no"
    assert "never closed" in reasons[(9, None)]
    assert report.rejected == 8 and report.loaded == 4


def test_a_file_without_the_needed_columns_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no responded_at"):
        runtime.ingest.ingest("survey", [write(tmp_path, "x.csv", "contact_id,csat\nc1,5\n")])
    with pytest.raises(InvalidInput, match="not a scale"):
        runtime.ingest.ingest("survey", [write(tmp_path, "y.csv", WIDE)], options={"csat_scale": "big"})
