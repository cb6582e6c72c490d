"""A tiny hand-made organisation for goal tests: 2 sites, 3 teams, 4 agents, one user per role.

Site s1: team tA (agents a1, a2), team tB (a3). Site s2: team tC (a4). Contacts are single segments on
queue q1 (voice) with talk only, so a contact's handle time is its talk time.

History (AHT per agent and week, the 8 weeks 2026-01-05 .. 2026-03-01 before a goal starting 2026-03-02):
  a1: 100 (week of 01-05), 200 (01-12), 300 (01-19)     a2: 400 (01-26), 500 (02-02), 600 (02-09)
  a3 (team tB): 50 in week 01-05 - not team tA's.   Outside the 8 weeks: a1 9999 on 2025-12-29 (too early).
March 2026 (the goal month), 09:00 UTC:
  a1: 5 contacts on 03-02..03-06 with talk 100, 120, 140, 160, 230 s  -> handled 5, AHT 750/5 = 150 s
  a2: 1 contact on 03-09, talk 300 s                                   -> team tA handled 6, AHT 1050/6 = 175 s
  a1: 1 contact on 03-20 (after as_of 03-10 in the tests, so not counted there)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset

JOINED = dt.datetime(2025, 1, 1)
PASSWORD = "goal-test-pw-1"
USERS = (  # username, role, agent_id, site (manager), supervised teams
    ("admin", "admin", None, None, ()),
    ("mgr", "manager", None, "s1", ()),
    ("supA", "supervisor", None, None, ("tA",)),
    ("supB", "supervisor", None, None, ("tB",)),
    ("ag1", "agent", "a1", None, ()),
    ("ag4", "agent", "a4", None, ()),
    ("qa", "qa_analyst", None, None, ()),
    ("planner", "planner", None, None, ()),
)


def dataset() -> Dataset:
    ds = Dataset(source="goals")
    n = 0

    def handled(agent: str, day: dt.date, talk_s: float) -> None:
        nonlocal n
        n += 1
        cid = f"g{n:04d}"
        ds.contact(cid, at=dt.datetime.combine(day, dt.time(9)), channel="voice")
        ds.entry(cid, queue="q1", outcome="answered", wait_s=5, agent=agent)
        ds.segment(cid, agent, queue="q1", talk_s=talk_s, hold_s=0, acw_s=0, hold_count=0)

    for agent, day, talk in (("a1", "2026-01-06", 100), ("a1", "2026-01-13", 200), ("a1", "2026-01-20", 300),
                             ("a2", "2026-01-27", 400), ("a2", "2026-02-03", 500), ("a2", "2026-02-10", 600),
                             ("a3", "2026-01-06", 50), ("a1", "2025-12-30", 9999), ("a4", "2026-02-10", 77)):
        handled(agent, dt.date.fromisoformat(day), talk)
    for offset, talk in enumerate((100, 120, 140, 160, 230)):
        handled("a1", dt.date(2026, 3, 2) + dt.timedelta(days=offset), talk)
    handled("a2", dt.date(2026, 3, 9), 300)
    handled("a1", dt.date(2026, 3, 20), 1000)
    return ds


def build(data_dir: Path) -> Runtime:
    """A runtime on a fresh data dir with the dataset, org and users (the caller closes it)."""
    runtime = build_runtime(load_settings(data_dir))
    runtime.store.load(dataset().batch())
    org = runtime.org
    org.add_site(LOCAL_OWNER, site_id="s1", name="Site One", time_zone="UTC")
    org.add_site(LOCAL_OWNER, site_id="s2", name="Site Two", time_zone="UTC")
    for team, site in (("tA", "s1"), ("tB", "s1"), ("tC", "s2")):
        org.add_team(LOCAL_OWNER, team_id=team, name=f"Team {team[1]}", site_id=site)
    org.add_memberships(LOCAL_OWNER, [MembershipInfo(a, t, JOINED, None)
                                      for a, t in (("a1", "tA"), ("a2", "tA"), ("a3", "tB"), ("a4", "tC"))])
    for username, role, agent, site, teams in USERS:
        runtime.users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role, agent_id=agent,
                                  site_id=site)
        for team in teams:
            org.set_supervisor(LOCAL_OWNER, username=username, team_id=team)
    return runtime
