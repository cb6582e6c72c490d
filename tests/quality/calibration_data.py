"""A tiny organisation for sampling and calibration service tests.

Site s1: team tA (a1, a2), team tB (a3). Week of Monday 2026-03-02, one voice contact per agent every 6 hours
(28 per agent, ids k<agent>-<n>), queue q1; plus for a1 on 03-03 10:00 two chat contacts on queue q2.
a1's contact k1-0 has CSAT 1, k1-1 is transferred, k1-2 lasts 1200 s; customer 'cust' calls as k1-3 and again
(k2-3, answered by a2) 2 hours later, so k1-3 is followed by a repeat.
Users: admin; qa1, qa2, qa3 (QA analysts on site s1); supA (supervisor of tA); ag1 (agent a1).
A published form version (yes/no q1, q2 and a 1-5 scale q3) in the quality tables.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset

MONDAY = dt.datetime(2026, 3, 2)
PASSWORD = "calib-test-pw-1"
FORM = {"name": "Calibration form", "sections": [
    {"id": "s1", "title": "Opening", "questions": [{"id": "q1", "text": "Greeting", "type": "yes_no"},
                                                   {"id": "q2", "text": "Verified", "type": "yes_no"}]},
    {"id": "s2", "title": "Care", "questions": [{"id": "q3", "text": "Empathy", "type": "scale", "min": 1,
                                                 "max": 5}]}]}


def dataset() -> Dataset:
    ds = Dataset(source="cal")
    for agent in ("a1", "a2", "a3"):
        for n in range(28):
            cid = f"k{agent[1]}-{n}"
            at = MONDAY + dt.timedelta(hours=6 * n + int(agent[1]))
            customer = "cust" if cid in ("k1-3", "k2-3") else f"cu-{cid}"
            if cid == "k2-3":
                at = MONDAY + dt.timedelta(hours=6 * 3 + 1 + 2)
            ds.contact(cid, at=at, channel="voice", customer_id=customer)
            ds.entry(cid, queue="q1", agent=agent, wait_s=5)
            ds.segment(cid, agent, queue="q1", talk_s=1200 if cid == "k1-2" else 200, hold_s=0, acw_s=30,
                       transferred_out=cid == "k1-1")
    ds.survey("k1-0", "csat", 1)
    ds.survey("k1-5", "csat", 5)
    for n in range(2):
        cid = f"chat-{n}"
        ds.contact(cid, at=MONDAY + dt.timedelta(days=1, hours=10 + n), channel="chat", customer_id=f"cc{n}")
        ds.entry(cid, queue="q2", agent="a1", wait_s=5)
        ds.segment(cid, "a1", queue="q2", talk_s=300, hold_s=0, acw_s=0)
    return ds


def add_form(runtime: Runtime) -> int:
    """A published form version in the quality tables (rows written directly); returns its id."""
    from callboard.store.appdb.quality_models import QaForm, QaFormVersion

    now = dt.datetime(2026, 3, 1)
    with runtime.app_db.session() as s:
        form = QaForm(name=FORM["name"], archived=False, created_at=now, created_by="admin")
        s.add(form)
        s.flush()
        version = QaFormVersion(form_id=form.id, version=1, status="published", scoring_mode="points_weighted_by_group",
                                definition_json=json.dumps(FORM), created_at=now, created_by="admin", published_at=now)
        s.add(version)
        s.flush()
        return version.id


def build(data_dir: Path) -> Runtime:
    runtime = build_runtime(load_settings(data_dir))
    runtime.store.load(dataset().batch())
    org = runtime.org
    org.add_site(LOCAL_OWNER, site_id="s1", name="Site One", time_zone="UTC")
    org.add_team(LOCAL_OWNER, team_id="tA", name="Team A", site_id="s1")
    org.add_team(LOCAL_OWNER, team_id="tB", name="Team B", site_id="s1")
    org.add_memberships(LOCAL_OWNER, [MembershipInfo(a, t, dt.datetime(2025, 1, 1), None)
                                      for a, t in (("a1", "tA"), ("a2", "tA"), ("a3", "tB"))])
    for username, role, agent in (("admin", "admin", None), ("qa1", "qa_analyst", None), ("qa2", "qa_analyst", None),
                                  ("qa3", "qa_analyst", None), ("supA", "supervisor", None), ("ag1", "agent", "a1")):
        runtime.users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role, agent_id=agent)
        if role == "qa_analyst":
            org.assign_site(LOCAL_OWNER, username=username, site_id="s1")
    org.set_supervisor(LOCAL_OWNER, username="supA", team_id="tA")
    return runtime
