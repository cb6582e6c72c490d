"""QA writes to the analytics store move its data version, so anything cached on it (KpiService.cached, the page
caches) shows the new QA numbers after a submit and after a re-score."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from callboard.runtime import Runtime
from tests.quality.quality_data import FORM, build, contact_of

ALL_GOOD = {"greet": "yes", "verify": "yes", "summary": "yes", "rude": "no", "notes": "ok"}
NO_GREETING = {**ALL_GOOD, "greet": "no"}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = build(tmp_path_factory.mktemp("qa-data-version"))
    try:
        yield rt
    finally:
        rt.close()


def test_submit_and_rescore_show_through_a_data_version_cache(runtime: Runtime) -> None:
    q = runtime.quality
    qa, ana, sup = (runtime.users.viewer(u) for u in ("qa", "ana", "sup"))
    form_id = q.create_form(qa, FORM)
    q.publish_form(qa, form_id)
    contact = contact_of(runtime, "ana")
    eid = q.start_evaluation(qa, contact_id=contact, form_id=form_id)
    day = q.get_evaluation(qa, eid).contact.contact_at.date()
    span = dict(from_date=day - dt.timedelta(days=1), to_date=day + dt.timedelta(days=1))

    def qa_score() -> Any:
        # what a page does: the figure cached on the store's data version
        return runtime.kpi.cached(("test-qa", "ana"), lambda: runtime.kpi.query(
            metrics="qa_score,qa_evaluations", where={"agent": ["ana"]}, **span).rows[0])

    before = runtime.kpi.data_version()
    assert qa_score() == {"qa_score": None, "qa_evaluations": 0}  # a draft never counts
    q.submit(qa, eid, NO_GREETING)
    assert runtime.kpi.data_version() != before
    first = qa_score()
    score = q.get_evaluation(qa, eid).score_pct
    assert score is not None and score < 100.0
    assert first == {"qa_score": pytest.approx(score), "qa_evaluations": 1}
    # re-score: ana disputes the greeting, the supervisor accepts -> revision 2 scores 100
    q.dispute(ana, eid, [("greet", "I greeted by name at 0:05")])
    dispute = q.get_evaluation(sup, eid).disputes[0]
    version = runtime.kpi.data_version()
    q.decide(sup, eid, dispute_id=dispute.id, accept=True, new_answer="yes", note="heard it")
    assert runtime.kpi.data_version() != version
    assert qa_score() == {"qa_score": pytest.approx(100.0), "qa_evaluations": 1}
