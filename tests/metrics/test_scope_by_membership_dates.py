"""A supervisor sees their teams' agents only while the agents were in their teams (team_memberships is
effective-dated): an agent who moved keeps their earlier work in the old team's figures and their later work in
the new team's, never both. Every expected number is a count of the hand-made calls below."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.core.settings import Settings
from callboard.core.viewer import Viewer
from callboard.metrics.catalog import Catalog
from callboard.metrics.drill import ContactRows
from callboard.metrics.service import KpiService
from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.builders import T0, Dataset

MOVE = T0 + dt.timedelta(days=2)  # a012 leaves t_care for t_tech on Wednesday 09:00


def _data() -> Dataset:
    d = Dataset(source="acd")
    calls = [("c1", "a012", T0), ("c2", "a012", T0 + dt.timedelta(days=1)),  # a012 in t_care: 2 calls
             ("c3", "a012", MOVE + dt.timedelta(hours=1)),  # a012 in t_tech: 1 call
             ("c4", "a005", T0), ("c5", "a005", MOVE + dt.timedelta(hours=2)),  # a005, always t_care: 2 calls
             ("c6", "a020", T0)]  # a020, always t_tech: 1 call
    for contact, agent, at in calls:
        d.contact(contact, at=at)
        d.entry(contact, agent=agent, wait_s=10)
        d.segment(contact, agent, talk_s=60, at=at + dt.timedelta(seconds=10))
    start = T0 - dt.timedelta(days=30)
    d.membership("a012", "t_care", valid_from=start, valid_to=MOVE)
    d.membership("a012", "t_tech", valid_from=MOVE)
    d.membership("a005", "t_care", valid_from=start)
    d.membership("a020", "t_tech", valid_from=start)
    return d


def _supervisor(team: str, agents: set[str]) -> Viewer:
    """As org.scope builds it: the agents ever in the team, and the team."""
    return Viewer(username=f"sup.{team}", role="supervisor", agent_ids=frozenset(agents), team_ids=frozenset({team}))


CARE = _supervisor("t_care", {"a012", "a005"})
TECH = _supervisor("t_tech", {"a012", "a020"})


@pytest.fixture()
def kpi(tmp_path: Path) -> Iterator[KpiService]:
    store = DuckDBStore(tmp_path / "analytics.duckdb")
    store.load(_data().batch())
    yield KpiService(store=store, catalog=Catalog.load(), settings=Settings(data_dir=tmp_path, time_zone="UTC"))
    store.close()


def _handled_by_agent(kpi: KpiService, viewer: Viewer, **where: list[str]) -> dict[str, float]:
    rows = kpi.query(metrics=["handled"], by=["agent"], viewer=viewer, where=where or None).rows
    return {str(r["agent"]): r["handled"] for r in rows}


def test_a_moved_agent_counts_for_each_supervisor_only_while_in_their_team(kpi: KpiService) -> None:
    assert _handled_by_agent(kpi, CARE) == {"a012": 2, "a005": 2}  # c1, c2 (before the move); c4, c5
    assert _handled_by_agent(kpi, TECH) == {"a012": 1, "a020": 1}  # c3 (after the move); c6
    # the totals and a queue's figures follow: care handled 4 of the 6 calls, tech 2
    [care] = kpi.query(metrics=["handled"], viewer=CARE).rows
    [tech] = kpi.query(metrics=["handled"], viewer=TECH).rows
    assert (care["handled"], tech["handled"]) == (4, 2)
    # an agent of both (by date) asked for by name: only the part in the viewer's team
    assert _handled_by_agent(kpi, TECH, agent=["a012"]) == {"a012": 1}


def test_another_teams_filter_matches_nothing(kpi: KpiService) -> None:
    """A team filter narrows the scope and never widens it: t_tech's work (a012's c3, a020's c6) stays hidden."""
    assert _handled_by_agent(kpi, CARE, team=["t_tech"]) == {}
    assert _handled_by_agent(kpi, CARE, team=["t_care", "t_tech"]) == {"a012": 2, "a005": 2}
    [own] = kpi.query(metrics=["handled"], viewer=CARE, where={"team": ["t_care"]}).rows
    assert own["handled"] == 4


def test_contact_rows_follow_the_same_dates(kpi: KpiService) -> None:
    rows = ContactRows(kpi)
    care = rows.contacts(viewer=CARE, metric="handled", where={"agent": ["a012"]})
    tech = rows.contacts(viewer=TECH, metric="handled", where={"agent": ["a012"]})
    assert sorted(r.contact_id for r in care.rows) == ["c1", "c2"]
    assert [r.contact_id for r in tech.rows] == ["c3"]


def test_an_agent_still_sees_all_their_own_work(kpi: KpiService) -> None:
    a012 = Viewer(username="a012", role="agent", agent_id="a012", agent_ids=frozenset({"a012"}),
                  team_ids=frozenset({"t_care", "t_tech"}))
    assert _handled_by_agent(kpi, a012) == {"a012": 3}  # c1, c2, c3


def test_a_supervisor_of_no_team_sees_nothing(kpi: KpiService) -> None:
    """An empty scope matches no row (it once became a SQL literal holding a NUL character: a parser error)."""
    nobody = Viewer(username="sup.new", role="supervisor", agent_ids=frozenset(), team_ids=frozenset())
    assert _handled_by_agent(kpi, nobody) == {}
