"""WallboardService on a hand-made store: today's figures, agents by state, waits, scope, replay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from callboard.core.errors import Forbidden
from callboard.core.settings import load_settings
from callboard.core.viewer import Viewer
from callboard.runtime import Runtime, build_runtime
from callboard.wallboard.live import EventBatch
from callboard.wallboard.service import WallboardService
from tests.metrics.builders import Dataset

D = dt.datetime  # naive UTC, as stored
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)  # 11:00 in Berlin (UTC+1 in November)
ADMIN = Viewer("root", "admin")
PLANNER = Viewer("plan", "planner")
SUP_A = Viewer("sup", "supervisor", agent_ids=frozenset({"ann", "cat", "dan"}), team_ids=frozenset({"tA"}))


def dataset() -> Dataset:
    ds = Dataset(source="t")
    for agent, team in (("ann", "tA"), ("cat", "tA"), ("dan", "tA"), ("bob", "tB")):
        ds.membership(agent, team, valid_from=D(2026, 1, 1))
    # q1 today (Berlin day 2026-11-24 = [23:00 UTC on the 23rd, 23:00 UTC on the 24th)):
    entries = [("c1", D(2026, 11, 23, 23, 30), "answered", 10, "ann"),  # 00:30 local today: within 20 s
               ("c2", D(2026, 11, 24, 8, 0), "answered", 30, "ann"),  # over 20 s
               ("c3", D(2026, 11, 24, 8, 10), "abandoned", 40, None),  # late abandon
               ("c4", D(2026, 11, 24, 8, 20), "abandoned", 3, None),  # short abandon (<= 5 s): excluded
               ("c5", D(2026, 11, 24, 8, 30), "flowed_out", 60, None),
               ("c6", D(2026, 11, 23, 22, 30), "answered", 100, "ann")]  # 23:30 local yesterday: not today
    for cid, at, outcome, wait, agent in entries:
        ds.contact(cid, at=at)
        ds.entry(cid, queue="q1", outcome=outcome, wait_s=wait, agent=agent)
        if agent:
            ds.segment(cid, agent, queue="q1", at=at + dt.timedelta(seconds=wait), talk_s=60)
    for cid, at, wait in (("d1", D(2026, 11, 24, 9, 0), 5), ("d2", D(2026, 11, 24, 9, 59), 120)):
        ds.contact(cid, at=at)
        ds.entry(cid, queue="q2", outcome="answered", wait_s=wait, agent="bob")
        ds.segment(cid, "bob", queue="q2", at=at + dt.timedelta(seconds=wait), talk_s=60)
    ds.agent_state("ann", "available", at=D(2026, 11, 24, 9, 0), until=D(2026, 11, 24, 9, 40))
    ds.agent_state("ann", "aux", at=D(2026, 11, 24, 9, 40), reason="Lunch")  # open: 20 min at 10:00
    ds.agent_state("bob", "on_contact", at=D(2026, 11, 24, 9, 55), until=D(2026, 11, 24, 10, 5))
    ds.agent_state("cat", "offline", at=D(2026, 11, 24, 8, 0))
    ds.agent_state("dan", "available", at=D(2026, 11, 24, 9, 0), until=D(2026, 11, 24, 9, 30))  # gone by 10:00
    return ds


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data_dir: Path = tmp_path_factory.mktemp("wallboard")
    with build_runtime(load_settings(data_dir, time_zone="Europe/Berlin")) as rt:
        rt.store.load(dataset().batch())
        yield rt


def service(runtime: Runtime, now: dt.datetime = NOW) -> WallboardService:
    return WallboardService(runtime.store, runtime.settings, kpi=runtime.kpi, clock=lambda: now)


def test_today_so_far_in_the_organisation_time_zone(runtime: Runtime) -> None:
    board = service(runtime).snapshot(ADMIN)
    assert (board.mode, board.day, board.as_of) == ("live", dt.date(2026, 11, 24), D(2026, 11, 24, 10))
    q1 = next(q for q in board.queues if q.queue_id == "q1")
    # q1 today: c1..c5 offered 5; answered 2 (c1 within 20 s); abandoned 2 (c4 short); flowed out 1.
    # SL = within / (answered + abandoned + flowed_out - short) = 1 / (2 + 2 + 1 - 1) = 0.25
    # abandon rate = (abandoned - short) / (same denominator) = 1 / 4 = 0.25
    assert (q1.offered, q1.answered, q1.abandoned) == (5, 2, 2)
    assert q1.service_level == pytest.approx(0.25) and q1.abandon_rate == pytest.approx(0.25)
    assert (q1.service_level_colour, q1.abandon_colour) == ("red", "red")
    q2 = next(q for q in board.queues if q.queue_id == "q2")
    # q2: d1 within (5 s), d2 not (120 s): SL 1/2; nothing abandoned: 0 -> green
    assert q2.service_level == pytest.approx(0.5) and q2.abandon_rate == 0 and q2.abandon_colour == "green"
    # all queues, ratio of sums: within 2 (c1, d1) / (answered 4 + abandoned 2 + flowed 1 - short 1 = 6)
    assert board.total.service_level == pytest.approx(2 / 6)
    assert board.total.abandon_rate == pytest.approx(1 / 6)
    assert board.total.offered == 7


def test_agents_by_state_with_reason_and_time_in_state(runtime: Runtime) -> None:
    board = service(runtime).snapshot(ADMIN)
    rows = {a.agent_id: (a.state, a.reason, a.time_in_state_s, a.colour) for a in board.agents}
    # ann paused for Lunch since 09:40: 1200 s, amber (amber from 900 s, red from 1800 s); bob on a contact
    # since 09:55 (300 s); cat offline is counted but not listed; dan's last interval ended at 09:30.
    assert rows == {"ann": ("aux", "Lunch", 1200.0, "amber"), "bob": ("on_contact", None, 300.0, "none")}
    assert [(s.state, s.reason, s.agents) for s in board.states] == [
        ("on_contact", None, 1), ("aux", "Lunch", 1), ("offline", None, 1)]


def test_pushed_contacts_are_waiting_now(runtime: Runtime) -> None:
    wallboard = service(runtime)
    pushed = TypeAdapter(EventBatch).validate_python({"events": [
        {"type": "contact_queued", "contact_id": "p1", "queue_id": "q1", "at": "2026-11-24T09:58:00Z"},
        {"type": "contact_queued", "contact_id": "p2", "queue_id": "q1", "at": "2026-11-24T10:59:30+01:00"},
        {"type": "agent_state", "agent_id": "ann", "state": "available", "at": "2026-11-24T09:59:00Z"},
    ]}).events
    version = wallboard.hub.version
    assert wallboard.push_events(ADMIN, pushed) == 3
    assert wallboard.hub.version == version + 1
    board = wallboard.snapshot(ADMIN, queue_ids=["q1"])
    # p1 waits 120 s (since 09:58:00), p2 30 s: 2 waiting, longest 120 s: red (beyond 3 x 20 s)
    assert (board.total.waiting, board.total.longest_wait_s, board.total.wait_colour) == (2, 120.0, "red")
    ann = next(a for a in board.agents if a.agent_id == "ann")
    assert (ann.state, ann.source, ann.time_in_state_s) == ("available", "event", 60.0)
    with pytest.raises(Forbidden):
        wallboard.push_events(PLANNER, pushed)


def test_supervisor_sees_their_teams_queues_and_agents_only(runtime: Runtime) -> None:
    wallboard = service(runtime)
    board = wallboard.snapshot(SUP_A)
    assert [q.queue_id for q in board.queues] == ["q1"]  # ann answers q1; q2 is team B's
    assert [a.agent_id for a in board.agents] == ["ann"]
    team = wallboard.snapshot(SUP_A, team_id="tA")
    assert team.title == "Team tA" and [q.queue_id for q in team.queues] == ["q1"]
    for kwargs in ({"team_id": "tB"}, {"queue_ids": ["q2"]}):
        with pytest.raises(Forbidden):
            wallboard.snapshot(SUP_A, **kwargs)  # type: ignore[arg-type]


def test_an_agent_who_left_the_team_is_the_new_teams_to_watch(runtime: Runtime) -> None:
    """A supervisor's agents are everyone ever in their teams (their history stays theirs), but the live board
    shows who is in the teams now: ann is tA's since January, so a tB supervisor who once had her sees only bob
    (q2's agent) and not ann's queue q1."""
    once_had_ann = Viewer("supb", "supervisor", agent_ids=frozenset({"bob", "ann"}), team_ids=frozenset({"tB"}))
    board = service(runtime).snapshot(once_had_ann)
    assert [a.agent_id for a in board.agents] == ["bob"]
    assert [q.queue_id for q in board.queues] == ["q2"]


@pytest.mark.parametrize("role", ["agent", "qa_analyst"])
def test_roles_without_the_wallboard_are_refused(runtime: Runtime, role: str) -> None:
    with pytest.raises(Forbidden):
        service(runtime).snapshot(Viewer("x", role, agent_id="ann", agent_ids=frozenset({"ann"}),
                                         team_ids=frozenset({"tA"})))


def test_planner_sees_counts_not_agents(runtime: Runtime) -> None:
    board = service(runtime).snapshot(PLANNER, team_id="tB")
    assert board.agents == () and board.agents_hidden
    assert [(s.state, s.agents) for s in board.states] == [("on_contact", 1)]
    assert [q.queue_id for q in board.queues] == ["q2"]


def test_a_quiet_day_replays_the_latest_day_at_this_time(runtime: Runtime) -> None:
    board = service(runtime, dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)).snapshot(ADMIN)
    # nothing on the 25th or 26th: the 24th at the same local time (11:00 Berlin = 10:00 UTC)
    assert (board.mode, board.day, board.as_of) == ("replay", dt.date(2026, 11, 24), D(2026, 11, 24, 10))
    assert board.total.service_level == pytest.approx(2 / 6)
    # d2 entered q2 at 09:59:00 and was answered at 10:01: waiting 60 s at 10:00, amber (red only beyond 60 s)
    q2 = next(q for q in board.queues if q.queue_id == "q2")
    assert (q2.waiting, q2.longest_wait_s, q2.wait_colour) == (1, 60.0, "amber")
    assert board.notes and "replaying 2026-11-24" in board.notes[0]


def test_replay_at_night_moves_to_the_busiest_hour(runtime: Runtime) -> None:
    board = service(runtime, dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.timezone.utc)).snapshot(ADMIN)
    # nobody worked at 03:00 on the 24th; the busiest hour that day is 08:00-09:00 UTC (c2..c5): its middle
    assert (board.mode, board.as_of) == ("replay", D(2026, 11, 24, 8, 30))
    assert [(s.state, s.agents) for s in board.states] == [("offline", 1)]  # cat, offline since 08:00
