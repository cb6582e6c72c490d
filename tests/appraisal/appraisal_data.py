"""A hand-checked contact centre for appraisal tests: two sites, three agents, one user per role.

Site s1 has team t1 (amy, bob); site s2 has team t2 (cat). Time zone UTC. Handle = talk + hold + ACW.

| contact | day        | agent | talk | hold | ACW | handle | held | transferred |
| c1      | 2026-10-05 | amy   | 200  | 0    | 40  | 240    | no   | no          |
| c2      | 2026-10-06 | amy   | 100  | 20   | 0   | 120    | yes  | no          |
| c3      | 2026-10-20 | amy   | 300  | 0    | 60  | 360    | no   | yes         |
| c4      | 2026-10-07 | bob   | 500  | 0    | 100 | 600    | no   | no          |
| c5      | 2026-09-15 | amy   | 150  | 0    | 30  | 180    | no   | no          |
| c6      | 2026-10-08 | cat   | 90   | 0    | 30  | 120    | no   | no          |

Expected for amy in 2026-10: handled 3; AHT (240 + 120 + 360) / 3 = 240 s; hold rate 1/3; transfer rate 1/3.
2026-09 (previous month): handled 1, AHT 180 s. Team t1 in 2026-10: AHT (240+120+360+600) / 4 = 330 s,
transfer rate 1/4. 2026-Q4 for amy equals 2026-10 (no contacts in Nov/Dec); 2026-Q3 is c5 alone.
Weeks (Monday starts) of 2026-10 for amy: 2026-10-05 holds c1, c2 (AHT 180 s), 2026-10-19 holds c3 (360 s).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.records.batch import input_schema
from callboard.runtime import build_runtime
from tests.metrics.builders import Dataset

PASSWORD = "appraisal-password"
# username -> (role, agent_id, site_id)
USERS = {"root": ("admin", None, None), "sup1": ("supervisor", None, None), "sup2": ("supervisor", None, None),
         "amy": ("agent", "amy", None), "bob": ("agent", "bob", None), "boss": ("manager", None, "s1"),
         "qa": ("qa_analyst", None, None), "plan": ("planner", None, None)}
NAMES = {"amy": "Amy Lindgren", "bob": "Bob Achebe", "cat": "Cat Moreau"}
CONTACTS = (  # id, day, agent, talk, hold, acw, transferred
    ("c1", dt.date(2026, 10, 5), "amy", 200, 0, 40, False),
    ("c2", dt.date(2026, 10, 6), "amy", 100, 20, 0, False),
    ("c3", dt.date(2026, 10, 20), "amy", 300, 0, 60, True),
    ("c4", dt.date(2026, 10, 7), "bob", 500, 0, 100, False),
    ("c5", dt.date(2026, 9, 15), "amy", 150, 0, 30, False),
    ("c6", dt.date(2026, 10, 8), "cat", 90, 0, 30, False),
)
SINCE = dt.datetime(2026, 1, 1)


def build_dataset() -> Dataset:
    ds = Dataset(source="appraisal-test")
    for cid, day, agent, talk, hold, acw, transferred in CONTACTS:
        at = dt.datetime.combine(day, dt.time(10))
        ds.contact(cid, at=at)
        ds.entry(cid, wait_s=5, agent=agent)
        ds.segment(cid, agent, at=at + dt.timedelta(seconds=5), talk_s=talk, hold_s=hold,
                   hold_count=1 if hold else 0, acw_s=acw, transferred_out=transferred)
    return ds


def fill_appraisal_data_dir(data_dir: Path, app_db_url: str | None = None) -> Path:
    """Load the contacts, the organisation and the users (password PASSWORD) into a new data dir."""
    with build_runtime(load_settings(data_dir, app_db_url=app_db_url)) as runtime:
        batch = build_dataset().batch()
        batch.add("agents", pa.Table.from_pylist([{"agent_id": a, "display_name": n} for a, n in NAMES.items()],
                                                 schema=input_schema("agents")))
        runtime.store.load(batch)
        org, users = runtime.org, runtime.users
        org.add_site(LOCAL_OWNER, site_id="s1", name="North")
        org.add_site(LOCAL_OWNER, site_id="s2", name="South")
        org.add_team(LOCAL_OWNER, team_id="t1", name="Team One", site_id="s1")
        org.add_team(LOCAL_OWNER, team_id="t2", name="Team Two", site_id="s2")
        org.add_memberships(LOCAL_OWNER, [MembershipInfo("amy", "t1", SINCE, None), MembershipInfo("bob", "t1", SINCE, None),
                                          MembershipInfo("cat", "t2", SINCE, None)])
        for username, (role, agent_id, site_id) in USERS.items():
            users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role, agent_id=agent_id,
                              site_id=site_id, display_name=username.title())
        org.set_supervisor(LOCAL_OWNER, username="sup1", team_id="t1")
        org.set_supervisor(LOCAL_OWNER, username="sup2", team_id="t2")
        org.assign_site(LOCAL_OWNER, username="qa", site_id="s1")
    return data_dir
