"""Every hand-checked metric case, in one list (the test modules parametrize over it)."""

from __future__ import annotations

from tests.metrics import (
    cases_fcr,
    cases_grouping,
    cases_handle,
    cases_quality,
    cases_queue,
    cases_reference,
    cases_states,
    cases_surveys,
)
from tests.metrics.harness import MetricCase

ALL_CASES: list[MetricCase] = [
    *cases_queue.CASES,
    *cases_handle.CASES,
    *cases_fcr.CASES,
    *cases_surveys.CASES,
    *cases_grouping.CASES,
    *cases_states.CASES,
    *cases_reference.CASES,
    *cases_quality.CASES,
]

_names = [c.name for c in ALL_CASES]
assert len(_names) == len(set(_names)), sorted({n for n in _names if _names.count(n) > 1})
