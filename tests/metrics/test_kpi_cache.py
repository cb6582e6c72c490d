"""KpiService's result cache (keyed on the store's data version): never stale, and equal to no cache.

The data are two or three hand-made answered calls; every expected number is worked out in a comment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from callboard.core.settings import Settings
from callboard.core.viewer import Viewer
from callboard.metrics.catalog import Catalog
from callboard.metrics.drill import ContactRows
from callboard.metrics.service import KpiService
from callboard.records.schemas import TEAM_MEMBERSHIPS
from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.builders import T0, Dataset

METRICS = ["offered", "answered", "asa_s", "handled"]


def _call(d: Dataset, contact: str, agent: str, wait_s: float, at: dt.datetime) -> None:
    d.contact(contact, at=at)
    d.entry(contact, agent=agent, wait_s=wait_s)
    d.segment(contact, agent, talk_s=60, at=at + dt.timedelta(seconds=wait_s))


def _first() -> Dataset:
    d = Dataset(source="first")
    _call(d, "c1", "a1", 10, T0)
    return d


def _second() -> Dataset:
    d = Dataset(source="second")
    _call(d, "c2", "a2", 30, T0 + dt.timedelta(hours=1))
    return d


def _service(store: DuckDBStore, tmp_path: Path, entries: int = 1024) -> KpiService:
    settings = Settings(data_dir=tmp_path, time_zone="UTC")
    return KpiService(store=store, catalog=Catalog.load(), settings=settings, result_cache_entries=entries)


@pytest.fixture()
def store(tmp_path: Path) -> DuckDBStore:
    s = DuckDBStore(tmp_path / "analytics.duckdb")
    s.load(_first().batch())
    yield s
    s.close()


def _totals(svc: KpiService, **kw: object) -> dict[str, object]:
    rows = svc.query(metrics=METRICS, **kw).rows  # type: ignore[arg-type]
    return dict(rows[0]) if rows else {}


def test_a_load_between_identical_queries_changes_the_answer(store: DuckDBStore, tmp_path: Path) -> None:
    svc = _service(store, tmp_path)
    # one call: offered 1, answered 1, ASA = 10 s / 1 = 10 s, handled 1
    assert _totals(svc) == {"offered": 1, "answered": 1, "asa_s": 10.0, "handled": 1}
    assert _totals(svc) == {"offered": 1, "answered": 1, "asa_s": 10.0, "handled": 1}
    assert svc.cache_hits == 1  # the repeat came from the cache
    store.load(_second().batch())
    # two calls: offered 2, answered 2, ASA = (10 + 30) / 2 = 20 s, handled 2
    assert _totals(svc) == {"offered": 2, "answered": 2, "asa_s": 20.0, "handled": 2}


def test_a_load_through_another_connection_is_seen(store: DuckDBStore, tmp_path: Path) -> None:
    """Another DuckDBStore on the same file (its own write counter): load_batches' count still moves."""
    svc = _service(store, tmp_path)
    assert _totals(svc)["offered"] == 1
    other = DuckDBStore(tmp_path / "analytics.duckdb")
    other.load(_second().batch())
    assert _totals(svc)["offered"] == 2  # c1 + c2


def test_replacing_memberships_changes_team_figures(store: DuckDBStore, tmp_path: Path) -> None:
    svc = _service(store, tmp_path)

    def members(team_of_a1: str) -> pa.Table:
        return pa.table({"agent_id": ["a1"], "team_id": [team_of_a1], "valid_from": [dt.datetime(2025, 1, 1)],
                         "valid_to": [None]}, schema=TEAM_MEMBERSHIPS)

    store.replace_table("team_memberships", members("t_red"))
    # a1 handled c1 and is in t_red: one row, t_red handled 1
    assert [(r["team"], r["handled"]) for r in svc.query(metrics=["handled"], by=["team"]).rows] == [("t_red", 1)]
    store.replace_table("team_memberships", members("t_blue"))
    # the same request after a1 moved to t_blue (from before c1): t_blue handled 1
    assert [(r["team"], r["handled"]) for r in svc.query(metrics=["handled"], by=["team"]).rows] == [("t_blue", 1)]


def test_identity_mapping_changes_agent_figures(store: DuckDBStore, tmp_path: Path) -> None:
    svc = _service(store, tmp_path)
    assert [(r["agent"], r["handled"]) for r in svc.query(metrics=["handled"], by=["agent"]).rows] == [("a1", 1)]
    store.map_identities([("first", "a1", "agent-007")])
    # c1's segment now belongs to agent-007: handled 1 for agent-007, none for a1
    assert [(r["agent"], r["handled"]) for r in svc.query(metrics=["handled"], by=["agent"]).rows] == [("agent-007", 1)]


def test_cached_answers_equal_uncached_ones(store: DuckDBStore, tmp_path: Path) -> None:
    store.load(_second().batch())
    cached, plain = _service(store, tmp_path), _service(store, tmp_path, entries=0)
    agent_a1 = Viewer(username="a1", role="agent", agent_id="a1", agent_ids=frozenset({"a1"}))
    requests: list[dict[str, object]] = [
        {"metrics": METRICS}, {"metrics": METRICS, "by": ["agent"]}, {"metrics": METRICS, "by": ["day", "queue"]},
        {"metrics": ["asa_s"], "where": {"agent": ["a2"]}}, {"metrics": METRICS, "viewer": agent_a1},
        {"metrics": METRICS, "from_date": "2026-03-02", "to_date": "2026-03-02"},
    ]
    for _ in range(2):  # the second round is served from the cache
        for request in requests:
            assert cached.query(**request) == plain.query(**request)  # type: ignore[arg-type]
    assert cached.cache_hits == len(requests) and plain.cache_hits == 0
    # and by hand: agent a1 sees only c1 (ASA 10 s); a2's ASA is 30 s
    assert _totals(cached, viewer=agent_a1) == {"offered": 1, "answered": 1, "asa_s": 10.0, "handled": 1}
    assert cached.query(metrics=["asa_s"], where={"agent": ["a2"]}).rows[0]["asa_s"] == 30.0


def test_viewers_do_not_share_answers(store: DuckDBStore, tmp_path: Path) -> None:
    store.load(_second().batch())
    svc = _service(store, tmp_path)
    a1 = Viewer(username="a1", role="agent", agent_id="a1", agent_ids=frozenset({"a1"}))
    a2 = Viewer(username="a2", role="agent", agent_id="a2", agent_ids=frozenset({"a2"}))
    # the same request, each agent's own call: ASA 10 s for a1, 30 s for a2
    assert _totals(svc, viewer=a1)["asa_s"] == 10.0
    assert _totals(svc, viewer=a2)["asa_s"] == 30.0
    assert _totals(svc, viewer=a1)["asa_s"] == 10.0


def test_contact_rows_follow_loads_and_equal_uncached(store: DuckDBStore, tmp_path: Path) -> None:
    svc = _service(store, tmp_path)
    rows = ContactRows(svc)
    first = rows.contacts(viewer=None, metric="handled")
    assert (first.total, [r.contact_id for r in first.rows]) == (1, ["c1"])
    assert rows.contacts(viewer=None, metric="handled") == first
    store.load(_second().batch())
    # two handled segments, newest first: c2 (10:00) then c1 (09:00)
    second = rows.contacts(viewer=None, metric="handled")
    assert (second.total, [r.contact_id for r in second.rows]) == (2, ["c2", "c1"])
    assert second == ContactRows(_service(store, tmp_path, entries=0)).contacts(viewer=None, metric="handled")


def test_big_results_are_not_kept(store: DuckDBStore, tmp_path: Path) -> None:
    svc = _service(store, tmp_path)
    calls: list[int] = []

    def compute() -> list[int]:
        calls.append(1)
        return list(range(5))

    for _ in range(2):
        svc.cached(("big",), compute, keep=lambda v: len(v) < 3)
    assert len(calls) == 2  # not kept, computed twice
    for _ in range(2):
        svc.cached(("small",), compute)
    assert len(calls) == 3  # kept after the first


def test_facts_outside_the_versioned_tables_are_never_cached(store: DuckDBStore, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A fact over a table some service writes through `raw` (no version bump) is always computed afresh."""
    import callboard.metrics.service as service_module

    monkeypatch.setattr(service_module, "VERSIONED_FACTS", frozenset({"agent_segments"}))
    svc = _service(store, tmp_path)
    assert svc.query(metrics=["offered"]).rows[0]["offered"] == 1  # c1's queue entry
    store.raw.execute("DELETE FROM queue_entries")  # behind the store's back
    assert svc.query(metrics=["offered"]).rows[0]["offered"] == 0  # no entries left: offered 0
    assert svc.cache_hits == 0 and svc.cache_misses == 0


def test_note_change_after_a_raw_write(store: DuckDBStore, tmp_path: Path) -> None:
    svc = _service(store, tmp_path)
    assert svc.query(metrics=["offered"]).rows[0]["offered"] == 1
    store.raw.execute("DELETE FROM queue_entries")
    store.note_change()
    assert svc.query(metrics=["offered"]).rows[0]["offered"] == 0  # c1's only entry is gone


def test_cached_pages_follow_loads_and_app_changes(tmp_path: Path) -> None:
    """WebContext.html_cached: the same page again is the cached HTML; after a load or an audited change in
    the app database it is built afresh."""
    from starlette.requests import Request
    from starlette.responses import Response

    from callboard.core.settings import load_settings
    from callboard.core.viewer import LOCAL_OWNER
    from callboard.runtime import build_runtime
    from callboard.web.context import WebContext

    with build_runtime(load_settings(tmp_path)) as runtime:
        runtime.store.load(_first().batch())
        ctx = WebContext(runtime=runtime, templates=None)  # type: ignore[arg-type]
        request = Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": []})
        request.state.csrf_token = "token"
        builds: list[int] = []

        def render() -> Response:
            builds.append(1)
            offered = runtime.kpi.query(metrics=["offered"]).rows[0]["offered"]
            return Response(f"offered {offered}", media_type="text/html")

        def page() -> bytes:
            return bytes(ctx.html_cached(request, LOCAL_OWNER, render).body)

        assert page() == b"offered 1"  # c1
        assert page() == b"offered 1" and len(builds) == 1  # from the cache
        runtime.store.load(_second().batch())
        assert page() == b"offered 2" and len(builds) == 2  # c1 + c2
        runtime.org.add_site(LOCAL_OWNER, site_id="s1", name="Site one")  # audited: the page is rebuilt
        assert page() == b"offered 2" and len(builds) == 3
