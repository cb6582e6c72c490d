"""SamplingService on the tiny organisation (tests/quality/calibration_data.py): candidates from the analytics
store, stored draws, top-ups, no contact twice, targeting, strata, workload, permissions and audit."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest

from callboard.core.errors import Forbidden, InvalidInput
from callboard.org import audit
from callboard.quality.sampling import Targeting
from callboard.quality.sampling_candidates import load_candidates
from callboard.runtime import Runtime
from tests.quality.calibration_data import MONDAY, build

WED = dt.date(2026, 3, 4)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = build(tmp_path_factory.mktemp("sampling"))
    try:
        yield rt
    finally:
        rt.close()


def test_candidates_carry_targeting_facts(runtime: Runtime) -> None:
    found = {c.contact_id: c for c in load_candidates(runtime.store, start=MONDAY, end=MONDAY + dt.timedelta(days=7))}
    assert len(found) == 3 * 28 + 2
    assert found["k1-0"].csat == 1.0 and found["k1-5"].csat == 5.0 and found["k1-4"].csat is None
    assert found["k1-1"].transferred and not found["k1-0"].transferred
    assert found["k1-2"].handle_s == pytest.approx(1230)  # talk 1200 + wrap-up 30
    assert found["k1-3"].repeat and not found["k2-3"].repeat  # cust called again 2 h after k1-3
    assert found["chat-0"].channel == "chat" and found["chat-0"].queue_id == "q2"


def test_draw_store_top_up_and_never_twice(runtime: Runtime) -> None:
    qa = runtime.users.viewer("qa1")
    service = runtime.sampling
    plan = service.create_plan(qa, name="Weekly 4", n_per_agent=4, period="week", evaluators=["qa1", "qa2"], seed=7)
    first = service.draw(qa, plan, WED)
    assert (first.period_start, first.period_end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 9))
    assert (first.candidates, first.kept, first.added) == (86, 0, 12)
    items = service.items(qa, plan_id=plan, day=WED)
    assert Counter(i.agent_id for i in items) == {"a1": 4, "a2": 4, "a3": 4}
    # spread over the week: 4 slots of 42 hours, one pick each
    a1_slots = sorted((i.contact_at - MONDAY) // dt.timedelta(hours=42) for i in items if i.agent_id == "a1")
    assert a1_slots == [0, 1, 2, 3]
    again = service.draw(qa, plan, WED)
    assert (again.kept, again.added) == (12, 0)
    # workload: 12 picks over two evaluators, balanced
    assert {(w.evaluator, w.assigned, w.open) for w in service.workload(qa, plan_id=plan)} == {("qa1", 6, 6),
                                                                                             ("qa2", 6, 6)}
    # a second plan with the same seed never draws the same contacts again
    other = service.create_plan(qa, name="Same seed", n_per_agent=4, period="week", evaluators=["qa3"], seed=7)
    service.draw(qa, other, WED)
    first_ids = {i.contact_id for i in items}
    second_ids = {i.contact_id for i in service.items(qa, plan_id=other)}
    assert len(second_ids) == 12 and not first_ids & second_ids
    kinds = {e.action for e in _audit(runtime, "qa_sampling_plan")}
    assert {"create", "draw"} <= kinds


def _audit(runtime: Runtime, entity: str) -> list[audit.AuditRow]:
    with runtime.app_db.session() as s:
        return audit.entries(s, entity=entity)


def test_targeted_plans(tmp_path_factory: pytest.TempPathFactory) -> None:
    rt = build(tmp_path_factory.mktemp("targeted"))
    try:
        qa = rt.users.viewer("qa1")
        for targeting, expected in ((Targeting(low_csat_max=2), {"k1-0"}), (Targeting(transfers=True), {"k1-1"}),
                                    (Targeting(long_aht_min_s=1000), {"k1-2"}), (Targeting(repeats=True), {"k1-3"})):
            plan = rt.sampling.create_plan(qa, name="Targeted", n_per_agent=5, period="week", targeting=targeting,
                                           team_ids=["tA"], evaluators=["qa1"], seed=3)
            rt.sampling.draw(qa, plan, WED)
            assert {i.contact_id for i in rt.sampling.items(qa, plan_id=plan)} == expected, targeting
    finally:
        rt.close()


def test_stratified_by_channel(tmp_path_factory: pytest.TempPathFactory) -> None:
    rt = build(tmp_path_factory.mktemp("strata"))
    try:
        qa = rt.users.viewer("qa1")
        plan = rt.sampling.create_plan(qa, name="By channel", n_per_agent=15, period="week", stratify_by="channel",
                                       team_ids=["tA"], evaluators=["qa1", "qa2"], seed=1)
        rt.sampling.draw(qa, plan, WED)
        items = rt.sampling.items(qa, plan_id=plan)
        # a1: 28 voice + 2 chat; 15 * 28/30 = 14 voice, 15 * 2/30 = 1 chat. a2: 28 voice -> 15. a3 not in tA.
        assert Counter((i.agent_id, i.stratum) for i in items) == {("a1", "voice"): 14, ("a1", "chat"): 1,
                                                                   ("a2", "voice"): 15}
    finally:
        rt.close()


def test_permissions_and_validation(runtime: Runtime) -> None:
    with pytest.raises(Forbidden):
        runtime.sampling.plans(runtime.users.viewer("supA"))
    with pytest.raises(Forbidden):
        runtime.sampling.create_plan(runtime.users.viewer("ag1"), name="x", n_per_agent=1, evaluators=["qa1"])
    qa = runtime.users.viewer("qa1")
    with pytest.raises(InvalidInput):
        runtime.sampling.create_plan(qa, name="x", n_per_agent=0, evaluators=["qa1"])
    with pytest.raises(InvalidInput):
        runtime.sampling.create_plan(qa, name="x", n_per_agent=1, evaluators=[])
    with pytest.raises(InvalidInput):
        runtime.sampling.create_plan(qa, name="x", n_per_agent=1, evaluators=["qa1"], team_ids=["nope"])
