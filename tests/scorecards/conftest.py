"""A small contact centre for scorecard web tests: 3 teams on 2 sites, one user per role, a live server.

Team t_a (site s1) is the 12-versus-400 team, on transfer rate (lower is better):
  ag_small 0 transfers in 12 handled (0%), ag_b1 and ag_b2 20 in 400 (5%), ag_c 40 in 400 (10%), ag_d 60 in 400 (15%).
Team t_b (site s1): ag_x 5 in 50. Team t_c (site s2): ag_y 10 in 50. All contacts in March 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.runtime import Runtime, build_runtime
from callboard.scorecards.config import ItemSpec, ScorecardSpec
from tests.metrics.builders import Dataset
from tests.web.web_live import sign_in, start_server

PASSWORD = "scorecard-pass-1"
TEAM_A = {"ag_small": (12, 0), "ag_b1": (400, 20), "ag_b2": (400, 20), "ag_c": (400, 40), "ag_d": (400, 60)}
OTHERS = {"ag_x": ("t_b", 50, 5), "ag_y": ("t_c", 50, 10)}
USERS = {  # username: (role, agent_id, manager site)
    "admin": ("admin", None, None), "manager1": ("manager", None, "s1"), "sup_a": ("supervisor", None, None),
    "qa2": ("qa_analyst", None, None), "planner": ("planner", None, None), "small": ("agent", "ag_small", None),
    "b1": ("agent", "ag_b1", None),
}
TRANSFER_CARD = (ItemSpec("kpi", "transfer_rate", 80, 0.15, 0.0), ItemSpec("qa", "qa_score", 20, 60, 90))


def build_dataset() -> Dataset:
    ds = Dataset(source="sc")
    start = dt.datetime(2026, 3, 2, 8)
    n = 0
    plan = {agent: counts for agent, counts in TEAM_A.items()}
    plan.update({agent: (handled, transfers) for agent, (_, handled, transfers) in OTHERS.items()})
    for agent, (handled, transfers) in plan.items():
        for i in range(handled):
            n += 1
            cid = f"c{n:05d}"
            at = start + dt.timedelta(days=i % 20, minutes=i)
            ds.contact(cid, at=at, customer_id=f"cust{n}")
            ds.entry(cid, wait_s=5, agent=agent)
            ds.segment(cid, agent, talk_s=200, acw_s=20, transferred_out=i < transfers)
    return ds


def fill(data_dir: Path) -> None:
    with build_runtime(load_settings(data_dir)) as runtime:
        runtime.store.load(build_dataset().batch())
        org = runtime.org
        org.add_site(LOCAL_OWNER, site_id="s1", name="North")
        org.add_site(LOCAL_OWNER, site_id="s2", name="South")
        for team, site in (("t_a", "s1"), ("t_b", "s1"), ("t_c", "s2")):
            org.add_team(LOCAL_OWNER, team_id=team, name=f"Team {team[-1].upper()}", site_id=site)
        since = dt.datetime(2026, 1, 1)
        org.add_memberships(LOCAL_OWNER, [MembershipInfo(a, "t_a", since, None) for a in TEAM_A]
                            + [MembershipInfo(a, team, since, None) for a, (team, _, _) in OTHERS.items()])
        for username, (role, agent, site) in USERS.items():
            runtime.users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role, agent_id=agent,
                                      site_id=site, display_name=username)
        org.set_supervisor(LOCAL_OWNER, username="sup_a", team_id="t_a")
        org.assign_site(LOCAL_OWNER, username="qa2", site_id="s2")
        for team in ("t_a", "t_b", "t_c"):
            runtime.scorecards.create_scorecard(LOCAL_OWNER, ScorecardSpec(f"Team {team}", "team", team, "month",
                                                                           TRANSFER_CARD))


@dataclass
class ScServer:
    url: str
    runtime: Runtime

    def client(self, username: str) -> httpx.Client:
        return sign_in(httpx.Client(base_url=self.url, timeout=120), username, PASSWORD)


@pytest.fixture(scope="module")
def sc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScServer]:
    data_dir = tmp_path_factory.mktemp("scorecards") / "data"
    fill(data_dir)
    runtime = build_runtime(load_settings(data_dir))
    server, thread, url, _ = start_server(runtime)
    try:
        yield ScServer(url, runtime)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        runtime.close()
