"""AppraisalService on the hand-checked data of appraisal_data.py: numbers, permissions, comments, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from callboard.appraisal.charts import trend_chart
from callboard.appraisal.model import AppraisalPacket
from callboard.core.errors import Forbidden, InvalidInput, NotFound
from callboard.core.settings import load_settings
from callboard.org.audit import entries
from callboard.runtime import Runtime, build_runtime
from tests.appraisal.appraisal_data import fill_appraisal_data_dir


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data_dir = fill_appraisal_data_dir(tmp_path_factory.mktemp("appraisal") / "data")
    with build_runtime(load_settings(data_dir)) as rt:
        yield rt


@pytest.fixture(scope="module")
def amy_october(runtime: Runtime) -> AppraisalPacket:
    """Computed once: each packet runs several KPI queries."""
    return runtime.appraisal.packet(runtime.users.viewer("sup1"), "amy", "2026-10")


def kpi(packet, metric: str):  # type: ignore[no-untyped-def]
    return next(k for k in packet.kpis if k.metric == metric)


def test_amy_october_by_hand(amy_october: AppraisalPacket) -> None:
    packet = amy_october
    assert packet.agent_name == "Amy Lindgren" and packet.teams == ("Team One",)
    assert kpi(packet, "handled").value == 3  # c1, c2, c3
    assert kpi(packet, "aht_s").value == pytest.approx(240.0)  # (240 + 120 + 360) / 3
    assert kpi(packet, "hold_rate").value == pytest.approx(1 / 3)  # c2 held
    assert kpi(packet, "transfer_rate").value == pytest.approx(1 / 3)  # c3 transferred
    # the month before: c5 alone
    assert kpi(packet, "handled").previous_value == 1
    assert kpi(packet, "aht_s").previous_value == pytest.approx(180.0)
    # the team (amy + bob): (240 + 120 + 360 + 600) / 4; a count has no team comparison
    assert packet.team_compared
    assert kpi(packet, "aht_s").team_value == pytest.approx(330.0)
    assert kpi(packet, "transfer_rate").team_value == pytest.approx(0.25)
    assert kpi(packet, "handled").team_value is None


def test_weekly_trend_by_hand(amy_october: AppraisalPacket) -> None:
    aht = next(t for t in amy_october.trends if t.metric == "aht_s")
    # week of Mon 5 Oct: c1 240 s and c2 120 s -> 180 s; week of Mon 19 Oct: c3 360 s; no other week has contacts
    assert [(p.label, p.value) for p in aht.points] == [("2026-10-05", 180.0), ("2026-10-19", 360.0)]
    svg = trend_chart(aht, target=200.0)
    assert svg.count("<circle") == 2 and "stroke-dasharray" in svg  # two points and the goal line


def test_quarters_and_default_period(runtime: Runtime) -> None:
    sup = runtime.users.viewer("sup1")
    q4 = runtime.appraisal.packet(sup, "amy", "2026-Q4")
    assert kpi(q4, "aht_s").value == pytest.approx(240.0)  # only October has contacts in Q4
    assert kpi(q4, "aht_s").previous_value == pytest.approx(180.0)  # Q3: c5 alone
    # amy's last day with data is 20 Oct (c3): the default is the month holding it
    assert runtime.appraisal.default_period(sup, "amy").label == "2026-10"


def test_agents_see_their_own_packet_without_team_figures(runtime: Runtime) -> None:
    amy = runtime.users.viewer("amy")
    packet = runtime.appraisal.packet(amy, "amy", "2026-10")
    assert kpi(packet, "aht_s").value == pytest.approx(240.0)
    assert not packet.team_compared and kpi(packet, "aht_s").team_value is None
    assert not packet.can_comment and not packet.can_export
    with pytest.raises(Forbidden):
        runtime.appraisal.packet(amy, "bob", "2026-10")
    with pytest.raises(Forbidden):
        runtime.appraisal.export_packet(amy, "amy", "2026-10")


@pytest.mark.parametrize(("username", "agent", "allowed"), [
    ("sup1", "cat", False), ("sup2", "cat", True), ("boss", "bob", True), ("boss", "cat", False),
    ("qa", "amy", False), ("plan", "amy", False),
])
def test_who_opens_which_packet(runtime: Runtime, username: str, agent: str, allowed: bool) -> None:
    viewer = runtime.users.viewer(username)
    if allowed:
        assert runtime.appraisal.packet(viewer, agent, "2026-10").agent_id == agent
    else:
        with pytest.raises(Forbidden):
            runtime.appraisal.packet(viewer, agent, "2026-10")
        with pytest.raises(Forbidden):
            runtime.appraisal.export_csv(viewer, agent, "2026-10")


def test_unknown_agent_and_bad_period(runtime: Runtime) -> None:
    root = runtime.users.viewer("root")
    with pytest.raises(NotFound):
        runtime.appraisal.packet(root, "nobody", "2026-10")
    with pytest.raises(InvalidInput):
        runtime.appraisal.packet(root, "amy", "October")


def test_comments_are_audited_and_shown_in_the_quarter(runtime: Runtime) -> None:
    sup = runtime.users.viewer("sup1")
    added = runtime.appraisal.add_comment(sup, agent_id="bob", period="2026-10", text="  Calm and thorough.  ")
    assert (added.text, added.period_label, added.author_username) == ("Calm and thorough.", "2026-10", "sup1")
    bob = runtime.users.viewer("bob")
    assert [c.text for c in runtime.appraisal.comments(bob, agent_id="bob", period="2026-Q4")] == ["Calm and thorough."]
    assert runtime.appraisal.comments(bob, agent_id="bob", period="2026-11") == ()
    with runtime.app_db.session() as session:
        entry = entries(session, entity="appraisal_comment")[0]
    assert (entry.actor, entry.action, entry.entity_id) == ("sup1", "create", str(added.id))
    assert entry.before is None and entry.after == {"agent_id": "bob", "period": "2026-10",
                                                     "text": "Calm and thorough."}


@pytest.mark.parametrize(("username", "agent"), [("bob", "bob"), ("qa", "bob"), ("plan", "bob"), ("sup2", "bob")])
def test_who_may_not_comment(runtime: Runtime, username: str, agent: str) -> None:
    with pytest.raises(Forbidden):
        runtime.appraisal.add_comment(runtime.users.viewer(username), agent_id=agent, period="2026-10", text="x")


def test_empty_comment_is_refused(runtime: Runtime) -> None:
    with pytest.raises(InvalidInput):
        runtime.appraisal.add_comment(runtime.users.viewer("sup1"), agent_id="amy", period="2026-10", text="   ")


def test_csv_holds_the_packet_numbers(runtime: Runtime) -> None:
    text = runtime.appraisal.export_csv(runtime.users.viewer("boss"), "amy", "2026-10")
    rows = list(csv.DictReader(io.StringIO(text)))
    aht = next(r for r in rows if r["section"] == "kpi" and r["metric"] == "aht.callboard")
    assert (float(aht["value"]), float(aht["previous_value"]), float(aht["team_value"])) == (240.0, 180.0, 330.0)
    assert {r["section"] for r in rows} >= {"agent", "kpi", "trend_week"}
    assert next(r for r in rows if r["item"] == "name")["value"] == "Amy Lindgren"


def test_empty_sections_say_why(amy_october: AppraisalPacket) -> None:
    packet = amy_october
    assert not packet.qa_section.available and "quality" in packet.qa_section.empty_message.lower()
    assert not packet.coaching_section.available and packet.coaching_section.empty_message
    assert not packet.goals and packet.goals_section.empty_message  # no goals were set in this data
