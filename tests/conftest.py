"""Shared fixtures: hypothesis profiles, one local SparkSession per run, a custom YAML metric.

Spark policy: with `CI=true` any Spark failure (including failing to start Spark) fails the run; locally
the Spark tests are skipped only when Java is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SPARK_CONF: dict[str, str] = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "2g",
    "spark.sql.session.timeZone": "UTC",
    # Tiny test data, many short queries: planning and JIT warm-up dominate, not execution. These
    # halve the run on 2 cores (measured: 113 s -> 59 s for the batched metric cases).
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(java_home and (Path(java_home) / "bin" / "java").exists())


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local SparkSession (local[2]) for the whole run, stopped at the end."""
    if not java_available():
        if in_ci():
            pytest.fail("CI=true but Java is not installed: Spark tests must run in CI (install a JRE 17)")
        pytest.skip("Java is not installed: Spark tests skipped (they run, and must pass, in CI)")
    try:
        from callboard.store.spark_store import local_session

        session = local_session(app_name="callboard-tests", master="local[2]", conf=SPARK_CONF)
        session.sparkContext.setLogLevel("ERROR")
    except Exception as exc:  # noqa: BLE001 - Java is present, so this is a real failure
        pytest.fail(f"could not start a local SparkSession: {type(exc).__name__}: {exc}")
    yield session
    session.stop()


# -- a custom ratio metric added by YAML alone (reused by the CLI and API tests) ------------------------
LONG_CALL_RATE_YAML = """\
# An organisation's own KPI, added without code: calls longer than 5 minutes of talk.
measures:
  agent_segments:
    long_calls: {agg: count, filter: "talk_ms > long_call_s * 1000", params: [long_call_s]}
metrics:
  long_call_rate:
    title: Long call rate
    type: ratio
    unit: ratio
    better: lower
    params: {long_call_s: {default: 300}}
    formula: long_calls / handled
"""


@dataclass(frozen=True)
class CustomMetricDataDir:
    """A data directory holding an analytics store and `metrics/long_call_rate.yaml`.

    Segments: a1 talks 400 s and 100 s, a2 talks 301 s and 300 s. long_call_rate (talk > 300 s):
    overall 2 of 4 = 0.5; a1 1/2, a2 1/2 (300 s exactly is not long); with long_call_s=120: 3/4.
    """

    data_dir: Path
    yaml_path: Path
    metric: str = "long_call_rate"
    expected: float = 0.5
    expected_by_agent: tuple[tuple[str, float], ...] = (("a1", 0.5), ("a2", 0.5))
    expected_with_120s: float = 0.75


def write_long_call_rate_yaml(data_dir: Path) -> Path:
    """Write the long_call_rate definition into `<data_dir>/metrics/` and return its path."""
    path = data_dir / "metrics" / "long_call_rate.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LONG_CALL_RATE_YAML, encoding="utf-8")
    return path


def make_custom_metric_data_dir(data_dir: Path) -> CustomMetricDataDir:
    from callboard.store.duckdb_store import DuckDBStore
    from tests.metrics.builders import Dataset

    d = Dataset()
    for cid, agent, talk in [("c1", "a1", 400), ("c2", "a1", 100), ("c3", "a2", 301), ("c4", "a2", 300)]:
        d.entry(d.contact(cid), wait_s=5, agent=agent)
        d.segment(cid, agent, talk_s=talk, acw_s=10)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = DuckDBStore(data_dir / "analytics.duckdb")
    try:
        store.load(d.batch())
    finally:
        store.close()
    return CustomMetricDataDir(data_dir=data_dir, yaml_path=write_long_call_rate_yaml(data_dir))


@pytest.fixture
def custom_metric_data_dir(tmp_path: Path) -> CustomMetricDataDir:
    """A fresh data dir with 4 handled calls and the YAML-only metric `long_call_rate` (expected 0.5)."""
    return make_custom_metric_data_dir(tmp_path / "data")
