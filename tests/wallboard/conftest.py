"""A live server on a small data dir with one user per role that matters for the wallboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset
from tests.web.web_live import sign_in, start_server

PASSWORD = "wallboard-password"
USERS = {"admin": "root", "planner": "plan", "supervisor": "sup", "agent": "ann", "manager": "boss"}


@dataclass
class Live:
    url: str
    runtime: Runtime
    data_dir: Path

    @contextmanager
    def client(self, role: str | None) -> Iterator[httpx.Client]:
        """A client signed in as the role's user (CSRF header set), or nobody."""
        with httpx.Client(base_url=self.url, timeout=120) as client:
            yield sign_in(client, USERS[role], PASSWORD) if role else client


def _fill(runtime: Runtime) -> None:
    ds = Dataset(source="t")
    yesterday = dt.datetime.combine(dt.date.today() - dt.timedelta(days=1), dt.time(10))
    for n, (agent, queue) in enumerate((("ann", "billing"), ("bob", "sales"))):
        cid = ds.contact(f"c{n}", at=yesterday)
        ds.entry(cid, queue=queue, wait_s=5, agent=agent)
        ds.segment(cid, agent, queue=queue, at=yesterday, talk_s=60)
    runtime.store.load(ds.batch())
    org, users = runtime.org, runtime.users
    org.add_site(LOCAL_OWNER, site_id="s1", name="Site 1")
    for team in ("tA", "tB"):
        org.add_team(LOCAL_OWNER, team_id=team, name=f"Team {team}", site_id="s1")
    since = dt.datetime(2026, 1, 1)
    org.add_memberships(LOCAL_OWNER, [MembershipInfo("ann", "tA", since, None), MembershipInfo("bob", "tB", since, None)])
    for role, username in USERS.items():
        users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role,
                          agent_id="ann" if role == "agent" else None, site_id="s1" if role == "manager" else None)
    org.set_supervisor(LOCAL_OWNER, username="sup", team_id="tA")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir = tmp_path_factory.mktemp("wallboard-live")
    with build_runtime(load_settings(data_dir)) as runtime:
        _fill(runtime)
        server, thread, url, _ = start_server(runtime)
        try:
            yield Live(url, runtime, data_dir)
        finally:
            runtime.wallboard.stop_followers()
            server.should_exit = True
            thread.join(timeout=60)
