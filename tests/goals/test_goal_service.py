"""GoalService on the hand-made organisation (tests/goals/goal_data.py): who may set and see which goals,
audit before/after, suggested targets and progress, each number worked out by hand in goal_data's docstring."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from callboard.core.errors import Forbidden, InvalidInput, NotFound
from callboard.goals.model import GoalInput
from callboard.runtime import Runtime
from callboard.store.appdb.models import AuditEntry

MARCH = dt.date(2026, 3, 2)
AS_OF = dt.date(2026, 3, 10)  # 10 of March's 31 days elapsed


def spec(**kw: object) -> GoalInput:
    base: dict[str, object] = {"name": "g", "metric": "aht_s", "target": 160, "starts_on": MARCH, "period": "month",
                               "scope_kind": "agent", "scope_id": "a1"}
    return GoalInput(**{**base, **kw})  # type: ignore[arg-type]


def v(runtime: Runtime, username: str):  # type: ignore[no-untyped-def]
    return runtime.users.viewer(username)


@pytest.mark.parametrize(("user", "kind", "scope", "allowed"), [
    ("supA", "agent", "a1", True), ("supA", "team", "tA", True),
    ("supA", "agent", "a3", False), ("supA", "team", "tB", False), ("supA", "queue", "q1", False),
    ("mgr", "team", "tB", True), ("mgr", "agent", "a3", True),
    ("mgr", "team", "tC", False), ("mgr", "agent", "a4", False), ("mgr", "channel", "voice", False),
    ("admin", "team", "tC", True), ("admin", "queue", "q1", True), ("admin", "channel", "voice", True),
    ("ag1", "agent", "a1", False), ("qa", "team", "tA", False), ("planner", "team", "tA", False),
])
def test_who_may_set_goals(runtime: Runtime, user: str, kind: str, scope: str, allowed: bool) -> None:
    goal = spec(name=f"{user}-{kind}-{scope}", scope_kind=kind, scope_id=scope)
    if allowed:
        assert runtime.goals.create(v(runtime, user), goal).scope_id == scope
    else:
        with pytest.raises(Forbidden):
            runtime.goals.create(v(runtime, user), goal)


def test_who_sees_which_goals(runtime: Runtime) -> None:
    admin = v(runtime, "admin")
    made = {name: runtime.goals.create(admin, spec(name=name, scope_kind=k, scope_id=s)).id
            for name, k, s in (("see-a1", "agent", "a1"), ("see-a3", "agent", "a3"), ("see-tA", "team", "tA"),
                               ("see-tC", "team", "tC"), ("see-q1", "queue", "q1"))}

    def names(user: str) -> set[str]:
        return {g.name for g in runtime.goals.list_goals(v(runtime, user)) if g.name.startswith("see-")}

    assert names("ag1") == {"see-a1", "see-tA"}  # own and own team's
    assert names("supA") == {"see-a1", "see-tA", "see-q1"}
    assert names("supB") == {"see-a3", "see-q1"}
    assert names("mgr") == {"see-a1", "see-a3", "see-tA", "see-q1"}
    assert names("admin") == set(made)
    with pytest.raises(Forbidden):
        runtime.goals.list_goals(v(runtime, "qa"))
    with pytest.raises(Forbidden):
        runtime.goals.list_goals(v(runtime, "planner"))
    with pytest.raises(Forbidden):
        runtime.goals.get(v(runtime, "ag1"), made["see-a3"])
    with pytest.raises(Forbidden):
        runtime.goals.get(v(runtime, "ag4"), made["see-tA"])
    with pytest.raises(Forbidden):  # a supervisor cannot edit or archive another team's goal
        runtime.goals.archive(v(runtime, "supA"), made["see-a3"])
    with pytest.raises(Forbidden):  # nor move their own goal into another team
        runtime.goals.update(v(runtime, "supA"), made["see-a1"], spec(name="moved", scope_id="a3"))


def test_create_update_archive_are_audited_with_before_and_after(runtime: Runtime) -> None:
    sup = v(runtime, "supA")
    goal = runtime.goals.create(sup, spec(name="audited", target=160))
    assert goal.metric == "aht.callboard" and goal.direction == "lower"  # from the catalog's `better`
    assert goal.amber_band == 16.0  # default: 10% of the target for a non-ratio
    assert (goal.starts_on, goal.ends_on, goal.owner) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31), "supA")
    runtime.goals.update(sup, goal.id, spec(name="audited", target=150, amber_band=10))
    runtime.goals.archive(sup, goal.id)
    with runtime.app_db.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.entity == "goal", AuditEntry.entity_id == str(goal.id))
                         .order_by(AuditEntry.id)).all()
        entries = [(r.action, r.actor, json.loads(r.before_json) if r.before_json else None,
                    json.loads(r.after_json)) for r in rows]
    assert [e[0] for e in entries] == ["create", "update", "archive"]
    assert all(e[1] == "supA" for e in entries)
    assert entries[0][2] is None and entries[0][3]["target"] == 160
    assert (entries[1][2]["target"], entries[1][3]["target"]) == (160, 150)
    assert (entries[1][2]["amber_band"], entries[1][3]["amber_band"]) == (16.0, 10.0)
    assert (entries[2][2]["archived"], entries[2][3]["archived"]) == (False, True)
    assert "audited" not in {g.name for g in runtime.goals.list_goals(sup)}
    with pytest.raises(InvalidInput):
        runtime.goals.update(sup, goal.id, spec(name="again"))


def test_invalid_goals_say_what_is_wrong(runtime: Runtime) -> None:
    admin = v(runtime, "admin")
    with pytest.raises(NotFound, match="unknown metric"):
        runtime.goals.create(admin, spec(metric="no_such_metric"))
    with pytest.raises(InvalidInput, match="ratio"):
        runtime.goals.create(admin, spec(metric="service_level", target=80))
    with pytest.raises(InvalidInput, match="collaborative"):
        runtime.goals.create(admin, spec(collaborative=True))
    with pytest.raises(NotFound, match="team"):
        runtime.goals.create(admin, spec(scope_kind="team", scope_id="nope"))
    with pytest.raises(InvalidInput, match="direction"):
        runtime.goals.create(admin, spec(metric="handled", target=10))  # handled has no `better`


def test_suggested_target_is_the_teams_percentile_of_weekly_agent_values(runtime: Runtime) -> None:
    # team tA's weekly agent AHT values in the 8 weeks 01-05..03-01: 100, 200, 300 (a1), 400, 500, 600 (a2);
    # a3 (team tB), a1's 9999 (12-30, before the window) and March (the goal's own week) are left out.
    # Lower is better -> 25th percentile: h = (6 - 1) * 0.25 = 1.25 -> 200 + 0.25 * (300 - 200) = 225.
    found = runtime.goals.suggest(v(runtime, "supA"), metric="aht_s", scope_kind="team", scope_id="tA",
                                  starts_on=MARCH)
    assert found.target == pytest.approx(225.0)
    assert (found.percentile, found.values_count, found.agents_count) == (25, 6, 2)
    assert (found.from_date, found.to_date) == (dt.date(2026, 1, 5), dt.date(2026, 3, 1))
    assert "25th percentile of 6 weekly agent values" in found.basis
    # Higher is better -> 75th: h = 3.75 -> 400 + 0.75 * 100 = 475; an agent goal uses the agent's team.
    higher = runtime.goals.suggest(v(runtime, "supA"), metric="aht_s", scope_kind="agent", scope_id="a2",
                                   starts_on=MARCH, direction="higher")
    assert higher.target == pytest.approx(475.0) and higher.percentile == 75
    with pytest.raises(Forbidden):
        runtime.goals.suggest(v(runtime, "supB"), metric="aht_s", scope_kind="team", scope_id="tA")


def test_progress_and_projection_by_hand(runtime: Runtime) -> None:
    admin = v(runtime, "admin")
    # a1 in March to 03-10: 5 contacts, AHT (100+120+140+160+230)/5 = 150 s; target 140 lower, band 15:
    # over by 10 -> amber; a rate projects as its current value; attainment 140/150.
    aht = runtime.goals.create(admin, spec(name="p-aht", target=140, amber_band=15))
    # a1 handled 5 in 10 of 31 days -> projected 5 * 31 / 10 = 15.5; target 20, band 2: short 4.5 -> red.
    handled = runtime.goals.create(admin, spec(name="p-handled", metric="handled", direction="higher", target=20,
                                               amber_band=2))
    # team tA: 6 handled -> 6 * 31 / 10 = 18.6 projected; target 18 -> green.
    team = runtime.goals.create(admin, spec(name="p-team", metric="handled", direction="higher", target=18,
                                            scope_kind="team", scope_id="tA", collaborative=True))
    items = {i.goal.name: i.progress for i in runtime.goals.with_progress(
        [runtime.goals.get(admin, g.id) for g in (aht, handled, team)], AS_OF)}
    p = items["p-aht"]
    assert (p.value, p.projected, p.projection, p.status) == (pytest.approx(150.0), pytest.approx(150.0),
                                                              "current value", "amber")
    assert p.attainment_ratio == pytest.approx(140 / 150)
    assert (p.elapsed_days, p.period_days, p.measured_to) == (10, 31, AS_OF)
    p = items["p-handled"]
    assert (p.value, p.projected, p.status) == (5, pytest.approx(15.5), "red")
    assert p.projection == "linear by elapsed days"
    p = items["p-team"]
    assert (p.value, p.projected, p.status) == (6, pytest.approx(18.6), "green")
    # before the period: not started
    early = runtime.goals.with_progress([runtime.goals.get(admin, aht.id)], dt.date(2026, 2, 20))[0].progress
    assert early.status == "not_started" and early.value is None


def test_goals_for_agent_shows_own_and_collaborative_team_goals(runtime: Runtime) -> None:
    sup = v(runtime, "supA")
    own = runtime.goals.create(sup, spec(name="fa-own", target=160))
    collab = runtime.goals.create(sup, spec(name="fa-collab", scope_kind="team", scope_id="tA", collaborative=True,
                                            target=180))
    plain = runtime.goals.create(sup, spec(name="fa-plain-team", scope_kind="team", scope_id="tA", target=180))
    other = runtime.goals.create(sup, spec(name="fa-a2", scope_id="a2"))
    items = runtime.goals.goals_for_agent(v(runtime, "ag1"), "a1", (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
                                          as_of=AS_OF)
    names = {i.goal.name: i for i in items}
    assert {"fa-own", "fa-collab"} <= set(names)
    assert plain.name not in names and other.name not in names
    # team tA AHT to 03-10 = (750 + 300) / 6 = 175 s; a1's own part = 150 s
    assert names["fa-collab"].progress.value == pytest.approx(175.0)
    assert names["fa-collab"].progress.member_value == pytest.approx(150.0)
    assert names["fa-own"].progress.member_value is None and own.id == names["fa-own"].goal.id
    assert collab.collaborative
    with pytest.raises(Forbidden):
        runtime.goals.goals_for_agent(v(runtime, "ag1"), "a2", None, as_of=AS_OF)
