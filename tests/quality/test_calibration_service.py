"""CalibrationService: blind scoring until submit, the analysis on stored scorings, closing, permissions,
audit; the evaluation adapter and the operations figures on evaluation rows; migrations up and down."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import inspect

from callboard.core.errors import Conflict, Forbidden, InvalidInput
from callboard.core.viewer import LOCAL_OWNER
from callboard.org import audit
from callboard.quality.evaluation_source import AppDbSource
from callboard.runtime import Runtime
from callboard.store.appdb.engine import alembic_config, open_app_db
from tests.quality.calibration_data import add_form, build

# Same answers as tests/quality/test_calibration_analysis.py: expert qa3, lenient qa1, strict qa2.
ANSWERS = {
    "qa3": {"k1-0": ("yes", "yes", "5"), "k2-0": ("yes", "no", "3"), "k3-0": ("no", "yes", "4")},
    "qa1": {"k1-0": ("yes", "yes", "5"), "k2-0": ("yes", "yes", "4"), "k3-0": ("yes", "yes", "4")},
    "qa2": {"k1-0": ("yes", "no", "4"), "k2-0": ("yes", "no", "3"), "k3-0": ("no", "yes", "3")},
}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = build(tmp_path_factory.mktemp("calibration"))
    try:
        yield rt
    finally:
        rt.close()


def _answers(triple: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip(("q1", "q2", "q3"), triple, strict=True))


def test_blind_session_lifecycle_and_analysis(runtime: Runtime) -> None:
    cal = runtime.calibration
    qa1, qa2, qa3 = (runtime.users.viewer(u) for u in ("qa1", "qa2", "qa3"))
    version = add_form(runtime)
    sid = cal.create_session(qa1, name="March calibration", form_version_id=version,
                             contact_ids=["k1-0", "k2-0", "k3-0"], participants=["qa1", "qa2"], reference="expert",
                             expert="qa3", scheduled_on=dt.date(2026, 3, 6))
    session = cal.detail(qa1, sid).session
    assert session.participants == ("qa1", "qa2", "qa3") and len(session.contacts) == 3
    rows = {c.contact_id: c.id for c in session.contacts}
    assert {c.agent_id for c in session.contacts} == {"a1", "a2", "a3"}

    # qa1 saves a draft: qa2 sees nothing of it, qa1 sees only their own
    cal.score_contact(qa1, sid, rows["k1-0"], _answers(ANSWERS["qa1"]["k1-0"]))
    mine = cal.detail(qa1, sid)
    assert not mine.revealed and len(mine.mine) == 1 and mine.scores == () and mine.analysis is None
    assert cal.detail(qa2, sid).mine == ()

    for user, viewer in (("qa3", qa3), ("qa1", qa1)):
        for contact, triple in ANSWERS[user].items():
            cal.score_contact(viewer, sid, rows[contact], _answers(triple), submit=True)
    with pytest.raises(Conflict):  # submitted is final
        cal.score_contact(qa1, sid, rows["k1-0"], _answers(("no", "no", "1")), submit=True)
    assert not cal.detail(qa2, sid).revealed  # qa2 has not submitted: still blind
    after = cal.detail(qa1, sid)
    assert after.revealed and {s.evaluator for s in after.scores} == {"qa1", "qa3"}

    for contact, triple in ANSWERS["qa2"].items():
        cal.score_contact(qa2, sid, rows[contact], _answers(triple), submit=True)
    analysis = cal.detail(qa2, sid).analysis
    assert analysis is not None and analysis.evaluators == ("qa1", "qa2")
    by = {e.evaluator: e for e in analysis.per_evaluator}
    # hand-computed in test_calibration_analysis.py: +16.667 lenient, -16.667 strict
    assert by["qa1"].mean_deviation_points == pytest.approx(50 / 3) and by["qa1"].leaning == "lenient"
    assert by["qa2"].mean_deviation_points == pytest.approx(-50 / 3) and by["qa2"].leaning == "strict"
    assert analysis.icc is not None and analysis.icc.icc_2_1 == pytest.approx(1 / 7)

    (d1, d2) = cal.drift(qa1)
    assert (d1.evaluator, d1.sessions, d1.slope_points_per_30d) == ("qa1", 1, None)

    # calibration scorings never become evaluation records (so never reach agent averages)
    assert AppDbSource(runtime.app_db).records() == []

    with pytest.raises(Forbidden):  # only the facilitator (qa1) or an admin closes
        cal.close_session(qa2, sid)
    cal.close_session(qa1, sid)
    with pytest.raises(Conflict):
        cal.score_contact(qa2, sid, rows["k1-0"], _answers(("yes", "yes", "5")))
    with runtime.app_db.session() as s:
        actions = {e.action for e in audit.entries(s, entity="qa_calibration_session")}
        assert {"create", "close"} <= actions
        assert {e.action for e in audit.entries(s, entity="qa_calibration_score")} == {"save", "submit"}


def test_session_rules(runtime: Runtime) -> None:
    cal = runtime.calibration
    qa1 = runtime.users.viewer("qa1")
    version = add_form(runtime)
    with pytest.raises(Forbidden):
        cal.sessions(runtime.users.viewer("supA"))
    with pytest.raises(InvalidInput):  # one evaluator besides the expert is not calibration
        cal.create_session(qa1, name="x", form_version_id=version, contact_ids=["k1-0"], participants=["qa1"],
                           expert="qa3")
    sid = cal.create_session(qa1, name="Consensus", form_version_id=version, contact_ids=["k1-1"],
                             participants=["qa1", "qa2"], reference="consensus")
    with pytest.raises(Forbidden):  # not a participant
        cal.score_contact(runtime.users.viewer("qa3"), sid, cal.detail(qa1, sid).session.contacts[0].id,
                          {"q1": "yes", "q2": "yes", "q3": "3"})
    with pytest.raises(InvalidInput):  # a submit needs every visible question
        cal.score_contact(qa1, sid, cal.detail(qa1, sid).session.contacts[0].id, {"q1": "yes"}, submit=True)


def test_adapter_reads_evaluations_and_ops_figures(runtime: Runtime) -> None:
    """Evaluation rows (written directly to the quality tables) become records with per-question results;
    calibration rows are flagged and never counted; the report figures follow."""
    from callboard.store.appdb.quality_models import QaDispute, QaEvaluation

    version = add_form(runtime)
    t = dt.datetime(2026, 3, 3, 9)
    rows = [  # (evaluator, agent, answers, score, calibration, dispute status)
        ("qa1", "a1", {"q1": "no", "q2": "yes", "q3": "5"}, 5 / 6 * 100, False, "accepted"),
        ("qa1", "a2", {"q1": "yes", "q2": "yes", "q3": "5"}, 100.0, False, "rejected"),
        ("qa2", "a3", {"q1": "yes", "q2": "no", "q3": "5"}, 5 / 6 * 100, False, None),
        ("qa2", "a1", {"q1": "no", "q2": "no", "q3": "1"}, 0.0, True, None),
    ]
    with runtime.app_db.session() as s:
        for i, (ev, agent, answers, score_pct, calib, dispute) in enumerate(rows):
            row = QaEvaluation(form_version_id=version, source="cal", contact_id=f"k{agent[1]}-{10 + i}",
                               agent_id=agent, team_id=None, queue_id="q1", channel="voice", contact_at=t,
                               evaluator=ev, state="resolved" if dispute else "submitted", is_calibration=calib,
                               revision=1, answers_json=json.dumps(answers), score_pct=score_pct,
                               score_before_fail_pct=score_pct, critical_score_pct=None, fatal=False,
                               critical_failed=False, created_at=t + dt.timedelta(hours=1),
                               updated_at=t, submitted_at=t + dt.timedelta(hours=1, minutes=12 + 6 * i))
            s.add(row)
            s.flush()
            if dispute:
                s.add(QaDispute(evaluation_id=row.id, question_id="q1", reason="r", raised_by="ag1", raised_at=t,
                                status=dispute))
    records = {r.agent_id + r.evaluator: r for r in AppDbSource(runtime.app_db).records()}
    first = records["a1qa1"]
    assert [(i.question_id, i.failed) for i in first.items] == [("q1", True), ("q2", False), ("q3", False)]
    assert first.failed_sections == ("s1",) and first.disputed and first.overturned
    assert records["a1qa2"].is_calibration and not records["a1qa2"].counted

    ops = runtime.calibration.ops
    admin = runtime.users.viewer("admin")
    day = dt.date(2026, 3, 3)
    # the fail-rate trend comes from the KPI catalog: the rows written straight to the app database reach the
    # analytics store through reconcile (the app database is the source of truth)
    runtime.quality.reconcile(LOCAL_OWNER)
    trend = {r.key: (r.applicable, r.failed)
             for r in runtime.quality.fail_trend(admin, from_date=day, to_date=day)}
    # q1 failed on a1/qa1 only (the calibration row is left out): 1 of 3; q2 failed on a3/qa2: 1 of 3
    assert trend == {"q1": (3, 1), "q2": (3, 1), "q3": (3, 0)}
    disputes = {d.evaluator: (d.evaluations, d.disputed, d.overturned) for d in ops.disputes(admin, from_date=day,
                                                                                            to_date=day)}
    assert disputes == {"qa1": (2, 2, 1), "qa2": (1, 0, 0)}
    prod = {p.evaluator: p for p in ops.productivity(admin, from_date=day, to_date=day)}
    # qa1: 12 and 18 minutes -> median 15
    assert prod["qa1"].evaluations == 2 and prod["qa1"].median_minutes == pytest.approx(15)
    # a supervisor of team tA sees only a1 and a2's evaluations; an agent none of it
    sup = runtime.users.viewer("supA")
    assert {d.evaluator for d in ops.disputes(sup, from_date=day, to_date=day)} == {"qa1"}
    with pytest.raises(Forbidden):
        runtime.quality.fail_trend(runtime.users.viewer("ag1"), from_date=day, to_date=day)
    adjusted = ops.adjusted_scores(sup, from_date=day, to_date=day)
    assert {a.agent_id for a in adjusted.model.agents} == {"a1", "a2"} and adjusted.model.evaluations == 3


def test_migration_up_and_down(tmp_path: object) -> None:
    db = open_app_db(f"sqlite:///{tmp_path}/app.db")
    try:
        mine = {"qa_sampling_plans", "qa_sample_items", "qa_calibration_sessions", "qa_calibration_contacts",
                "qa_calibration_participants", "qa_calibration_scores"}
        assert mine <= set(inspect(db.engine).get_table_names())
        config = alembic_config(db.url)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003_quality_calibration@0001")
        tables = set(inspect(db.engine).get_table_names())
        assert not mine & tables and "qa_evaluations" in tables  # the other quality branch stays
        db.migrate()
        assert mine <= set(inspect(db.engine).get_table_names())
    finally:
        db.close()
