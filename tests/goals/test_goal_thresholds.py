"""A team goal on service level counts each channel against its own threshold, as the team's dashboard does.

Team tX: agent x1 answers calls (queue qv, voice), agent x2 answers chats (queue qc, chat), March 2026.
The built-in organisation settings give calls 20 s and chats 45 s (nothing saved: version 0).
  calls: waits 10 s (within 20) and 30 s (not)          -> 1 of 2
  chats: waits 30 s (within 45, not within 20) and 60 s -> 1 of 2
No abandons, so service level = answered within threshold / offered:
  per channel thresholds: (1 + 1) / 4 = 0.5;  everything at 20 s: 1 / 4 = 0.25 (what a pinned goal showed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.goals.model import GoalInput
from callboard.org.org import MembershipInfo
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset

MARCH = dt.date(2026, 3, 2)
AS_OF = dt.date(2026, 3, 10)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    ds = Dataset(source="thresholds")
    for n, (agent, queue, channel, wait_s) in enumerate((("x1", "qv", "voice", 10), ("x1", "qv", "voice", 30),
                                                         ("x2", "qc", "chat", 30), ("x2", "qc", "chat", 60))):
        cid = f"t{n}"
        ds.contact(cid, at=dt.datetime(2026, 3, 3 + n, 9), channel=channel)
        ds.entry(cid, queue=queue, outcome="answered", wait_s=wait_s, agent=agent)
        ds.segment(cid, agent, queue=queue, talk_s=60, hold_s=0, acw_s=0, hold_count=0)
    rt = build_runtime(load_settings(Path(tmp_path_factory.mktemp("goal-thresholds"))))
    rt.store.load(ds.batch())
    rt.org.add_site(LOCAL_OWNER, site_id="s1", name="Site One", time_zone="UTC")
    rt.org.add_team(LOCAL_OWNER, team_id="tX", name="Team X", site_id="s1")
    rt.org.add_memberships(LOCAL_OWNER, [MembershipInfo(a, "tX", dt.datetime(2025, 1, 1), None) for a in ("x1", "x2")])
    rt.users.create_user(LOCAL_OWNER, username="boss", password="goal-test-pw-1", role="admin")
    try:
        yield rt
    finally:
        rt.close()


def _goal(runtime: Runtime, metric: str) -> float | None:
    admin = runtime.users.viewer("boss")
    goal = runtime.goals.create(admin, GoalInput(name=metric, metric=metric, target=0.8, starts_on=MARCH,
                                                       period="month", scope_kind="team", scope_id="tX"))
    view = runtime.goals.get(admin, goal.id)
    value = runtime.goals.with_progress([view], AS_OF)[0].progress.value
    return None if value is None else float(value)


def test_team_goal_uses_each_channels_threshold_like_the_dashboard(runtime: Runtime) -> None:
    dashboard = runtime.kpi.query(metrics=["service_level"], where={"team": ["tX"]}, from_date=MARCH, to_date=AS_OF)
    assert dashboard.rows[0]["service_level"] == pytest.approx(0.5)
    assert _goal(runtime, "service_level") == pytest.approx(0.5)
    view = next(g for g in runtime.goals.list_goals(runtime.users.viewer("boss")) if g.name == "service_level")
    assert "chat 45" in view.definition and view.metric == "service_level.callboard"


def test_a_threshold_given_with_the_goal_applies_to_every_channel(runtime: Runtime) -> None:
    assert _goal(runtime, "service_level(threshold_s=20)") == pytest.approx(0.25)

