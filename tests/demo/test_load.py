"""Loading the demo into a real DuckDB file: counts, idempotence, removal, and KPIs in realistic ranges."""

from __future__ import annotations

import datetime as dt

from callboard.demo import DemoData, clear_demo, existing_demo_period, load_demo
from callboard.store.duckdb_store import DuckDBStore
from tests.demo.helpers import TABLES, scalar


def test_load_then_reload_adds_nothing(demo14: DemoData, store: DuckDBStore) -> None:
    assert existing_demo_period(store) is None
    first = load_demo(store, demo14)
    assert [r.file for r in first] == [b.file for b in demo14.batches]
    counts = demo14.row_counts()
    for name in TABLES:
        assert store.count(name) == counts[name], name
    assert first[1].loaded == counts["contacts"] and first[2].loaded == counts["agent_states"]
    assert sum(r.rejected for r in first) == 0

    again = load_demo(store, demo14)
    assert sum(r.loaded + r.updated for r in again) == 0
    assert again[1].duplicates == counts["contacts"]
    for name in TABLES:
        assert store.count(name) == counts[name], name
    assert existing_demo_period(store) == (demo14.start_date, demo14.end_date)


def test_clear_removes_the_demo_and_only_the_demo(demo14: DemoData, store: DuckDBStore) -> None:
    load_demo(store, demo14)
    store.raw.execute(
        "INSERT INTO agent_states VALUES ('acme', 'r1', 'x001', 'available', NULL, NULL, "
        "TIMESTAMP '2025-03-20 09:00', TIMESTAMP '2025-03-20 10:00', 'b1')"
    )
    deleted = clear_demo(store, [a.agent_id for a in demo14.org.agents])
    assert deleted >= sum(demo14.row_counts().values())
    for name in TABLES:
        assert store.count(name) == (1 if name == "agent_states" else 0), name  # the other source's row stays
    assert store.count("load_batches") == 0
    assert existing_demo_period(store) is None


def test_kpis_land_in_realistic_ranges(loaded14: DuckDBStore) -> None:
    """Reference §3 default service level (T = 20 s, short abandons <= 5 s excluded) and ASA, per queue and day."""
    con = loaded14.raw
    sl_sql = """SUM((outcome = 'answered' AND wait_ms <= 20000)::INT) / (
                  SUM((outcome IN ('answered', 'abandoned', 'flowed_out'))::INT)
                  - SUM((outcome = 'abandoned' AND wait_ms <= 5000)::INT))"""
    live = "queue_id IN ('q_billing', 'q_retention', 'q_tech', 'q_sales', 'q_orders_chat') AND NOT bot_only"
    overall = scalar(con, f"SELECT {sl_sql} FROM queue_entries WHERE {live}")
    assert 0.7 <= overall <= 0.9  # type: ignore[operator]
    by_queue = dict(con.execute(f"SELECT queue_id, {sl_sql} FROM queue_entries WHERE {live} GROUP BY 1").fetchall())
    assert max(by_queue.values()) - min(by_queue.values()) > 0.05
    by_day = [r[0] for r in con.execute(
        f"SELECT {sl_sql} FROM queue_entries WHERE {live} GROUP BY enqueued_at::DATE").fetchall()]
    assert len(by_day) == 14 and max(by_day) - min(by_day) > 0.1
    asa_s = scalar(con, "SELECT avg(wait_ms) / 1000 FROM queue_entries WHERE outcome = 'answered' "
                        "AND channel = 'voice'")
    assert 5 < asa_s < 40  # type: ignore[operator]
    csat = scalar(con, "SELECT avg((score >= 4)::INT) FROM survey_responses WHERE question = 'csat'")
    assert 0.6 < csat < 0.9  # type: ignore[operator]


def test_fcr_by_repeat_within_7_days(loaded14: DuckDBStore) -> None:
    """fcr.repeat_7d (reference §8) over the first week, whose 7-day windows are complete."""
    end = scalar(loaded14.raw, "SELECT max(arrived_at)::DATE FROM contacts")
    assert isinstance(end, dt.date)
    fcr = scalar(loaded14.raw, f"""
        WITH eligible AS (
          SELECT c.contact_id, c.customer_id, c.arrived_at FROM contacts c
          WHERE c.direction = 'inbound' AND NOT c.bot_only AND c.callback_of IS NULL
            AND c.arrived_at < DATE '{end}' - INTERVAL 7 DAY
            AND EXISTS (SELECT 1 FROM agent_segments s WHERE s.contact_id = c.contact_id))
        SELECT avg((NOT EXISTS (SELECT 1 FROM agent_segments s WHERE s.contact_id = e.contact_id AND s.transferred_out)
                AND NOT EXISTS (SELECT 1 FROM contacts n WHERE n.customer_id = e.customer_id
                  AND n.direction = 'inbound' AND n.arrived_at > e.arrived_at
                  AND n.arrived_at <= e.arrived_at + INTERVAL 7 DAY))::INT) FROM eligible e""")
    assert 0.68 < fcr < 0.85  # type: ignore[operator]


def test_queue_names_reach_the_pages_lookup(demo14: DemoData, store: DuckDBStore) -> None:
    """The demo organisation's queue names (demo/org.py) load into `queues`; the pages' lookup reads them."""
    from callboard.core.settings import Settings
    from callboard.metrics.browse import KpiBrowser
    from callboard.metrics.catalog import Catalog
    from callboard.metrics.service import KpiService

    load_demo(store, demo14)
    names = KpiBrowser(KpiService(store=store, catalog=Catalog.load(), settings=Settings())).queue_names()
    assert names["q_billing"] == "Billing" and names["q_orders_chat"] == "Orders Chat"
    assert scalar(store.raw, "SELECT channel FROM queues WHERE queue_id = 'q_email'") == "email"
