"""Metric cases as data, and the machinery that runs them on DuckDB and on PySpark.

A `MetricCase` is a tiny dataset built by hand, the metrics requested on it (exactly as a user types
them), the grouping, and the expected rows with their derivation written beside them. The same case
list runs:

- on DuckDB, one case at a time (its own store file);
- on PySpark, batched: every case's dataset is namespaced (ids prefixed with the case key, `topic`
  set to the key) and loaded together, then cases that read the same facts with the same grouping,
  settings and period share one query grouped by a partition dimension + the case's dimensions. The
  partition is `topic` for contact facts, or the case's single agent (agent state time) or single
  queue (interval aggregates), all carrying the prefix. A case sees exactly the rows its own dataset
  would give, because every join key (contact, customer, agent, callback target, response) carries
  the prefix. The batched plan also runs on DuckDB, which proves the batching itself is sound, so a
  Spark-only failure is an engine difference.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callboard.core.settings import Settings
from callboard.metrics.catalog import Catalog
from callboard.metrics.service import KpiService
from callboard.store.base import AnalyticsStore
from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.builders import Dataset

REL_TOL = 1e-9
ABS_TOL = 1e-9
# Dimensions whose values carry the namespacing prefix in the batched run.
PREFIXED_DIMENSIONS = ("agent", "contact", "queue")
# Facts whose rows carry the contact's `topic`; the others are partitioned by agent or queue instead.
TOPIC_FACTS = frozenset({"queue_entries", "queue_entries_talk", "agent_segments", "contact_outcomes", "surveys",
                         "qa_scores", "qa_question_results", "qa_section_results"})
AGENT_FACTS = frozenset({"agent_state_time", "agent_segments"})


@dataclass(frozen=True)
class MetricCase:
    """One hand-checked expectation.

    `expected` rows hold the dimension values (dates `YYYY-MM-DD`, interval starts
    `YYYY-MM-DDTHH:MM`, as the API renders them) and each requested metric's value; `None` means the
    metric must be NULL (empty denominator), never 0. `derivation` shows the arithmetic.
    """

    name: str
    build: Callable[[], Dataset]
    metrics: tuple[str, ...]
    expected: tuple[Mapping[str, Any], ...]
    derivation: str
    by: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    from_date: str | None = None
    to_date: str | None = None
    reference: str = ""  # reference section for published numbers

    def __str__(self) -> str:
        return self.name


def case(name: str, build: Callable[[], Dataset], metrics: str | Sequence[str], expected: Any, derivation: str, *,
         by: str | Sequence[str] = (), settings: Mapping[str, Any] | None = None, from_date: str | None = None,
         to_date: str | None = None, reference: str = "") -> MetricCase:
    """Build a MetricCase. `metrics` may be one name; `expected` a dict (one row) or a list of rows;
    with one metric and no grouping, a bare number (or None)."""
    metric_list = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    by_list = tuple(b for b in ((by,) if isinstance(by, str) else tuple(by)) if b)
    if isinstance(expected, Mapping):
        rows: tuple[Mapping[str, Any], ...] = (expected,)
    elif isinstance(expected, (list, tuple)):
        rows = tuple(expected)
    else:
        assert len(metric_list) == 1 and not by_list, f"{name}: a bare expected value needs one metric, no --by"
        rows = ({metric_list[0]: expected},)
    return MetricCase(name, build, metric_list, rows, derivation, by_list, dict(settings or {}), from_date, to_date,
                      reference)


# The organisation defaults the expected numbers assume, spelled out so CALLBOARD_* variables in the
# environment cannot change a case; a case's own `settings` override them.
BASE_SETTINGS: dict[str, Any] = {"time_zone": "UTC", "service_level_threshold_s": 20.0, "short_abandon_s": 5.0,
                                 "fcr_window_days": 7, "survey_window_days": 7}


def make_settings(data_dir: Path | None, overrides: Mapping[str, Any]) -> Settings:
    values: dict[str, Any] = {**BASE_SETTINGS, **overrides}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Settings(**values)


def settings_for(c: MetricCase, data_dir: Path) -> Settings:
    return make_settings(data_dir, c.settings)


# -- comparing ------------------------------------------------------------------------------------
def _same(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, float) or isinstance(got, float):
        return isinstance(got, (int, float)) and math.isclose(float(got), float(expected), rel_tol=REL_TOL,
                                                               abs_tol=ABS_TOL)
    return expected == got


def mismatches(c: MetricCase, rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Differences between the expected rows and the rows a store returned ([] when they agree)."""
    rows = list(rows)
    problems: list[str] = []
    key = lambda r: tuple(r.get(d) for d in c.by)  # noqa: E731
    got = {key(r): r for r in rows}
    if len(got) != len(rows):
        problems.append(f"duplicate groups in result {rows}")
    want = {key(r): r for r in c.expected}
    for k in want.keys() - got.keys():
        problems.append(f"missing row {dict(zip(c.by, k, strict=True))}; got {rows}")
    for k in got.keys() - want.keys():
        problems.append(f"unexpected row {got[k]}")
    for k in want.keys() & got.keys():
        for metric in c.metrics:
            if metric in want[k] and not _same(want[k][metric], got[k].get(metric)):
                where = f" at {dict(zip(c.by, k, strict=True))}" if c.by else ""
                problems.append(f"{metric}{where}: expected {want[k][metric]!r}, got {got[k].get(metric)!r}")
    return problems


def explain(c: MetricCase, problems: list[str], engine: str) -> str:
    return (f"[{engine}] case {c.name}{' (' + c.reference + ')' if c.reference else ''}\n"
            f"  derivation: {c.derivation}\n  " + "\n  ".join(problems))


# -- running one case ------------------------------------------------------------------------------
def load_duckdb(dataset: Dataset, path: Path) -> DuckDBStore:
    store = DuckDBStore(path)
    store.load(dataset.batch())
    return store


def query(store: AnalyticsStore, c: MetricCase, settings: Settings, *, catalog: Catalog | None = None,
          extra_by: tuple[str, ...] = (), metrics: Sequence[str] | None = None) -> list[dict[str, Any]]:
    service = KpiService(store=store, catalog=catalog or Catalog.load(), settings=settings)
    result = service.query(metrics=list(metrics or c.metrics), by=[*extra_by, *c.by], from_date=c.from_date,
                           to_date=c.to_date)
    return [dict(r) for r in result.rows]


def run_isolated(c: MetricCase, store: AnalyticsStore, data_dir: Path,
                 catalog: Catalog | None = None) -> list[dict[str, Any]]:
    return query(store, c, settings_for(c, data_dir), catalog=catalog)


# -- batching many cases into few queries -----------------------------------------------------------
def case_key(index: int) -> str:
    return f"k{index:03d}"


def namespaced(dataset: Dataset, key: str) -> Dataset:
    """A copy of the dataset with every join key prefixed by `key|` and `topic` set to `key`."""
    d = copy.deepcopy(dataset)
    p = lambda v: None if v is None else f"{key}|{v}"  # noqa: E731
    for row in d.contacts:
        row.update(contact_id=p(row["contact_id"]), customer_id=p(row["customer_id"]),
                   callback_of=p(row["callback_of"]), topic=key)
    for row in d.queue_entries:
        row.update(contact_id=p(row["contact_id"]), customer_id=p(row["customer_id"]), agent_id=p(row["agent_id"]),
                   topic=key)
    for row in d.agent_segments:
        row.update(contact_id=p(row["contact_id"]), customer_id=p(row["customer_id"]), agent_id=p(row["agent_id"]),
                   topic=key)
    for row in d.survey_responses:
        row.update(contact_id=p(row["contact_id"]), response_id=p(row["response_id"]))
    for row in d.agent_states:
        row.update(agent_id=p(row["agent_id"]), record_id=p(row["record_id"]))
    for row in d.interval_stats:
        row.update(agent_id=p(row["agent_id"]), record_id=p(row["record_id"]), queue_id=p(row["queue_id"]))
    for row in d.team_memberships:
        row.update(agent_id=p(row["agent_id"]))
    for row in d.qa_scores:
        row.update(contact_id=p(row["contact_id"]), agent_id=p(row["agent_id"]))
    return d


def combined_dataset(cases: Sequence[MetricCase]) -> Dataset:
    """Every case's dataset, namespaced with its key, in one Dataset."""
    total = Dataset()
    for index, c in enumerate(cases):
        d = namespaced(c.build(), case_key(index))
        for name in ("contacts", "queue_entries", "agent_segments", "survey_responses", "agent_states",
                     "interval_stats", "team_memberships"):
            getattr(total, name).extend(getattr(d, name))
        renumbered: dict[int, int] = {}
        for row in d.qa_scores:  # evaluation ids are numbers: renumber instead of prefixing
            renumbered[row["evaluation_id"]] = len(total.qa_scores) + 1
            total.qa_scores.append({**row, "evaluation_id": renumbered[row["evaluation_id"]]})
        for row in d.qa_item_results:
            total.qa_item_results.append({**row, "evaluation_id": renumbered[row["evaluation_id"]]})
    return total


def facts_of(c: MetricCase, catalog: Catalog) -> frozenset[str]:
    settings = make_settings(None, c.settings)
    service = KpiService(store=None, catalog=catalog, settings=settings)  # type: ignore[arg-type]
    return frozenset(catalog.measures[m].fact for r in service.resolve(list(c.metrics))
                     for m in catalog.measure_names(r.metric))


def partition_of(c: MetricCase, catalog: Catalog) -> str | None:
    """The dimension that separates this case's rows from the other cases' in a batched query:
    `topic` for contact facts; the one agent for agent state time (with segments); the one queue for
    interval aggregates. None: the case cannot share a query (run it alone)."""
    facts = facts_of(c, catalog)
    if facts <= TOPIC_FACTS and "topic" not in c.by:
        return "topic"
    d = c.build()
    if facts <= AGENT_FACTS and "agent" not in c.by:
        agents = {r["agent_id"] for r in [*d.agent_states, *d.agent_segments]}
        if len(agents) == 1:
            return "agent"
    if facts == {"interval_stats"} and "queue" not in c.by and len({r["queue_id"] for r in d.interval_stats}) == 1:
        return "queue"
    return None


def batchable(c: MetricCase, catalog: Catalog) -> bool:
    return partition_of(c, catalog) is not None


@dataclass(frozen=True)
class Group:
    """Cases answered by one query: same partition, facts, dimensions, settings and period."""

    indexes: tuple[int, ...]
    partition: str
    by: tuple[str, ...]
    settings: tuple[tuple[str, Any], ...]
    from_date: str | None
    to_date: str | None
    metrics: tuple[str, ...]


def plan_groups(cases: Sequence[MetricCase], catalog: Catalog) -> list[Group]:
    buckets: dict[tuple[Any, ...], list[int]] = {}
    for index, c in enumerate(cases):
        partition = partition_of(c, catalog)
        assert partition is not None, f"{c.name} cannot be batched"
        # Without dimensions every case gives exactly one row whatever facts the query reads, so those
        # cases share a query across facts; with dimensions another fact could add groups, so not.
        facts = facts_of(c, catalog) if c.by else frozenset()
        signature = (partition, facts, c.by, tuple(sorted(c.settings.items())), c.from_date, c.to_date)
        buckets.setdefault(signature, []).append(index)
    groups = []
    for (partition, _, by, settings, from_date, to_date), indexes in buckets.items():
        metrics = tuple(dict.fromkeys(m for i in indexes for m in cases[i].metrics))
        groups.append(Group(tuple(indexes), partition, by, settings, from_date, to_date, metrics))
    return groups


def _unprefix(value: Any, key: str) -> Any:
    if isinstance(value, str) and value.startswith(f"{key}|"):
        return value[len(key) + 1:]
    return value


def _belongs(row: Mapping[str, Any], partition: str, key: str) -> bool:
    value = row.get(partition)
    return value == key if partition == "topic" else isinstance(value, str) and value.startswith(f"{key}|")


@dataclass
class Outcome:
    """What one engine returned for one case: rows, or the error that stopped the query."""

    rows: list[dict[str, Any]] | None = None
    error: BaseException | None = None


def run_batched(cases: Sequence[MetricCase], store: AnalyticsStore, data_dir: Path,
                catalog: Catalog) -> dict[str, Outcome]:
    """Run batchable cases grouped (store must hold `combined_dataset(cases)`), keyed by case name."""
    out: dict[str, Outcome] = {}
    for group in plan_groups(cases, catalog):
        settings = make_settings(data_dir, dict(group.settings))
        probe = cases[group.indexes[0]]
        try:
            rows = query(store, probe, settings, catalog=catalog, extra_by=(group.partition,), metrics=group.metrics)
        except Exception as exc:  # noqa: BLE001 - reported per case below
            for i in group.indexes:
                out[cases[i].name] = Outcome(error=exc)
            continue
        for i in group.indexes:
            key = case_key(i)
            mine = []
            for row in rows:
                if not _belongs(row, group.partition, key):
                    continue
                kept = {d: (_unprefix(row[d], key) if d in PREFIXED_DIMENSIONS else row[d]) for d in cases[i].by}
                kept.update({m: row[m] for m in cases[i].metrics})
                mine.append(kept)
            out[cases[i].name] = Outcome(rows=mine)
    return out


def iso(value: dt.date | dt.datetime) -> str:
    """A dimension value as the service renders it."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()
