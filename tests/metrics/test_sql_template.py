"""KPI SQL compiled once per request shape and filled with each request's values (metrics/sql_template.py)
must be exactly the SQL Ibis compiles for that request directly: the same text, word for word.

Every catalog metric is checked (in groups), under groupings, filters (quotes and spaces in values; a template
made with one value filled with three, and the other way round) and periods (both bounds, one bound, none; a period over the UK's October clock change).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.core.settings import load_settings
from callboard.metrics import sql_template
from callboard.metrics.query import compile_request
from callboard.metrics.service import KpiService
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import T0, Dataset

# (by, where filled into the template first, where of the request checked, period first, period checked)
SCENARIOS = [
    ((), {}, {}, ("2026-03-01", "2026-03-31"), ("2026-10-20", "2026-11-02")),
    (("agent", "day"), {"agent": ["a1"]}, {"agent": ["o'brien"]}, ("2026-03-02", "2026-03-02"),
     ("2026-10-25", "2026-10-25")),
    (("team", "week"), {"team": ["t1"]}, {"team": ["night shift", "Ops ''B''", "t3"]}, ("2026-01-01", None),
     ("2026-06-30", None)),
    (("agent",), {"agent": ["a1", "a2", "a3"]}, {"agent": ["a9"]}, ("2026-03-01", "2026-03-31"),
     ("2026-04-01", "2026-04-30")),
    (("queue", "interval_30"), {"queue": ["q1"], "channel": ["voice"]}, {"queue": ["q 2"], "channel": ["chat"]},
     None, None),
    (("channel", "month"), {}, {}, (None, "2026-03-31"), (None, "2027-01-01")),
]
PARAMETERS = ["service_level(threshold_s=30)", "fcr.repeat_7d(window_days=3)", "service_level", "abandon_rate"]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    settings = load_settings(Path(tmp_path_factory.mktemp("sql-template"))).model_copy(
        update={"time_zone": "Europe/London"})
    rt = build_runtime(settings)
    try:
        yield rt
    finally:
        rt.close()


def _groups(kpi: KpiService) -> list[list[str]]:
    names = sorted(kpi.catalog.metrics)
    return [names[i:i + 25] for i in range(0, len(names), 25)] + [PARAMETERS]


def _request(kpi: KpiService, metrics: list[str], by: tuple[str, ...], where: dict[str, list[str]],
             period: tuple[str | None, str | None] | None):  # type: ignore[no-untyped-def]
    start, end = period or (None, None)
    return kpi.build_request(metrics=metrics, by=list(by), from_date=start, to_date=end, where=where)


def _direct(kpi: KpiService, request) -> str:  # type: ignore[no-untyped-def]
    expr, _ = compile_request(request, catalog=kpi.catalog, ctx=kpi._context())
    return _words(kpi.store.to_sql(expr))


def _words(sql: str | None) -> str:
    """The SQL with each run of white space as one space: the pretty-printer breaks lines by length, so a
    longer value moves line breaks (no value in these scenarios holds two spaces in a row)."""
    assert sql is not None
    return " ".join(sql.split())


@pytest.mark.parametrize("scenario", range(len(SCENARIOS)))
def test_filled_templates_equal_directly_compiled_sql(runtime: Runtime, scenario: int) -> None:
    kpi = runtime.kpi
    by, where_a, where_b, period_a, period_b = SCENARIOS[scenario]
    for metrics in _groups(kpi):
        first = _request(kpi, metrics, by, where_a, period_a)
        checked = _request(kpi, metrics, by, where_b, period_b)
        assert sql_template.shape(first) == sql_template.shape(checked)
        sentinel = sql_template.sentinel_request(first)
        expr, dims = compile_request(sentinel, catalog=kpi.catalog, ctx=kpi._context())
        template = sql_template.SqlTemplate.build(kpi.store.to_sql(expr), dims, sentinel)
        assert template is not None, metrics
        assert _words(template.fill(checked)) == _direct(kpi, checked), metrics
        assert _words(template.fill(first)) == _direct(kpi, first), metrics


def test_the_service_answers_a_second_agent_from_the_template_with_that_agents_numbers(tmp_path: Path) -> None:
    # a1 handles 2 contacts with talk 100 s and 200 s, a2 one with 60 s: AHT 150 s and 60 s.
    ds = Dataset()
    for cid, agent, talk in (("c1", "a1", 100), ("c2", "a1", 200), ("c3", "a2", 60)):
        ds.entry(ds.contact(cid, at=T0), queue="q1", outcome="answered", wait_s=5, agent=agent)
        ds.segment(cid, agent, queue="q1", talk_s=talk, hold_s=0, acw_s=0, hold_count=0)
    rt = build_runtime(load_settings(tmp_path))
    try:
        rt.store.load(ds.batch())
        day = T0.date().isoformat()
        for agent, aht in (("a1", 150.0), ("a2", 60.0), ("a1", 150.0)):
            rows = rt.kpi.query(metrics=["aht_s", "handled"], where={"agent": [agent]}, from_date=day, to_date=day).rows
            assert rows[0]["aht_s"] == pytest.approx(aht)
        both = rt.kpi.query(metrics=["aht_s", "handled"], where={"agent": ["a1", "a2"]}, from_date=day, to_date=day)
        # (100 + 200 + 60) / 3 = 120 s over 3 handled
        assert (both.rows[0]["aht_s"], both.rows[0]["handled"]) == (pytest.approx(120.0), 3)
        assert len(rt.kpi._templates) == 1  # one shape, four requests, one and two agents
    finally:
        rt.close()
