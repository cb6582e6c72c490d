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
