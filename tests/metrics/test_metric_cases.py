"""Every hand-checked metric case on DuckDB and on PySpark; both must give the expected numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from callboard.core.settings import Settings
from callboard.metrics.catalog import Catalog
from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.cases import ALL_CASES
from tests.metrics.harness import (
    MetricCase,
    Outcome,
    batchable,
    combined_dataset,
    explain,
    load_duckdb,
    mismatches,
    query,
    run_batched,
    run_isolated,
    settings_for,
)

CATALOG = Catalog.load()
BATCHED = [c for c in ALL_CASES if batchable(c, CATALOG)]
SINGLE = [c for c in ALL_CASES if not batchable(c, CATALOG)]


def _check(c: MetricCase, outcome: Outcome, engine: str) -> None:
    if outcome.error is not None:
        raise AssertionError(f"[{engine}] case {c.name}: the query failed: "
                             f"{type(outcome.error).__name__}: {outcome.error}") from outcome.error
    assert outcome.rows is not None
    problems = mismatches(c, outcome.rows)
    assert not problems, explain(c, problems, engine)


# -- DuckDB: each case on its own store ----------------------------------------------------------------
@pytest.mark.parametrize("c", ALL_CASES, ids=str)
def test_case_on_duckdb(c: MetricCase, tmp_path: Path) -> None:
    store = load_duckdb(c.build(), tmp_path / "analytics.duckdb")
    try:
        rows = run_isolated(c, store, tmp_path, CATALOG)
    finally:
        store.close()
    _check(c, Outcome(rows=rows), "duckdb")


def test_batched_plan_gives_the_same_answers_on_duckdb(tmp_path: Path) -> None:
    """The namespaced, batched plan the Spark run uses, on DuckDB: proves the batching is sound."""
    store = load_duckdb(combined_dataset(BATCHED), tmp_path / "combined.duckdb")
    try:
        outcomes = run_batched(BATCHED, store, tmp_path, CATALOG)
    finally:
        store.close()
    failures = []
    for c in BATCHED:
        try:
            _check(c, outcomes[c.name], "duckdb-batched")
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)


# -- PySpark: the same cases, batched into few queries over one Parquet export ------------------------------
@pytest.fixture(scope="module")
def spark_outcomes(spark_session: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    from callboard.store.spark_store import SparkStore

    root = tmp_path_factory.mktemp("spark_cases")
    outcomes: dict[str, Outcome] = {}
    duck = load_duckdb(combined_dataset(BATCHED), root / "combined.duckdb")
    duck.export_parquet(root / "combined")
    duck.close()
    store = SparkStore(root / "combined", session=spark_session)
    try:
        outcomes.update(run_batched(BATCHED, store, root, CATALOG))
    finally:
        store.close()
    for index, c in enumerate(SINGLE):
        directory = root / f"single{index}"
        duck = load_duckdb(c.build(), directory / "analytics.duckdb")
        duck.export_parquet(directory / "parquet")
        duck.close()
        store = SparkStore(directory / "parquet", session=spark_session)
        try:
            outcomes[c.name] = Outcome(rows=query(store, c, settings_for(c, directory), catalog=CATALOG))
        except Exception as exc:  # noqa: BLE001 - reported by the case's own test
            outcomes[c.name] = Outcome(error=exc)
        finally:
            store.close()
    return outcomes


@pytest.mark.spark
@pytest.mark.parametrize("c", ALL_CASES, ids=str)
def test_case_on_spark(c: MetricCase, spark_outcomes: dict[str, Outcome]) -> None:
    _check(c, spark_outcomes[c.name], "pyspark")


# -- coverage of the case list itself --------------------------------------------------------------------
def test_every_catalog_metric_has_a_case() -> None:
    """Each metric ID in the built-in catalog is computed, resolved from some request, by at least one case."""
    settings = Settings()
    from callboard.metrics.service import KpiService

    service = KpiService(store=None, catalog=CATALOG, settings=settings)  # type: ignore[arg-type]
    covered = {r.metric.id for c in ALL_CASES for r in service.resolve(list(c.metrics))}
    missing = sorted(set(CATALOG.metrics) - covered)
    assert not missing, f"metrics without a hand-checked case: {missing}"


def test_every_case_explains_its_numbers() -> None:
    for c in ALL_CASES:
        assert len(c.derivation) >= 20, f"{c.name}: write the derivation beside the expected values"
        for row in c.expected:
            assert set(row) <= {*c.by, *c.metrics}, f"{c.name}: expected row names something not requested: {row}"
            assert set(c.by) <= set(row), f"{c.name}: expected row lacks a dimension value: {row}"


def test_duckdb_store_in_memory_agrees_with_file(tmp_path: Path) -> None:
    """Sanity: the harness's DuckDB file store and an in-memory store give the same rows for one case."""
    c = ALL_CASES[0]
    memory = DuckDBStore(":memory:")
    memory.load(c.build().batch())
    assert not mismatches(c, run_isolated(c, memory, tmp_path))
    memory.close()
