"""Occupancy, utilization and interactions per hour from agent state time (reference §7 iph, §10).

Every scenario runs through `KpiService.query` on a real DuckDB file store and, when PySpark and Java
are present, on a SparkStore over the same data exported to Parquet (the `spark` marker). Expected
numbers are worked by hand beside each dataset. T0 = Monday 2026-03-02 09:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callboard.core.settings import Settings
from callboard.metrics.catalog import Catalog
from callboard.metrics.dimensions import add_dimensions
from callboard.metrics.facts import FactContext, build_fact
from callboard.metrics.service import KpiService
from callboard.metrics.state_facts import split_step_s
from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.builders import T0, Dataset

CATALOG = Catalog.load()
MIN = dt.timedelta(minutes=1)


def at(hh: int, mm: int = 0, *, day: int = 2, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hh, mm)


# -- engines --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def state_spark(request: pytest.FixtureRequest) -> Any:
    """The suite's shared `spark_session` (tests/conftest.py: skips without Java, fails in CI); if the
    suite has none, a local session when PySpark and Java are present."""
    try:
        return request.getfixturevalue("spark_session")
    except pytest.FixtureLookupError:
        pass
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for PySpark")
    from callboard.store.spark_store import local_session

    return local_session(app_name="callboard-agent-state-tests", master="local[2]")


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def make_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., KpiService]]:
    """Load a Dataset into a DuckDB file (and for Spark, export it to Parquet) and return a KpiService."""
    engine = request.param
    closers: list[Callable[[], None]] = []

    def make(data: Dataset, time_zone: str = "UTC") -> KpiService:
        directory = tmp_path / f"store{len(closers)}"
        duck = DuckDBStore(directory / "analytics.duckdb")
        duck.load(data.batch())
        store: Any = duck
        if engine == "spark":
            from callboard.store.spark_store import SparkStore

            duck.export_parquet(directory / "parquet")
            duck.close()
            store = SparkStore(directory / "parquet", session=request.getfixturevalue("state_spark"))
        closers.append(store.close)
        return KpiService(store=store, catalog=CATALOG, settings=Settings(data_dir=directory, time_zone=time_zone))

    yield make
    for close in closers:
        close()


def approx(value: float | None) -> Any:
    return None if value is None else pytest.approx(value, rel=1e-9)


def by_key(rows: tuple[dict[str, Any], ...], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


# -- 1. one agent's hour and a half: all variants ----------------------------------------------------

def one_agent() -> Dataset:
    """a1 from 09:00 UTC: on_contact 30, acw 10, available 20, connecting 5, aux Break (paid) 15,
    aux Lunch (unpaid) 30, then offline 60 (min). Four handled segments of 12.5 min each
    (talk 9 + hold 1 + ACW 2.5; concurrent chats, so 50 min of handle time in 40 min on contact).

    busy = on_contact + acw = 40; idle = available + error = 20; connecting 5 in neither;
    on_queue = 30+10+20+5 = 65; staffed = on_queue + error = 65; paid aux 15; unpaid aux 30;
    online = 65 + 15 + 30 = 110 (offline excluded); paid = online - unpaid aux = 80."""
    d = Dataset()
    t: Any = T0
    for state, minutes, extra in [
        ("on_contact", 30, {}), ("acw", 10, {}), ("available", 20, {}), ("connecting", 5, {}),
        ("aux", 15, {"reason": "Break", "paid": True}), ("aux", 30, {"reason": "Lunch", "paid": False}),
        ("offline", 60, {}),
    ]:
        t = d.agent_state("a1", state, at=t, minutes=minutes, **extra)
    for i in range(4):
        d.contact(f"c{i}", at=T0 + i * 7 * MIN, channel="chat")
        d.segment(f"c{i}", "a1", talk_s=540, hold_s=60, acw_s=150, hold_count=1)
    return d


EXPECTED_ONE_AGENT = {
    "occupancy": 40 / 60,                                 # (30 + 10) / (30 + 10 + 20 + 0) = 66.67 %
    "occupancy.callboard": 40 / 60,
    "occupancy.amazon_connect": 40 / 60,                  # same terms on canonical states
    "occupancy.practitioner": 50 / (50 + 20),             # segments' talk+hold+ACW 50 / (50 + idle 20)
    "utilization": 65 / 80,                               # staffed 65 / (staffed 65 + paid aux 15)
    "utilization.staffed_over_paid": 65 / 80,
    "utilization.primary_over_working": 40 / 65,          # busy 40 / staffed 65
    "utilization.as_occupancy": 40 / 60,
    "utilization.primary_over_paid": 40 / 80,             # busy 40 / paid 80
    "iph": 4 / (65 / 60),                                 # 4 handled / 65 on-queue min = 3.692 per hour
    "iph.per_online_hour": 4 / (110 / 60),                # 4 / 1.8333 h = 2.182
    "iph.per_paid_hour": 4 / (80 / 60),                   # 4 / 1.3333 h = 3.0
}


def test_every_variant_on_one_agent(make_service: Callable[..., KpiService]) -> None:
    service = make_service(one_agent())
    result = service.query(metrics=list(EXPECTED_ONE_AGENT), by="agent")
    assert len(result.rows) == 1
    row = result.rows[0]
    assert row["agent"] == "a1"
    for metric, expected in EXPECTED_ONE_AGENT.items():
        assert row[metric] == approx(expected), metric
    assert row["iph.per_paid_hour"] == approx(3.0)
    assert round(row["occupancy"] * 100, 2) == 66.67
    names = {m.requested: m.resolved for m in result.metrics}
    assert names["occupancy"] == "occupancy.callboard"
    assert names["utilization"] == "utilization.staffed_over_paid"
    assert names["iph"] == "iph"


# -- 2. split at interval boundaries ------------------------------------------------------------------

def split_dataset() -> Dataset:
    """a2: available 09:40-09:50, on_contact 09:50-10:20 (crosses 10:00), available 10:20-10:30.
    A segment ending 10:35 (handled in the 10:30 bucket), with an available state 10:30-10:45."""
    d = Dataset()
    d.agent_state("a2", "available", at=at(9, 40), until=at(9, 50))
    d.agent_state("a2", "on_contact", at=at(9, 50), until=at(10, 20))
    d.agent_state("a2", "available", at=at(10, 20), until=at(10, 30))
    d.agent_state("a2", "available", at=at(10, 30), until=at(10, 45))
    d.contact("k1", at=at(10, 30))
    d.segment("k1", "a2", talk_s=240, hold_s=0, acw_s=60)  # connected 10:30, ACW ends 10:35
    return d


def test_state_time_is_split_at_interval_boundaries(make_service: Callable[..., KpiService]) -> None:
    service = make_service(split_dataset())
    rows = by_key(service.query(metrics="occupancy,iph", by="interval_30").rows, "interval_30")
    assert list(rows) == ["2026-03-02T09:30", "2026-03-02T10:00", "2026-03-02T10:30"]
    # 09:30 bucket: available 10 (09:40-09:50) + the first 10 min of on_contact -> 10 / (10 + 10) = 0.5
    assert rows["2026-03-02T09:30"]["occupancy"] == approx(0.5)
    # 10:00 bucket: the other 20 min of on_contact + available 10 -> 20 / 30
    assert rows["2026-03-02T10:00"]["occupancy"] == approx(20 / 30)
    # 10:30 bucket: available 15 only -> 0; one handled / 0.25 on-queue hours = 4 per hour
    assert rows["2026-03-02T10:30"]["occupancy"] == approx(0.0)
    assert rows["2026-03-02T10:30"]["iph"] == approx(4.0)
    assert rows["2026-03-02T09:30"]["iph"] == approx(0.0)  # on queue, nothing handled
    # Not split: the whole span, busy 30 / (30 + idle 35)
    total = service.query(metrics="occupancy").rows
    assert total == ({"occupancy": approx(30 / 65)},)
    # 15-minute buckets: 09:45 holds available 5 + on_contact 10 -> 10/15; 10:15 holds on_contact 5 +
    # available 10 -> 5/15
    q = by_key(service.query(metrics="occupancy", by="interval_15").rows, "interval_15")
    assert q["2026-03-02T09:45"]["occupancy"] == approx(10 / 15)
    assert q["2026-03-02T10:00"]["occupancy"] == approx(1.0)
    assert q["2026-03-02T10:15"]["occupancy"] == approx(5 / 15)


def berlin_midnight() -> Dataset:
    """Europe/Berlin is UTC+1 on 2 March 2026, so local midnight is 23:00 UTC.
    a3: available 22:00-22:30 UTC (23:00-23:30 local, 2 March), on_contact 22:30-23:30 UTC (23:30-00:30
    local: 30 min each side of midnight), available 23:30-01:00 UTC (00:30-02:00 local, 3 March)."""
    d = Dataset()
    d.agent_state("a3", "available", at=at(22, 0), until=at(22, 30))
    d.agent_state("a3", "on_contact", at=at(22, 30), until=at(23, 30))
    d.agent_state("a3", "available", at=at(23, 30), until=at(1, 0, day=3))
    return d


def test_days_split_at_local_midnight(make_service: Callable[..., KpiService]) -> None:
    service = make_service(berlin_midnight(), time_zone="Europe/Berlin")
    rows = by_key(service.query(metrics="occupancy", by="agent,day").rows, "day")
    # 2 March (local): available 30 + on_contact 30 -> 30 / 60 = 0.5
    # 3 March (local): on_contact 30 + available 90 -> 30 / 120 = 0.25
    # (a UTC-midnight cut would give 60/120 and 0/60; bucketing whole intervals by start 60/90 and 0)
    assert {k: v["occupancy"] for k, v in rows.items()} == {"2026-03-02": approx(0.5), "2026-03-03": approx(0.25)}
    # Grouping by day and hour together cuts at both: 00:00-01:00 local (23:00-24:00 UTC) is on_contact
    # 30 + available 30 -> 0.5, and sits in 3 March.
    both = service.query(metrics="occupancy", by="day,hour").rows
    midnight = [r for r in both if r["hour"] == "2026-03-03T00:00"]
    assert midnight == [{"day": "2026-03-03", "hour": "2026-03-03T00:00", "occupancy": approx(0.5)}]
    # The week (Monday 2 March) holds everything: 60 / (60 + 120)
    week = service.query(metrics="occupancy", by="week").rows
    assert week == ({"week": "2026-03-02", "occupancy": approx(60 / 180)},)


def dst_day() -> Dataset:
    """Berlin springs forward on Sunday 29 March 2026 (02:00 CET -> 03:00 CEST): that local day has 23 h.
    a4 is available from 28 March 22:00 UTC (23:00 local, 28th) to 29 March 23:00 UTC (01:00 local, 30th):
    1 h on the 28th, 23 h on the 29th, 1 h on the 30th. Handled: 2 on the 28th (22:10 UTC = 23:10 local),
    23 on the 29th (10:00 UTC), 3 on the 30th (22:30 UTC on the 29th = 00:30 local on the 30th)."""
    d = Dataset()
    d.agent_state("a4", "available", at=at(22, 0, day=28), until=at(23, 0, day=29))
    for i, (when, count) in enumerate([(at(22, 10, day=28), 2), (at(10, 0, day=29), 23), (at(22, 30, day=29), 3)]):
        for j in range(count):
            d.contact(f"d{i}-{j}", at=when)
            d.segment(f"d{i}-{j}", "a4", talk_s=60, hold_s=0, acw_s=0)
    return d


def test_day_of_a_dst_change_has_23_hours(make_service: Callable[..., KpiService]) -> None:
    service = make_service(dst_day(), time_zone="Europe/Berlin")
    rows = by_key(service.query(metrics="iph", by="day").rows, "day")
    # 28th: 2 / 1 h; 29th: 23 / 23 h; 30th: 3 / 1 h
    assert {k: v["iph"] for k, v in rows.items()} == {
        "2026-03-28": approx(2.0), "2026-03-29": approx(1.0), "2026-03-30": approx(3.0)}
    month = service.query(metrics="iph", by="month").rows
    assert month == ({"month": "2026-03-01", "iph": approx(28 / 25)},)  # 28 handled / 25 h


# -- 3. period clipping, open intervals, empty data -----------------------------------------------------

def around_a_day() -> Dataset:
    """a5: available 1 March 23:00 -> 2 March 01:00 UTC (2 h), on_contact 01:00-01:30, available
    2 March 23:30 -> 3 March 00:30 UTC. Three segments ending on 2 March (UTC and Berlin)."""
    d = Dataset()
    d.agent_state("a5", "available", at=at(23, 0, day=1), until=at(1, 0))
    d.agent_state("a5", "on_contact", at=at(1, 0), until=at(1, 30))
    d.agent_state("a5", "available", at=at(23, 30), until=at(0, 30, day=3))
    for i in range(3):
        d.contact(f"p{i}", at=at(1, 0))
        d.segment(f"p{i}", "a5", talk_s=300, hold_s=0, acw_s=0)
    return d


def test_period_clips_state_time(make_service: Callable[..., KpiService]) -> None:
    service = make_service(around_a_day())
    # 2 March UTC = [00:00, 24:00): available 60 (00:00-01:00) + 30 (23:30-24:00), on_contact 30
    # occupancy 30 / (30 + 90) = 0.25; iph 3 / (120 min on queue) = 1.5
    rows = service.query(metrics="occupancy,iph", from_date="2026-03-02", to_date="2026-03-02").rows
    assert rows == ({"occupancy": approx(0.25), "iph": approx(1.5)},)
    # unclipped: 30 / (30 + 180)
    assert service.query(metrics="occupancy").rows == ({"occupancy": approx(30 / 210)},)
    # grouped by day inside the period: no row leaks out of it
    days = service.query(metrics="occupancy", by="day", from_date="2026-03-02", to_date="2026-03-02").rows
    assert days == ({"day": "2026-03-02", "occupancy": approx(0.25)},)


def test_period_clips_in_the_organisation_time_zone(make_service: Callable[..., KpiService]) -> None:
    service = make_service(around_a_day(), time_zone="Europe/Berlin")
    # 2 March Berlin = 1 March 23:00 -> 2 March 23:00 UTC: available 120, on_contact 30; the late
    # available (23:30 UTC) is on 3 March local. occupancy 30 / 150 = 0.2; iph 3 / 2.5 h = 1.2
    rows = service.query(metrics="occupancy,iph", from_date="2026-03-02", to_date="2026-03-02").rows
    assert rows == ({"occupancy": approx(0.2), "iph": approx(1.2)},)


def test_open_interval_runs_to_the_data_horizon(make_service: Callable[..., KpiService]) -> None:
    """a6: on_contact 08:30-09:00, then available from 09:00 with no end. a7's last state ends 10:00,
    the latest timestamp in the source, so a6's open state counts 60 min: 30 / (30 + 60)."""
    d = Dataset()
    d.agent_state("a6", "on_contact", at=at(8, 30), until=at(9, 0))
    d.agent_state("a6", "available", at=at(9, 0))
    d.agent_state("a7", "on_contact", at=at(9, 0), until=at(10, 0))
    service = make_service(d)
    rows = by_key(service.query(metrics="occupancy", by="agent").rows, "agent")
    assert rows["a6"]["occupancy"] == approx(1 / 3)
    assert rows["a7"]["occupancy"] == approx(1.0)


def test_no_state_time_gives_null(make_service: Callable[..., KpiService]) -> None:
    """No state rows at all -> NULL (reference §2.1), not 0 or 100 %. a8 handled a contact but has no
    state time: every state-based ratio is NULL. a9 only took a paid break: occupancy has an empty
    denominator (NULL), utilization is 0 / 15 = 0."""
    empty = make_service(Dataset())
    assert empty.query(metrics="occupancy,utilization,iph").rows == (
        {"occupancy": None, "utilization": None, "iph": None},)
    d = Dataset()
    d.contact("x1")
    d.segment("x1", "a8", talk_s=100, hold_s=0, acw_s=20)
    d.agent_state("a9", "aux", at=T0, minutes=15, reason="Break", paid=True)
    rows = by_key(make_service(d).query(metrics="occupancy,occupancy.practitioner,utilization,iph",
                                        by="agent").rows, "agent")
    assert rows["a8"] == {"agent": "a8", "occupancy": None, "occupancy.practitioner": None,
                          "utilization": None, "iph": None}
    assert rows["a9"] == {"agent": "a9", "occupancy": None, "occupancy.practitioner": None,
                          "utilization": approx(0.0), "iph": None}


# -- 4. the split against a minute-by-minute reference (DuckDB) ---------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns"]
GRAINS = ["interval_15", "interval_30", "hour", "day", "week", "month"]


def reference_bucket(local: dt.datetime, grain: str) -> Any:
    if grain == "day":
        return local.date()
    if grain == "week":
        return local.date() - dt.timedelta(days=local.weekday())
    if grain == "month":
        return local.date().replace(day=1)
    minutes = {"interval_15": 15, "interval_30": 30, "hour": 60}[grain]
    return local.replace(minute=local.minute // minutes * minutes, second=0, microsecond=0)


def test_split_step_follows_the_zone() -> None:
    assert split_step_s(["interval_30"], "UTC") == 1800
    assert split_step_s(["day"], "UTC") == 86400
    assert split_step_s(["day"], "Europe/Berlin") == 3600      # offsets +1 h and +2 h
    assert split_step_s(["hour"], "Asia/Kolkata") == 1800      # +5:30
    assert split_step_s(["day", "interval_30"], "Asia/Kathmandu") == 900  # +5:30 then +5:45
    assert split_step_s([], "Europe/Berlin") is None


# Eight-day windows around DST changes and month ends: Berlin springs forward 29 March and falls back
# 25 October 2026; New York and St John's spring forward 8 March and fall back 1 November.
BASES = [dt.datetime(2026, 3, 27), dt.datetime(2026, 3, 5), dt.datetime(2026, 10, 23), dt.datetime(2026, 10, 28)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tz=st.sampled_from(ZONES),
    grain=st.sampled_from(GRAINS),
    base=st.sampled_from(BASES),
    spans=st.lists(st.tuples(st.integers(0, 8 * 1440), st.integers(1, 1500)), min_size=1, max_size=4),
)
def test_split_matches_a_minute_by_minute_reference(tz: str, grain: str, base: dt.datetime,
                                                    spans: list[tuple[int, int]]) -> None:
    """Sum of piece lengths per local bucket == a walk over every UTC minute of every interval,
    bucketed with zoneinfo; whole-minute interval ends in zones with 0/15/30/45-minute offsets."""
    d = Dataset()
    for i, (start, length) in enumerate(spans):
        d.agent_state(f"r{i}", "available", at=base + start * MIN, minutes=length)
    expected: dict[Any, int] = {}
    zone = ZoneInfo(tz)
    for start, length in spans:
        for minute in range(start, start + length):
            utc = (base + minute * MIN).replace(tzinfo=dt.timezone.utc)
            key = reference_bucket(utc.astimezone(zone).replace(tzinfo=None), grain)
            expected[key] = expected.get(key, 0) + 60_000
    store = DuckDBStore(":memory:")
    try:
        store.load(d.batch())
        ctx = FactContext(store=store, survey_window_days=7, time_grains=(grain,), time_zone=tz)
        fact = add_dimensions(build_fact("agent_state_time", ctx), [grain], store=store, tz=tz)
        table = store.to_pyarrow(fact.group_by(grain).aggregate(ms=fact.dur_ms.sum())).to_pylist()
    finally:
        store.close()
    got = {row[grain]: row["ms"] for row in table}
    assert got == expected
