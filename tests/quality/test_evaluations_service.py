"""Evaluations through QualityService on a real app database and analytics store: lifecycle, disputes with the
window, revisions, access by role, notifications, audit, the analytics feed, reconcile and the scorecard hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from callboard.core.errors import Conflict, Forbidden, InvalidInput
from callboard.core.viewer import LOCAL_OWNER
from callboard.org import audit
from callboard.quality.scorecard_hook import install
from callboard.quality.service import QualityService
from callboard.runtime import Runtime
from tests.quality.quality_data import FORM, build, contact_of

ALL_GOOD = {"greet": "yes", "verify": "yes", "summary": "yes", "rude": "no", "notes": "ok"}  # 100% in any version


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 10, 9, 0)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = build(tmp_path_factory.mktemp("quality-eval"))
    try:
        yield rt
    finally:
        rt.close()


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def service(runtime: Runtime, clock: Clock) -> QualityService:
    return QualityService(runtime.app_db, runtime.store, runtime.kpi, runtime.org, clock=clock)


def changed_form() -> dict:
    """Version 2 of FORM: the closing section weighs 60 instead of its version-1 weight."""
    return {**FORM, "sections": [FORM["sections"][0], {**FORM["sections"][1], "weight": 60}]}


@pytest.fixture(scope="module")
def form_id(service: QualityService, runtime: Runtime) -> int:
    """The form the tests score with, at version 2 (published over version 1), whatever order they run in."""
    qa = runtime.users.viewer("qa")
    fid = service.create_form(qa, FORM)
    service.publish_form(qa, fid)
    service.save_form(qa, fid, changed_form())
    service.publish_form(qa, fid)
    return fid


def _scored(service: QualityService, runtime: Runtime, form_id: int, agent: str, answers: dict, skip: int = 0) -> int:
    qa = runtime.users.viewer("qa")
    eid = service.start_evaluation(qa, contact_id=contact_of(runtime, agent, skip), form_id=form_id)
    service.submit(qa, eid, answers)
    return eid


def test_migration_creates_and_drops_the_quality_tables(tmp_path: Path) -> None:
    from alembic import command

    from callboard.store.appdb.engine import alembic_config, open_app_db

    db = open_app_db(f"sqlite:///{tmp_path / 'app.db'}")
    assert {"qa_forms", "qa_evaluations", "qa_disputes", "qa_exemplars"} <= set(inspect(db.engine).get_table_names())
    with db.engine.begin() as connection:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0002_quality@0001")
    assert "qa_evaluations" not in inspect(db.engine).get_table_names()
    db.close()


def test_form_versions(service: QualityService, runtime: Runtime) -> None:
    qa = runtime.users.viewer("qa")
    form_id = service.create_form(qa, FORM)  # its own form: the shared fixture's is already at version 2
    service.publish_form(qa, form_id)
    eid = _scored(service, runtime, form_id, "carla", ALL_GOOD, skip=3)
    changed = changed_form()
    assert service.save_form(qa, form_id, changed) == 2  # the published version 1 stays as it was
    assert service.save_form(qa, form_id, changed) == 2  # a draft is edited in place
    summary = service.get_form(qa, form_id)
    assert summary.published.version == 1 and summary.draft.version == 2
    assert service.publish_form(qa, form_id) == 2
    assert [v.status for v in service.get_form(qa, form_id).versions] == ["published", "retired"]
    assert service.get_evaluation(qa, eid).form.version == 1  # the old evaluation keeps its version
    with pytest.raises(Forbidden):
        service.create_form(runtime.users.viewer("sup"), FORM)
    assert [e.action for e in _audit(runtime, "qa_form")][:3] == ["publish", "update", "update"]


def _audit(runtime: Runtime, entity: str) -> list[audit.AuditRow]:
    with runtime.app_db.session() as s:
        return audit.entries(s, entity=entity)


def test_lifecycle_dispute_accept_keeps_earlier_revision(service: QualityService, runtime: Runtime, form_id: int,
                                                         clock: Clock) -> None:
    qa, ana, sup = (runtime.users.viewer(u) for u in ("qa", "ana", "sup"))
    contact = contact_of(runtime, "ana")
    eid = service.start_evaluation(qa, contact_id=contact, form_id=form_id)
    draft = service.get_evaluation(qa, eid)
    assert draft.state == "draft" and draft.contact.team_id == "Team Aurora"
    with pytest.raises(Forbidden):
        service.get_evaluation(ana, eid)  # agents never see drafts
    with pytest.raises(InvalidInput, match="unanswered"):
        service.submit(qa, eid, {"greet": "yes"})
    answers = {"greet": "no", "verify": "yes", "summary": "yes", "rude": "no", "notes": "good call"}
    service.submit(qa, eid, answers)
    ev = service.get_evaluation(ana, eid)
    # version 2 of the form: opening (weight 40) 1 of 2, closing (weight 60) 2 of 2 → (40 + 120) / (80 + 120) = 80%
    assert ev.state == "submitted" and ev.score_pct == pytest.approx(80.0)
    assert ev.dispute_seconds_left(clock.now) == 7 * 86400
    assert any(f"/quality/evaluations/{eid}" == n.link for n in service.notifications(ana))
    with pytest.raises(Forbidden):
        service.dispute(sup, eid, [("greet", "not me")])  # only the agent disputes
    service.comment(ana, eid, "I did greet them by name at 0:05", "greet")
    service.dispute(ana, eid, [("greet", "I greeted by name at 0:05")])
    assert service.get_evaluation(ana, eid).state == "disputed"
    assert any(str(eid) in n.text for n in service.notifications(sup))  # the supervisor is told
    with pytest.raises(Forbidden):
        service.decide(qa, eid, dispute_id=1, accept=True, new_answer="yes")  # the evaluator is not the arbiter
    dispute = service.get_evaluation(sup, eid).disputes[0]
    service.decide(sup, eid, dispute_id=dispute.id, accept=True, new_answer="yes", note="heard it")
    final = service.get_evaluation(ana, eid)
    # re-scored: everything yes → 100%; revision 1 (80%) kept
    assert final.state == "resolved" and final.score_pct == pytest.approx(100.0) and final.revision == 2
    assert [(r.revision, r.score_pct) for r in final.revisions] == [(1, pytest.approx(80.0)), (2, pytest.approx(100.0))]
    assert final.comments[0].question_id == "greet"
    actions = [e.action for e in _audit(runtime, "qa_evaluation") if e.entity_id == str(eid)]
    assert actions[:4] == ["accept_dispute", "dispute", "comment", "submit"]


def test_reject_and_window(service: QualityService, runtime: Runtime, form_id: int, clock: Clock) -> None:
    ana, sup = runtime.users.viewer("ana"), runtime.users.viewer("sup")
    eid = _scored(service, runtime, form_id, "ana", {**ALL_GOOD, "summary": "no"}, skip=1)
    service.dispute(ana, eid, [("summary", "I did summarise")])
    d = service.get_evaluation(sup, eid).disputes[0]
    service.decide(sup, eid, dispute_id=d.id, accept=False, note="not heard on the recording")
    ev = service.get_evaluation(ana, eid)
    # closing 1 of 2 (weight 60), opening 2 of 2 (40): (80 + 60) / (80 + 120) = 70%, unchanged by the rejection
    assert ev.state == "resolved" and ev.score_pct == pytest.approx(70.0) and ev.revision == 1
    late = _scored(service, runtime, form_id, "ana", ALL_GOOD, skip=2)
    clock.now += dt.timedelta(days=7, seconds=1)
    try:
        with pytest.raises(Conflict, match="window closed"):
            service.dispute(ana, late, [("greet", "late")])
        service.acknowledge(ana, late)
        assert service.get_evaluation(ana, late).state == "acknowledged"
    finally:
        clock.now -= dt.timedelta(days=7, seconds=1)


def test_access_by_role(service: QualityService, runtime: Runtime, form_id: int) -> None:
    eid = _scored(service, runtime, form_id, "ben", ALL_GOOD)
    assert service.get_evaluation(runtime.users.viewer("sup"), eid).agent_id == "ben"
    assert service.get_evaluation(runtime.users.viewer("manager"), eid).agent_id == "ben"
    for user in ("ana", "planner"):
        with pytest.raises(Forbidden):
            service.get_evaluation(runtime.users.viewer(user), eid)
    assert all(e.agent_id == "ana" for e in service.list_evaluations(runtime.users.viewer("ana")))
    with pytest.raises(Forbidden):  # qa analysts evaluate only their sites' agents; eli is in north too, so use admin
        service.start_evaluation(runtime.users.viewer("sup"), contact_id=contact_of(runtime, "ben"), form_id=form_id)
    with pytest.raises(Forbidden):
        service.comment(runtime.users.viewer("ana"), eid, "not mine")


def test_calibration_never_counts_and_scorecard_hook(service: QualityService, runtime: Runtime, form_id: int) -> None:
    qa = runtime.users.viewer("qa")
    a = _scored(service, runtime, form_id, "dev", ALL_GOOD)  # 100%
    b = _scored(service, runtime, form_id, "dev", {**ALL_GOOD, "rude": "yes"}, skip=1)  # fatal → 0%
    cal = service.start_evaluation(qa, contact_id=contact_of(runtime, "dev", 2), form_id=form_id, is_calibration=True)
    service.submit(qa, cal, {**ALL_GOOD, "greet": "no"})
    evs = {e.id: e for e in service.list_evaluations(qa, agent_id="dev", include_calibration=True)}
    # b before the fatal rule (form version 2): opening 2 of 2 × 40, closing 1 of 2 × 60 → 140 / 200 = 70%
    assert evs[b].fatal and evs[b].score_pct == 0.0 and evs[b].score_before_fail_pct == pytest.approx(70.0)
    lo = min(e.contact.contact_at for e in evs.values()).date()
    hi = max(e.contact.contact_at for e in evs.values()).date()
    scores = service.qa_scores_for_agents(["dev"], lo, hi)
    # (100 + 0) / 2 = 50; the calibration evaluation is left out
    assert scores["dev"].value == pytest.approx(50.0) and scores["dev"].evaluations == 2
    row = {r.key: r for r in service.summary(qa, by="agent")}["dev"]
    assert row.evaluations == 2 and row.critical_fail_rate == pytest.approx(0.5)
    install(runtime)
    period = type("P", (), {"start": lo, "end": hi})()
    assert runtime.scorecards.qa_scores(("dev",), period)["dev"].value == pytest.approx(50.0)
    rates = {r.item_id: r for r in service.fail_rates(qa, by="agent", kind="question") if r.key == "dev"}
    assert rates["rude"].failed == 1 and rates["rude"].applicable == 2 and rates["rude"].fail_rate == 0.5


def test_results_feed_is_idempotent_and_reconcile_repairs(service: QualityService, runtime: Runtime,
                                                          form_id: int) -> None:
    eid = _scored(service, runtime, form_id, "carla", ALL_GOOD)
    other = _scored(service, runtime, form_id, "carla", ALL_GOOD, skip=1)
    raw = runtime.store.raw
    count = lambda: raw.execute("SELECT count(*) FROM qa_scores WHERE evaluation_id = ?", [eid]).fetchone()[0]  # noqa: E731
    assert count() == 1
    service._sync([eid])  # writing again leaves one row
    assert count() == 1
    assert service.reconcile(LOCAL_OWNER, repair=False).in_sync
    raw.execute("DELETE FROM qa_scores WHERE evaluation_id = ?", [eid])  # missing
    raw.execute("DELETE FROM qa_item_results WHERE evaluation_id = ?", [eid])
    raw.execute("UPDATE qa_item_results SET failed = NOT failed WHERE evaluation_id = ?", [other])  # stale
    raw.execute("INSERT INTO qa_scores SELECT * REPLACE (999999 AS evaluation_id) FROM qa_scores "
                "WHERE evaluation_id = ?", [other])  # extra
    report = service.reconcile(LOCAL_OWNER)
    assert (report.missing, report.stale, report.extra) == (1, 1, 1) and report.repaired == 3
    assert service.reconcile(LOCAL_OWNER, repair=False).in_sync
    with pytest.raises(Forbidden):
        service.reconcile(runtime.users.viewer("qa"))


def test_exemplars(service: QualityService, runtime: Runtime) -> None:
    qa = runtime.users.viewer("qa")
    xid = service.add_exemplar(qa, contact_id=contact_of(runtime, "ben"), title="Calm de-escalation",
                               tags="De-escalation, empathy", note="Listen to how the refund is explained")
    ana = runtime.users.viewer("ana")
    assert [e.id for e in service.exemplars(ana, text="refund")] == [xid]
    assert [e.id for e in service.exemplars(ana, tag="empathy")] == [xid]
    assert service.exemplars(ana, text="nothing like this") == []
    with pytest.raises(Forbidden):
        service.add_exemplar(ana, contact_id=contact_of(runtime, "ana"), title="me", tags="", note="")
    assert ("empathy", 1) in service.exemplar_tags(ana)
