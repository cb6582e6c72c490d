"""Drill-down rows (metrics/drill.py) on a hand-made dataset, and the team outlier rule (metrics/outliers.py).

Dataset (one day, Mon 2026-03-02 UTC, queue q1 voice unless said; agents a1, a2 in team T1, a3 in T2):
  c1 answered after 10 s by a1; segment talk 100 s, hold 20 s (1 hold), ACW 30 s        -> handle 150 s
  c2 answered after 30 s by a1; segment talk 200 s, hold 0, ACW 10 s, transferred to a2  -> handle 210 s
     a2 segment (seq 1): talk 60 s, ACW 0                                                  -> handle 60 s
  c3 abandoned after 3 s   (a short abandon: <= 5 s)
  c4 abandoned after 40 s
  c5 flowed out after 50 s
  c6 answered after 5 s by a3 in queue q2; talk 90 s, ACW 10 s                            -> handle 100 s
Surveys: c1 CSAT 5, c2 CSAT 2.  Customers: c1 and c2 have distinct customers, no repeats.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from callboard.core.errors import Forbidden, InvalidInput
from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER, Viewer
from callboard.metrics.drill import ContactRows
from callboard.metrics.outliers import OutlierColumn, flag_outliers
from callboard.runtime import build_runtime
from tests.metrics.builders import T0, Dataset

DAY = T0.date()


def _dataset() -> Dataset:
    d = Dataset(source="t")
    since = T0 - dt.timedelta(days=30)
    for agent, team in (("a1", "T1"), ("a2", "T1"), ("a3", "T2")):
        d.membership(agent, team, valid_from=since)
    minute = dt.timedelta(minutes=1)
    d.contact("c1", at=T0, customer_id="k1")
    d.entry("c1", outcome="answered", wait_s=10, agent="a1")
    d.segment("c1", "a1", at=T0 + dt.timedelta(seconds=10), talk_s=100, hold_s=20, hold_count=1, acw_s=30)
    d.survey("c1", "csat", 5)
    d.contact("c2", at=T0 + minute, customer_id="k2")
    d.entry("c2", outcome="answered", wait_s=30, agent="a1")
    d.segment("c2", "a1", at=T0 + minute + dt.timedelta(seconds=30), talk_s=200, hold_s=0, acw_s=10,
              transferred_out=True)
    d.segment("c2", "a2", seq=1, at=T0 + 5 * minute, talk_s=60, hold_s=0, acw_s=0)
    d.survey("c2", "csat", 2)
    d.contact("c3", at=T0 + 2 * minute, customer_id="k3")
    d.entry("c3", outcome="abandoned", wait_s=3)
    d.contact("c4", at=T0 + 3 * minute, customer_id="k4")
    d.entry("c4", outcome="abandoned", wait_s=40)
    d.contact("c5", at=T0 + 4 * minute, customer_id="k5")
    d.entry("c5", outcome="flowed_out", wait_s=50)
    d.contact("c6", at=T0 + 6 * minute, customer_id="k6")
    d.entry("c6", queue="q2", outcome="answered", wait_s=5, agent="a3")
    d.segment("c6", "a3", queue="q2", at=T0 + 6 * minute + dt.timedelta(seconds=5), talk_s=90, hold_s=0, acw_s=10)
    return d


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> ContactRows:
    data_dir: Path = tmp_path_factory.mktemp("drill")
    runtime = build_runtime(load_settings(data_dir))
    runtime.store.load(_dataset().batch())
    yield ContactRows(runtime.kpi)
    runtime.close()


def _ids(page: object) -> list[str]:
    return sorted(r.contact_id for r in page.rows)  # type: ignore[attr-defined]


def _count(rows: ContactRows, metric: str, **kw: object) -> int:
    result = rows.kpi.query(metrics=[metric], from_date=DAY, to_date=DAY, viewer=None, **kw)  # type: ignore[arg-type]
    return int(result.rows[0][metric])


def test_count_metrics_rows_equal_the_kpi(rows: ContactRows) -> None:
    # offered: 6 queue entries; abandoned: c3, c4; handled: 4 segments (c1, c2 twice, c6); answered: c1, c2, c6
    for metric, expected in (("offered", ["c1", "c2", "c3", "c4", "c5", "c6"]), ("abandoned", ["c3", "c4"]),
                             ("handled", ["c1", "c2", "c2", "c6"]), ("answered", ["c1", "c2", "c6"])):
        page = rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric=metric)
        assert _ids(page) == expected, metric
        assert page.total == len(expected) == _count(rows, metric), metric


def test_rate_rows_are_its_numerator(rows: ContactRows) -> None:
    # abandon_rate = (abandoned 2 - short 1) / (answered 3 + abandoned 2 + flowed 1 - short 1): rows = c4 only
    page = rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="abandon_rate")
    assert _ids(page) == ["c4"]
    # its base: 5 rows, every entry but the short abandon c3; missed = base - counted = c1, c2, c5, c6
    assert _ids(rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="abandon_rate", part="base")) == \
        ["c1", "c2", "c4", "c5", "c6"]
    assert _ids(rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="abandon_rate", part="missed")) == \
        ["c1", "c2", "c5", "c6"]
    # service level (T = 20 s): answered within = c1 (10 s), c6 (5 s); c2 waited 30 s
    assert _ids(rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="service_level")) == ["c1", "c6"]
    # transfer_rate = transferred / handled: the one transferred segment, c2 by a1
    page = rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="transfer_rate")
    assert [(r.contact_id, r.agent, r.transferred) for r in page.rows] == [("c2", "a1", True)]
    # CSAT top-2 = answers 4-5 of 5: c1 (5), not c2 (2)
    assert _ids(rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="csat_top2_rate")) == ["c1"]


def test_average_rows_are_what_it_averages(rows: ContactRows) -> None:
    # aht_s = handle_ms / handle_known: 4 segments, mean (150 + 210 + 60 + 100) / 4 = 130 s
    page = rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="aht_s")
    handles = sorted(r.handle_s for r in page.rows)  # type: ignore[type-var]
    assert handles == [60.0, 100.0, 150.0, 210.0]
    assert sum(handles) / len(handles) == 130.0
    # the row of c1 carries the contact's other figures
    c1 = next(r for r in page.rows if r.contact_id == "c1")
    assert (c1.wait_s, c1.talk_s, c1.hold_s, c1.acw_s, c1.outcome, c1.csat, c1.queue) == \
        (10.0, 100.0, 20.0, 30.0, "answered", 5.0, "q1")


def test_where_and_scope_as_the_kpis(rows: ContactRows) -> None:
    # team T1 handled: a1 on c1, c2 and a2 on c2 = 3 segments; queue q2: c6 only
    page = rows.contacts(viewer=None, from_date=DAY, to_date=DAY, metric="handled", where={"team": ["T1"]})
    assert page.total == 3 == _count(rows, "handled", where={"team": ["T1"]})
    assert _ids(rows.contacts(viewer=None, from_date=DAY, to_date=DAY, where={"queue": ["q2"]})) == ["c6"]
    agent = Viewer(username="a1", role="agent", agent_id="a1", agent_ids=frozenset({"a1"}), team_ids=frozenset({"T1"}))
    mine = rows.contacts(viewer=agent, from_date=DAY, to_date=DAY, metric="handled")
    assert [(r.contact_id, r.agent) for r in sorted(mine.rows, key=lambda r: r.contact_id)] == \
        [("c1", "a1"), ("c2", "a1")]
    with pytest.raises(Forbidden):
        rows.contacts(viewer=agent, from_date=DAY, to_date=DAY, where={"agent": ["a3"]})
    with pytest.raises(Forbidden):
        rows.contacts(viewer=Viewer(username="p", role="planner"), from_date=DAY, to_date=DAY)


def test_paging_and_non_contact_metrics(rows: ContactRows) -> None:
    first = rows.contacts(viewer=LOCAL_OWNER, from_date=DAY, to_date=DAY, limit=4)
    second = rows.contacts(viewer=LOCAL_OWNER, from_date=DAY, to_date=DAY, limit=4, offset=4)
    assert first.total == second.total == 6
    assert [r.contact_id for r in first.rows] == ["c6", "c5", "c4", "c3"]  # newest first
    assert [r.contact_id for r in second.rows] == ["c2", "c1"]
    with pytest.raises(InvalidInput, match="not counted over contact rows"):
        rows.contacts(viewer=None, metric="occupancy")
    with pytest.raises(InvalidInput, match="no 'missed' rows"):
        rows.contacts(viewer=None, metric="handled", part="missed")


def test_outlier_rule_by_hand() -> None:
    columns = [OutlierColumn("aht_s", "AHT", "seconds", "lower"), OutlierColumn("fcr_rate", "FCR", "ratio", "higher")]
    agents = [  # the team median is taken over the agents with >= 30 handled (x, y, z, w)
        {"agent": "x", "handled": 100, "aht_s": 200.0, "fcr_rate": 0.75},
        {"agent": "y", "handled": 100, "aht_s": 250.0, "fcr_rate": 0.80},
        {"agent": "z", "handled": 100, "aht_s": 350.0, "fcr_rate": 0.60},
        {"agent": "w", "handled": 100, "aht_s": 300.0, "fcr_rate": 0.70},
        {"agent": "small", "handled": 5, "aht_s": 900.0, "fcr_rate": 0.0},  # under 30 handled: never flagged
    ]
    # medians over x, y, z, w: AHT (250 + 300) / 2 = 275; FCR (0.70 + 0.75) / 2 = 0.725
    flags = {(f.agent, f.metric): f for f in flag_outliers(agents, columns, fmt=lambda v, u: f"{v:g}")}
    # z: AHT 350 vs 275 = +27.3% >= 25% -> bad; FCR 0.60 vs 0.725 = -12.5 pp -> bad
    assert flags[("z", "aht_s")].kind == "bad"
    assert flags[("z", "aht_s")].reason == "AHT 27% above team median (350 vs 275)"
    assert flags[("z", "fcr_rate")].reason == "FCR 12.5 pp below team median (0.6 vs 0.725)"
    # x: AHT 200 vs 275 = -27.3% -> good (lower is better); FCR +2.5 pp -> no flag
    assert flags[("x", "aht_s")].kind == "good"
    # y: AHT -9%, FCR +7.5 pp; w: +9%, -2.5 pp: no flags; small: none
    assert set(flags) == {("z", "aht_s"), ("z", "fcr_rate"), ("x", "aht_s")}
