"""A survey joins its contact by contact id whenever it arrives: loaded before or after the contact, it
counts in the CSAT KPIs (metrics/facts.py surveys()), credited to the contact's last handling agent."""

from __future__ import annotations

from pathlib import Path

from callboard.runtime.runtime import Runtime
from tests.ingest.connectors.survey.helpers import write
from tests.metrics.builders import T0, Dataset

# T0 = 2026-03-02 09:00 UTC. c2's answer arrives before its contact is loaded, c1's after.
EARLY = "contact_id,responded_at,csat\nc2,2026-03-02T12:00:00Z,2\n"
LATE = ("contact_id,responded_at,csat\n"
        "c1,2026-03-02T10:00:00Z,5\n"
        "c1,2026-03-11T10:00:00Z,1\n"   # 9 days after the contact: outside the 7-day survey window
        "c9,2026-03-02T10:00:00Z,1\n")  # no such contact: never counted


def _contacts(runtime: Runtime) -> None:
    d = Dataset(source="acd")
    d.entry(d.contact("c1", at=T0), agent="a1")
    d.segment("c1", "a1", talk_s=60)
    d.entry(d.contact("c2", at=T0), agent="a2")
    d.segment("c2", "a2", talk_s=90)
    runtime.store.load(d.batch())


def test_surveys_before_and_after_their_contacts_count(runtime: Runtime, tmp_path: Path) -> None:
    runtime.ingest.ingest("survey", [write(tmp_path, "early.csv", EARLY)])
    _contacts(runtime)
    runtime.ingest.ingest("survey", [write(tmp_path, "late.csv", LATE)])
    [row] = runtime.kpi.query(metrics="csat.top2box_5pt,csat.mean").rows
    # accepted answers: c1 = 5 (the day-9 answer is outside the window), c2 = 2; c9 has no contact
    # top-2-box: one of two answers is 4-5 -> 1/2 = 0.5; mean: (5 + 2) / 2 = 3.5
    assert row == {"csat.top2box_5pt": 0.5, "csat.mean": 3.5}
    by_agent = {r["agent"]: r["csat.top2box_5pt"] for r in runtime.kpi.query(metrics="csat.top2box_5pt", by="agent").rows}
    assert by_agent == {"a1": 1.0, "a2": 0.0}  # c1 handled by a1 (5), c2 by a2 (2)


def test_mixed_csat_scales_are_kept_apart(runtime: Runtime, tmp_path: Path) -> None:
    _contacts(runtime)
    text = ("contact_id,responded_at,csat,csat_scale\n"
            "c1,2026-03-02T10:00:00Z,2,1-3\n"   # middle of a 3-point scale: not good (only 3 is)
            "c2,2026-03-02T10:00:00Z,4,1-5\n")
    runtime.ingest.ingest("survey", [write(tmp_path, "mixed.csv", text)])
    [row] = runtime.kpi.query(metrics="csat.top2box_5pt,csat.zendesk_binary").rows
    # top-2-box reads 1-5 only: c2's 4 -> 1/1 = 1.0 (were c1's 2 on 1-5, it would be 1/2)
    # binary over 1-3 and 1-5: 2 of 3 is bad, 4 of 5 is good -> 1/2 = 0.5
    assert row == {"csat.top2box_5pt": 1.0, "csat.zendesk_binary": 0.5}
