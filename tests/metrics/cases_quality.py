"""QA results by hand (§13): mean evaluation score, critical fail rate, drafts and calibration left out."""

from __future__ import annotations

import datetime as dt

from tests.metrics.builders import T0, Dataset
from tests.metrics.harness import MetricCase, case


def qa_mix() -> Dataset:
    """a1: c1 scored 80 (evaluator qa1), c2 scored 60 with a critical fail (qa2), c3 all N/A (no score, qa1);
    a2: c4 scored 90 (qa2). Not counted: a calibration evaluation of c1 scored 0 and a draft of c2 scored 10."""
    d = Dataset()
    for i, agent in enumerate(["a1", "a1", "a1", "a2"], start=1):
        d.contact(f"c{i}", at=T0 + dt.timedelta(hours=i))
        d.segment(f"c{i}", agent, talk_s=60)
    d.evaluation("c1", "a1", 80.0, evaluator="qa1")
    d.evaluation("c2", "a1", 60.0, evaluator="qa2", critical_failed=True)
    d.evaluation("c3", "a1", None, evaluator="qa1")
    d.evaluation("c4", "a2", 90.0, evaluator="qa2")
    d.evaluation("c1", "a1", 0.0, evaluator="qa2", is_calibration=True)
    d.evaluation("c2", "a1", 10.0, evaluator="qa1", state="draft")
    return d


CASES: list[MetricCase] = [
    case("qa.overall", qa_mix, ["qa_score", "critical_fail_rate", "qa_evaluations"],
         {"qa_score": (80 + 60 + 90) / 3, "critical_fail_rate": 1 / 4, "qa_evaluations": 4},
         "scored evaluations 80, 60, 90 -> mean 76.67 (c3 is all N/A: no score, not in the mean); critical fails "
         "1 (c2) of 4 submitted evaluations; the calibration (0) and the draft (10) never count"),
    case("qa.by_agent", qa_mix, ["qa_score", "critical_fail_rate"],
         [{"agent": "a1", "qa_score": 70.0, "critical_fail_rate": 1 / 3},
          {"agent": "a2", "qa_score": 90.0, "critical_fail_rate": 0.0}],
         "a1: (80 + 60) / 2 = 70, 1 critical fail of 3 evaluations; a2: 90, 0 of 1", by=["agent"]),
    case("qa.by_evaluator", qa_mix, "qa_score",
         [{"evaluator": "qa1", "qa_score": 80.0}, {"evaluator": "qa2", "qa_score": 75.0}],
         "qa1 scored 80 and an all-N/A form -> 80; qa2 scored 60 and 90 -> 75 (its calibration 0 is left out)",
         by=["evaluator"]),
]


def qa_items() -> Dataset:
    """Per-question and per-section results (qa_item_results) of four counted evaluations, form sections `open`
    (questions greet, verify) and `close` (question summary; the fatal question `rude` answered N/A has no row):

        eval  contact (week)   agent team evaluator score  greet verify summary | open  close
        e1    c1 (2 Mar)       a1    tA   qa1       80     FAIL  pass   pass    | FAIL  pass
        e2    c2 (2 Mar)       a1    tA   qa2       60     pass  pass   FAIL    | pass  FAIL
        e3    c3 (2 Mar)       a2    tB   qa2       40     FAIL  FAIL   pass    | FAIL  pass
        e6    c5 (9 Mar)       a2    tB   qa1       100    pass  -      -       | pass  -
    Never counted: e4, a calibration scoring of c1 (greet and summary FAIL, section open FAIL), and e5, a draft of
    c2 (verify FAIL). N/A questions are not rows, so they are in no denominator."""
    d = Dataset()
    week1 = [("c1", "a1"), ("c2", "a1"), ("c3", "a2")]
    for i, (contact, agent) in enumerate(week1, start=1):
        d.contact(contact, at=T0 + dt.timedelta(hours=i))
        d.segment(contact, agent, talk_s=60)
    d.contact("c5", at=T0 + dt.timedelta(days=7, hours=1))
    d.segment("c5", "a2", talk_s=60)
    since = T0 - dt.timedelta(days=1)
    d.membership("a1", "tA", valid_from=since)
    d.membership("a2", "tB", valid_from=since)

    def scored(contact: str, agent: str, score: float, evaluator: str, questions: dict[str, bool],
               sections: dict[str, bool], **kw: object) -> None:
        e = d.evaluation(contact, agent, score, evaluator=evaluator, **kw)  # type: ignore[arg-type]
        for q, failed in questions.items():
            d.item_result(e, "question", q, section="close" if q == "summary" else "open", failed=failed)
        for s, failed in sections.items():
            d.item_result(e, "section", s, failed=failed)

    scored("c1", "a1", 80.0, "qa1", {"greet": True, "verify": False, "summary": False}, {"open": True, "close": False})
    scored("c2", "a1", 60.0, "qa2", {"greet": False, "verify": False, "summary": True}, {"open": False, "close": True})
    scored("c3", "a2", 40.0, "qa2", {"greet": True, "verify": True, "summary": False}, {"open": True, "close": False})
    scored("c1", "a1", 0.0, "qa2", {"greet": True, "summary": True}, {"open": True, "close": True},
           is_calibration=True)
    scored("c2", "a1", 10.0, "qa1", {"verify": True}, {"open": True}, state="draft")
    scored("c5", "a2", 100.0, "qa1", {"greet": False}, {"open": False})
    return d


CASES += [
    case("qa.fail_rates.overall", qa_items,
         ["question_fail_rate", "section_fail_rate", "qa_questions", "qa_questions_failed", "qa_sections",
          "qa_sections_failed"],
         {"question_fail_rate": 4 / 10, "section_fail_rate": 3 / 7, "qa_questions": 10, "qa_questions_failed": 4,
          "qa_sections": 7, "qa_sections_failed": 3},
         "question rows of e1, e2, e3 (3 each) and e6 (1) = 10, failed: e1 greet, e2 summary, e3 greet and verify "
         "= 4 -> 0.4; sections e1-e3 (2 each) + e6 (1) = 7, failed: e1 open, e2 close, e3 open = 3 -> 3/7; the "
         "calibration (e4) and the draft (e5) add nothing"),
    case("qa.fail_rates.by_question", qa_items, "question_fail_rate",
         [{"question": "greet", "question_fail_rate": 2 / 4}, {"question": "verify", "question_fail_rate": 1 / 3},
          {"question": "summary", "question_fail_rate": 1 / 3}],
         "greet failed on e1 and e3 of e1, e2, e3, e6 -> 2/4; verify failed on e3 of e1-e3 -> 1/3; summary failed "
         "on e2 of e1-e3 -> 1/3", by=["question"]),
    case("qa.fail_rates.by_question_agent", qa_items, "question_fail_rate",
         [{"question": "greet", "agent": "a1", "question_fail_rate": 1 / 2},
          {"question": "greet", "agent": "a2", "question_fail_rate": 1 / 2},
          {"question": "verify", "agent": "a1", "question_fail_rate": 0.0},
          {"question": "verify", "agent": "a2", "question_fail_rate": 1.0},
          {"question": "summary", "agent": "a1", "question_fail_rate": 1 / 2},
          {"question": "summary", "agent": "a2", "question_fail_rate": 0.0}],
         "a1 (e1, e2): greet F,p -> 1/2, verify p,p -> 0, summary p,F -> 1/2; a2 (e3, e6): greet F,p -> 1/2, "
         "verify F -> 1/1, summary p -> 0/1", by=["question", "agent"]),
    case("qa.fail_rates.by_section", qa_items, ["section_fail_rate", "question_fail_rate"],
         [{"section": "open", "section_fail_rate": 2 / 4, "question_fail_rate": 3 / 7},
          {"section": "close", "section_fail_rate": 1 / 3, "question_fail_rate": 1 / 3}],
         "open failed on e1 and e3 of e1, e2, e3, e6 -> 2/4; its questions (greet, verify): e1 1 of 2, e2 0 of 2, "
         "e3 2 of 2, e6 0 of 1 -> 3/7; close failed on e2 of e1-e3 -> 1/3, its one question summary 1/3",
         by=["section"]),
    case("qa.fail_rates.by_team", qa_items, "question_fail_rate",
         [{"team": "tA", "question_fail_rate": 2 / 6}, {"team": "tB", "question_fail_rate": 2 / 4}],
         "tA = a1 (e1, e2): 6 questions, 2 failed -> 1/3; tB = a2 (e3, e6): 4 questions, 2 failed -> 1/2",
         by=["team"]),
    case("qa.fail_rates.by_evaluator", qa_items, ["question_fail_rate", "qa_score"],
         [{"evaluator": "qa1", "question_fail_rate": 1 / 4, "qa_score": 90.0},
          {"evaluator": "qa2", "question_fail_rate": 3 / 6, "qa_score": 50.0}],
         "qa1 scored e1 (1 of 3 failed) and e6 (0 of 1) -> 1/4, scores (80 + 100) / 2 = 90 (its draft left out); "
         "qa2 scored e2 (1 of 3) and e3 (2 of 3) -> 3/6, scores (60 + 40) / 2 = 50 (its calibration left out)",
         by=["evaluator"]),
    case("qa.fail_rates.by_week", qa_items, ["question_fail_rate", "section_fail_rate"],
         [{"week": "2026-03-02", "question_fail_rate": 4 / 9, "section_fail_rate": 3 / 6},
          {"week": "2026-03-09", "question_fail_rate": 0.0, "section_fail_rate": 0.0}],
         "week of 2 March (contacts c1-c3): questions 4 failed of 9, sections 3 of 6; week of 9 March (c5, e6): "
         "greet passed -> 0/1, open passed -> 0/1", by=["week"]),
    case("qa.fail_rates.period", qa_items, "question_fail_rate", 0.0,
         "only 9 March onwards: e6 alone, greet passed -> 0/1 (not NULL: one applicable question)",
         from_date="2026-03-09", to_date="2026-03-15"),
]
CASES += [
    case("qa.evaluator_beside_state_time", qa_mix, ["qa_score", "occupancy"],
         [{"evaluator": "qa1", "qa_score": 80.0, "occupancy": None},
          {"evaluator": "qa2", "qa_score": 75.0, "occupancy": None}],
         "as qa.by_evaluator (qa1: 80; qa2: (60 + 90) / 2 = 75); agent state time has no evaluator (NULL on that "
         "fact) and this dataset has no state rows, so occupancy is NULL and adds no group", by=["evaluator"]),
]
