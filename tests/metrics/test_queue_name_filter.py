"""A queue filter finds a queue by the display name the pages show (`--where queue=Billing`), as well as by id.

Data: queue q_billing is named "Billing" and q_sales "Sales"; q_misc has no name. Offered contacts: q_billing 3,
q_sales 2, q_misc 1 (one queue entry each, all answered).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from callboard.core.settings import load_settings
from callboard.metrics.names import queue_ids_named
from callboard.records.batch import input_schema
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    ds = Dataset()
    for n, queue in enumerate(["q_billing"] * 3 + ["q_sales"] * 2 + ["q_misc"]):
        ds.entry(ds.contact(f"c{n}"), queue=queue, outcome="answered", wait_s=5)
    batch = ds.batch()
    batch.add("queues", pa.Table.from_pylist(
        [{"queue_id": "q_billing", "display_name": "Billing", "channel": "voice"},
         {"queue_id": "q_sales", "display_name": "Sales", "channel": "voice"}], schema=input_schema("queues")))
    rt = build_runtime(load_settings(Path(tmp_path_factory.mktemp("queue-names"))))
    rt.store.load(batch)
    try:
        yield rt
    finally:
        rt.close()


def offered(rt: Runtime, *queues: str) -> object:
    return rt.kpi.query(metrics=["offered"], where={"queue": list(queues)}).rows[0]["offered"]


def test_a_queue_is_found_by_its_display_name_in_any_case(runtime: Runtime) -> None:
    assert offered(runtime, "q_billing") == 3
    assert offered(runtime, "Billing") == 3
    assert offered(runtime, "billing") == 3
    assert offered(runtime, "Billing", "q_sales") == 5  # 3 + 2
    assert offered(runtime, "q_misc") == 1  # a queue without a name is found by its id
    assert offered(runtime, "Nowhere") == 0


def test_values_are_kept_and_each_named_queue_added_once() -> None:
    names = {"q1": "Billing", "q2": "billing", "q3": "Sales"}
    assert queue_ids_named(names, ["BILLING", "q1"]) == ["BILLING", "q1", "q2"]
    assert queue_ids_named(names, ["q3"]) == ["q3"]
