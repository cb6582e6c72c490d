"""Per-question and per-section fail rates from the KPI catalog (question_fail_rate, section_fail_rate over
qa_item_results) on evaluations made through QualityService, against hand counts, and the QA operations report's
trend and the quality summary's fail rates agreeing with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from callboard.core.errors import Forbidden
from callboard.core.timeutil import zone
from callboard.runtime import Runtime
from tests.quality.quality_data import FORM, build, contact_of


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, list[int]]]:
    """Form FORM: section open (greet, verify), section close (summary, rude [fatal, N/A allowed], notes [text,
    unscored]).

        eval  agent  greet      verify  summary  rude  | open  close
        e1    ana    no -> yes  yes     yes      no    | pass  pass   (greet disputed, accepted: revision 2)
        e2    ana    yes        yes     no       N/A   | pass  FAIL
        e3    ben    yes        no      yes      yes   | FAIL  FAIL   (rude = yes fails the fatal question)
    Never counted: e4, a calibration scoring of ben (everything failed), e5, a draft of ben (greet no)."""
    runtime = build(tmp_path_factory.mktemp("qa-fail-rates"))
    q = runtime.quality
    qa, ana, sup = (runtime.users.viewer(u) for u in ("qa", "ana", "sup"))
    form_id = q.create_form(qa, FORM)
    q.publish_form(qa, form_id)

    def evaluate(agent: str, skip: int, answers: dict[str, str], *, submit: bool = True, calibration: bool = False
                 ) -> int:
        eid = q.start_evaluation(qa, contact_id=contact_of(runtime, agent, skip), form_id=form_id,
                                 is_calibration=calibration)
        if submit:
            q.submit(qa, eid, {**answers, "notes": "ok"})
        else:
            q.save_answers(qa, eid, answers)
        return eid

    e1 = evaluate("ana", 0, {"greet": "no", "verify": "yes", "summary": "yes", "rude": "no"})
    e2 = evaluate("ana", 1, {"greet": "yes", "verify": "yes", "summary": "no", "rude": "na"})
    e3 = evaluate("ben", 0, {"greet": "yes", "verify": "no", "summary": "yes", "rude": "yes"})
    e4 = evaluate("ben", 1, {"greet": "no", "verify": "no", "summary": "no", "rude": "yes"}, calibration=True)
    e5 = evaluate("ben", 2, {"greet": "no"}, submit=False)
    q.dispute(ana, e1, [("greet", "I greeted by name at 0:05")])
    dispute = q.get_evaluation(sup, e1).disputes[0]
    q.decide(sup, e1, dispute_id=dispute.id, accept=True, new_answer="yes", note="heard it")
    try:
        yield runtime, [e1, e2, e3, e4, e5]
    finally:
        runtime.close()


def _span(runtime: Runtime, ids: list[int]) -> tuple[dt.date, dt.date]:
    tz = zone(runtime.settings.time_zone)
    days = [runtime.quality.get_evaluation(runtime.users.viewer("admin"), i).contact.contact_at
            .replace(tzinfo=dt.timezone.utc).astimezone(tz).date() for i in ids]
    return min(days), max(days)


def test_question_fail_rate_by_question_and_agent(scored: tuple[Runtime, list[int]]) -> None:
    runtime, ids = scored
    start, end = _span(runtime, ids)
    result = runtime.kpi.query(metrics="question_fail_rate,qa_questions,qa_questions_failed", by="question,agent",
                               from_date=start, to_date=end)
    got = {(r["question"], r["agent"]): (r["qa_questions_failed"], r["qa_questions"]) for r in result.rows}
    # greet: e1 passed at its latest revision (the accepted dispute), e2 passed, e3 passed
    # verify: failed on e3 only; summary: failed on e2 only; rude: N/A on e2 (no row), failed on e3;
    # notes is a text question (never scored); the calibration e4 and the draft e5 add nothing
    assert got == {("greet", "ana"): (0, 2), ("greet", "ben"): (0, 1), ("verify", "ana"): (0, 2),
                   ("verify", "ben"): (1, 1), ("summary", "ana"): (1, 2), ("summary", "ben"): (0, 1),
                   ("rude", "ana"): (0, 1), ("rude", "ben"): (1, 1)}
    rate = {k: r["question_fail_rate"] for k, r in zip(got, result.rows, strict=True)}
    assert rate[("summary", "ana")] == pytest.approx(1 / 2) and rate[("rude", "ben")] == 1.0
    overall = runtime.kpi.query(metrics="question_fail_rate,section_fail_rate", from_date=start, to_date=end).rows[0]
    # questions: e1 4 rows 0 failed, e2 3 rows 1 failed, e3 4 rows 2 failed -> 3/11
    # sections: open fails on e3 only, close on e2 and e3 -> 3 of 6
    assert overall["question_fail_rate"] == pytest.approx(3 / 11)
    assert overall["section_fail_rate"] == pytest.approx(3 / 6)


def test_ops_report_trend_and_summary_agree_with_the_catalog(scored: tuple[Runtime, list[int]]) -> None:
    runtime, ids = scored
    start, end = _span(runtime, ids)
    admin = runtime.users.viewer("admin")
    for kind, metric in (("question", "question_fail_rate"), ("section", "section_fail_rate")):
        trend = runtime.quality.fail_trend(admin, from_date=start, to_date=end, kind=kind, period="month")
        catalog = runtime.kpi.query(metrics=metric, by=[kind, "month"], from_date=start, to_date=end).rows
        assert {(r.key, r.period_start.isoformat()): r.fail_rate for r in trend} == pytest.approx(
            {(r[kind], r["month"]): r[metric] for r in catalog})
        # the quality summary's own computation over the app database gives the same per-item rates
        summary = {r.item_id: (r.failed, r.applicable) for r in runtime.quality.fail_rates(admin, kind=kind)}
        totals: dict[str, tuple[int, int]] = {}
        for r in trend:
            failed, applicable = totals.get(r.key, (0, 0))
            totals[r.key] = (failed + r.failed, applicable + r.applicable)
        assert summary == totals
    by_section = {r.key: (r.failed, r.applicable) for r in
                  runtime.quality.fail_trend(admin, from_date=start, to_date=end, kind="section", period="month")}
    assert by_section == {"open": (1, 3), "close": (2, 3)}  # hand counts from the table above
    # a supervisor of Team Aurora sees ana and ben; an agent is refused the report
    sup_rows = runtime.quality.fail_trend(runtime.users.viewer("sup"), from_date=start, to_date=end, kind="section",
                                          period="month")
    assert {r.key: (r.failed, r.applicable) for r in sup_rows} == by_section
    with pytest.raises(Forbidden):
        runtime.quality.fail_trend(runtime.users.viewer("ana"), from_date=start, to_date=end)


def test_fail_rates_leave_bonus_sections_and_their_questions_out() -> None:
    """A bonus section and its questions never fail, so they have no qa_item_results row: they are in no section
    or question fail rate's denominator (the quality summary, reports.fail_rates, applies the same rule). Kept,
    a bonus question would read 0% failed however often it was missed."""
    form = {"name": "Bonus", "scoring_mode": "points_weighted_by_group", "sections": [
        {"id": "main", "title": "Main", "weight": 100, "questions": [{"id": "q", "text": "Q?", "type": "yes_no"}]},
        {"id": "extra", "title": "Extra", "weight": 10, "bonus": True,
         "questions": [{"id": "b", "text": "Went beyond?", "type": "yes_no"}]}]}
    from callboard.quality.forms import parse_form
    from callboard.quality.results import item_rows
    from callboard.quality.scoring import score

    parsed = parse_form(form)
    result = score(parsed, {"q": "no", "b": "yes"})
    assert [(s.section_id, s.bonus) for s in result.sections] == [("main", False), ("extra", True)]

    class View:  # the two attributes item_rows reads
        id = 1

        def result(self):  # type: ignore[no-untyped-def]
            return result

    rows = [(r["item_kind"], r["item_id"], r["failed"]) for r in item_rows(View())]  # type: ignore[arg-type]
    # by hand: q answered "no" fails; b (bonus, answered "yes") and section extra are left out; main fails with q
    assert rows == [("question", "q", True), ("section", "main", True)]
    assert [q.question_id for q in result.failable_questions()] == ["q"]
    assert [q.question_id for q in score(parsed, {"q": "yes", "b": "no"}).failable_questions()] == ["q"]


def test_unknown_period_or_kind_is_refused(scored: tuple[Runtime, list[int]]) -> None:
    runtime, ids = scored
    start, end = _span(runtime, ids)
    from callboard.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        runtime.quality.fail_trend(runtime.users.viewer("admin"), from_date=start, to_date=end, period="year")
    with pytest.raises(InvalidInput):
        runtime.quality.fail_trend(runtime.users.viewer("admin"), from_date=start, to_date=end, kind="form")
