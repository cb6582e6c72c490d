"""Contact drill-down queries compiled once per shape and filled with each page's values (KpiService.records,
metrics/sql_template.py) must run exactly the SQL Ibis compiles for that page directly, word for word, and give
the same page.

Each scenario primes the templates with one page (filters, period, paging) and then checks another page of the
same shape, once through the templates and once compiled directly: the page rows (count, the page query, and the
other figures of the page's contacts: contacts, entries, segments, FCR and CSAT) must match query for query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callboard.core.settings import load_settings
from callboard.metrics.drill import ContactRows
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import T0, Dataset

# (metric, part)
METRICS = [("offered", "counted"), ("handled", "counted"), ("abandoned", "counted"), ("aht_s", "counted"),
           ("abandon_rate", "counted"), ("service_level", "missed"), ("service_level(threshold_s=30)", "base"),
           ("fcr_rate", "counted"), ("fcr.repeat_7d(window_days=3)", "counted"), ("csat", "counted"),
           ("transfer_rate", "counted")]
# (where, period, limit and offset) of the page that makes the template, then of the page checked
SCENARIOS = [
    (({"agent": ["a1"]}, ("2026-03-01", "2026-03-07"), (50, 0)),
     ({"agent": ["o'brien", "a2"]}, ("2026-03-02", "2026-03-03"), (50, 0))),
    (({}, ("2026-03-02", None), (2, 1)), ({}, ("2026-03-01", None), (3, 2))),
    (({"queue": ["q1"], "channel": ["voice"]}, None, (10, 0)), ({"queue": ["q 2"], "channel": ["chat"]}, None, (5, 0))),
    (({"team": ["t1", "t2"]}, (None, "2026-03-31"), (1, 0)), ({"team": ["night shift"]}, (None, "2026-03-04"), (1, 0))),
]


def _dataset() -> Dataset:
    ds = Dataset()
    ds.contact("c1", at=T0, customer_id="cust1", resolved=True)
    ds.entry("c1", wait_s=12, agent="a1")
    ds.segment("c1", "a1", talk_s=100, hold_s=10, acw_s=20)
    ds.survey("c1", "csat", 5)
    ds.contact("c2", at=T0 + dt.timedelta(hours=1), customer_id="cust2")
    ds.entry("c2", wait_s=25, agent="o'brien")
    ds.segment("c2", "o'brien", talk_s=200, transferred_out=True)
    ds.contact("c3", at=T0 + dt.timedelta(hours=2), customer_id="cust3")
    ds.entry("c3", outcome="abandoned", wait_s=40)
    ds.contact("c4", at=T0 + dt.timedelta(days=1), customer_id="cust1")
    ds.entry("c4", queue="q 2", wait_s=5, agent="a2")
    ds.segment("c4", "a2", queue="q 2", talk_s=60)
    ds.survey("c4", "csat", 2)
    ds.contact("c5", at=T0 + dt.timedelta(days=2), channel="chat", customer_id="cust5")
    ds.entry("c5", wait_s=3, agent="a1")
    ds.segment("c5", "a1", talk_s=300)
    return ds


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = build_runtime(load_settings(Path(tmp_path_factory.mktemp("drill-templates"))))
    rt.store.load(_dataset().batch())
    rt.kpi.result_cache_entries = 0  # every page runs its queries
    try:
        yield rt
    finally:
        rt.close()


def _page(rt: Runtime, metric: str, part: str, spec: tuple[Any, ...], executed: list[str]) -> Any:
    where, period, (limit, offset) = spec
    start, end = period or (None, None)
    store = rt.store
    real = type(store).sql_to_pyarrow

    def record(sql: str) -> Any:
        executed.append(" ".join(sql.split()))  # line breaks move with the length of values
        return real(store, sql)

    store.sql_to_pyarrow = record  # type: ignore[method-assign]
    try:
        return ContactRows(rt.kpi).contacts(viewer=None, metric=metric, part=part, where=where, from_date=start,
                                            to_date=end, limit=limit, offset=offset)
    finally:
        del store.sql_to_pyarrow


@pytest.mark.parametrize("scenario", range(len(SCENARIOS)))
def test_filled_drill_queries_equal_directly_compiled_ones(runtime: Runtime, scenario: int) -> None:
    first, checked = SCENARIOS[scenario]
    kpi = runtime.kpi
    for metric, part in METRICS:
        kpi.template_queries = True
        _page(runtime, metric, part, first, [])  # makes the templates of this shape
        templated: list[str] = []
        page = _page(runtime, metric, part, checked, templated)
        kpi.template_queries = False
        direct: list[str] = []
        try:
            expected = _page(runtime, metric, part, checked, direct)
        finally:
            kpi.template_queries = True
        assert templated == direct, (metric, part)
        assert page == expected, (metric, part)
        assert len(direct) >= 2  # the count and the page at least
    unusable = [shape for shape, template in kpi._query_templates.items() if template is None]
    assert not unusable  # every shape made a template (none fell back to compiling each page)


def test_a_second_agents_page_is_filled_from_the_first_ones_template(runtime: Runtime) -> None:
    rows = ContactRows(runtime.kpi)
    page = rows.contacts(viewer=None, metric="handled", where={"agent": ["a1"]}, from_date="2026-03-01",
                         to_date="2026-03-07")
    templates = len(runtime.kpi._query_templates)
    other = rows.contacts(viewer=None, metric="handled", where={"agent": ["a2"]}, from_date="2026-03-01",
                          to_date="2026-03-07")
    assert len(runtime.kpi._query_templates) == templates  # no new shape
    # a1 handled c1 (talk 100 s + hold 10 s + wrap-up 20 s = 130 s) and c5 (300 s); a2 handled c4 (60 s)
    assert sorted((r.contact_id, r.handle_s) for r in page.rows) == [("c1", 130.0), ("c5", 300.0)]
    assert [(r.contact_id, r.handle_s, r.csat) for r in other.rows] == [("c4", 60.0, 2.0)]
