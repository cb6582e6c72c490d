"""SparkStore: the AnalyticsStore protocol on PySpark, fed from DuckDB's Parquet export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from callboard.core.errors import EngineUnsupported, InvalidInput
from callboard.core.settings import Settings
from callboard.metrics.catalog import Catalog
from callboard.metrics.service import KpiService
from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.builders import T0, Dataset

pytestmark = pytest.mark.spark


def _dataset() -> Dataset:
    """c1 answered in 20 s by a1 (talk 100, hold 20, ACW 30); c2 from an Asterisk-like source: hold and ACW
    unknown (NULL), hold_count NULL; c3 abandoned, wait unknown."""
    d = Dataset()
    d.entry(d.contact("c1", customer_id="k1"), wait_s=20, agent="a1")
    d.segment("c1", "a1", talk_s=100, hold_s=20, hold_count=1, acw_s=30)
    d.entry(d.contact("c2", customer_id="k2", at=T0 + dt.timedelta(minutes=45)), wait_s=3, agent="a2")
    d.segment("c2", "a2", talk_s=60, hold_s=None, hold_count=None, acw_s=None)
    d.entry(d.contact("c3"), outcome="abandoned", wait_s=None)
    return d


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark_store")
    duck = DuckDBStore(root / "analytics.duckdb")
    duck.load(_dataset().batch())
    duck.export_parquet(root / "parquet")
    duck.close()
    return root / "parquet"


@pytest.fixture
def store(spark_session: Any, parquet_dir: Path) -> Any:
    from callboard.store.spark_store import SparkStore

    s = SparkStore(parquet_dir, session=spark_session)
    yield s
    s.close()


def test_protocol_basics(store: Any) -> None:
    assert store.backend_name == "pyspark"
    segments = store.table("agent_segments")
    assert "hold_ms" in segments.columns
    with pytest.raises(InvalidInput, match="unknown analytics table"):
        store.table("nope")
    with pytest.raises(EngineUnsupported, match="read-only"):
        store.load(_dataset().batch())


def test_nullable_integers_keep_their_nulls(store: Any) -> None:
    """The pitfall: Ibis's in-memory create_table on PySpark turned nullable ints with NULLs into all NULLs."""
    s = store.table("agent_segments")
    rows = store.to_pyarrow(s.select("contact_id", "hold_ms", "hold_count", "acw_ms").order_by("contact_id"))
    assert rows.to_pylist() == [
        {"contact_id": "c1", "hold_ms": 20000, "hold_count": 1, "acw_ms": 30000},
        {"contact_id": "c2", "hold_ms": None, "hold_count": None, "acw_ms": None},
    ]
    assert rows.schema.field("hold_ms").type == pa.int64()
    q = store.table("queue_entries")
    waits = store.to_pyarrow(q.select("contact_id", "wait_ms").order_by("contact_id")).to_pylist()
    assert waits == [{"contact_id": "c1", "wait_ms": 20000}, {"contact_id": "c2", "wait_ms": 3000},
                     {"contact_id": "c3", "wait_ms": None}]


def test_timestamps_come_back_as_naive_utc(store: Any) -> None:
    c = store.table("contacts")
    got = store.to_pyarrow(c.select("contact_id", "arrived_at").order_by("contact_id")).to_pylist()
    assert got[0] == {"contact_id": "c1", "arrived_at": T0}
    assert got[1]["arrived_at"] == T0 + dt.timedelta(minutes=45)
    assert got[0]["arrived_at"].tzinfo is None


def test_execute_and_kpi_service(store: Any) -> None:
    assert len(store.execute(store.table("contacts"))) == 3
    service = KpiService(store=store, catalog=Catalog.load(), settings=Settings(time_zone="America/New_York"))
    result = service.query(metrics="offered,service_level,aht_s,aht.talk_only", by="interval_30")
    # 09:00 UTC = 04:00 EST: c1 (20 s, within) and c3 (abandoned, wait unknown: a late abandon) -> SL 1/2;
    # c2 at 09:45 = 04:30 EST, 3 s -> 1/1. AHT: c1 150 s; c2 NULL (hold/ACW unknown), talk only 60.
    assert [dict(r) for r in result.rows] == [
        {"interval_30": "2026-03-02T04:00", "offered": 2, "service_level": 0.5, "aht_s": 150.0, "aht.talk_only": 100.0},
        {"interval_30": "2026-03-02T04:30", "offered": 1, "service_level": 1.0, "aht_s": None, "aht.talk_only": 60.0},
    ]


def test_to_sql_is_spark_sql(store: Any) -> None:
    service = KpiService(store=store, catalog=Catalog.load(), settings=Settings())
    sql = service.explain("service_level").sql
    assert "queue_entries" in sql and "`" in sql  # Spark quotes identifiers with backticks
    assert store.session.sql(sql).count() == 1  # and Spark runs what it shows


def test_two_stores_do_not_share_views(spark_session: Any, parquet_dir: Path, tmp_path: Path) -> None:
    from callboard.store.spark_store import SparkStore

    other = Dataset()
    other.entry(other.contact("x1"), wait_s=1)
    duck = DuckDBStore(tmp_path / "other.duckdb")
    duck.load(other.batch())
    duck.export_parquet(tmp_path / "parquet")
    duck.close()
    first = SparkStore(parquet_dir, session=spark_session)
    second = SparkStore(tmp_path / "parquet", session=spark_session)
    try:
        assert first.execute(first.table("contacts").count()) == 3
        assert second.execute(second.table("contacts").count()) == 1
    finally:
        second.close()
        first.close()
    assert not spark_session.sparkContext._jsc.sc().isStopped()  # a shared session is never stopped


def test_factory_opens_spark_url(spark_session: Any, parquet_dir: Path) -> None:
    from callboard.store.factory import open_analytics_store

    store = open_analytics_store(f"spark://local?parquet={parquet_dir}")
    try:
        assert store.backend_name == "pyspark"
        assert store.execute(store.table("queue_entries").count()) == 3
    finally:
        store.close()
    assert not spark_session.sparkContext._jsc.sc().isStopped()


def test_missing_directory_is_a_clear_error(spark_session: Any, tmp_path: Path) -> None:
    from callboard.store.spark_store import SparkStore

    with pytest.raises(InvalidInput, match="export_parquet"):
        SparkStore(tmp_path / "nowhere", session=spark_session)
