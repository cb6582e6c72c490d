"""Calibration analysis (issue 6 item 4, reference §14): pure functions over a session's scorings.

Several evaluators score the same contacts with the same form version. The reference answer per contact is
the expert's scoring, or the consensus (per question the most common answer among the evaluators; a tie goes
to the option listed first on the form). Outputs:

- per question: percent agreement, expert match rate, mean pairwise (weighted, for scales) Cohen's kappa,
  Fleiss' kappa, Krippendorff's alpha (agreement.py);
- per evaluator: mean deviation of the total score from the reference (`calib.deviation_from_expert`: + lenient,
  − strict), mean absolute deviation and the question match rate;
- ICC(2,1) over the total scores (contacts × evaluators);
- drift: each evaluator's deviation across sessions over time, as a least-squares slope in points per 30 days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from callboard.quality.agreement import Icc, QuestionAgreement, icc, question_agreement
from callboard.quality.forms import NA, Form, Question
from callboard.quality.scoring import score

LENIENCY_TOLERANCE_POINTS = 5.0  # |mean deviation| within this is "aligned"


@dataclass(frozen=True)
class Scoring:
    evaluator: str
    contact: str  # the session's contact key
    answers: Mapping[str, Any]


def code_answer(q: Question, answer: Any) -> float:
    """An answer as a number for agreement statistics: the option's position (scale order for scales), the
    scoring range for numeric answers, a sorted-choice code for multiple choice; NaN for N/A or no answer."""
    if answer is None or answer == NA or answer == "" or answer == []:
        return math.nan
    if q.type in ("yes_no", "single", "scale"):
        ids = [o.id for o in q.options]
        return float(ids.index(str(answer))) if str(answer) in ids else math.nan
    if q.type == "numeric":
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return math.nan
        return next((float(i) for i, r in enumerate(q.ranges) if r.min <= value <= r.max), math.nan)
    if q.type == "multiple":
        chosen = sorted(str(a) for a in (answer if isinstance(answer, list) else [answer]))
        ids = [o.id for o in q.options]
        return float(sum(1 << ids.index(a) for a in chosen if a in ids))
    return math.nan  # text is not compared


def consensus(form: Form, scorings: Sequence[Scoring]) -> dict[str, Any]:
    """Per question, the most common answer among `scorings` of one contact (ties: first listed option)."""
    out: dict[str, Any] = {}
    for _, q in form.questions():
        if not q.scored:
            continue
        given = [s.answers.get(q.id) for s in scorings if s.answers.get(q.id) not in (None, "", [])]
        if not given:
            continue
        keyed = Counter(tuple(sorted(a)) if isinstance(a, list) else a for a in given)
        top = max(keyed.values())
        tied = [a for a, n in keyed.items() if n == top]
        order = {o.id: i for i, o in enumerate(q.options)}
        best = min(tied, key=lambda a: (order.get(a if isinstance(a, str) else "", len(order)), str(a)))
        out[q.id] = list(best) if isinstance(best, tuple) else best
    return out


@dataclass(frozen=True)
class EvaluatorCalibration:
    evaluator: str
    contacts: int
    mean_deviation_points: float | None  # score − reference score: + lenient, − strict
    mean_abs_deviation_points: float | None
    question_match_rate: float | None  # share of answers equal to the reference answer
    leaning: str  # lenient | strict | aligned | n/a


@dataclass(frozen=True)
class SessionAnalysis:
    reference: str  # expert | consensus
    contacts: tuple[str, ...]
    evaluators: tuple[str, ...]  # compared raters (the expert excluded)
    reference_scores: dict[str, float | None]
    scores: dict[tuple[str, str], float | None]  # (evaluator, contact) -> total score
    questions: tuple[QuestionAgreement, ...]
    per_evaluator: tuple[EvaluatorCalibration, ...]
    icc: Icc | None
    mean_percent_agreement: float | None


def _leaning(dev: float | None) -> str:
    if dev is None:
        return "n/a"
    if dev > LENIENCY_TOLERANCE_POINTS:
        return "lenient"
    if dev < -LENIENCY_TOLERANCE_POINTS:
        return "strict"
    return "aligned"


def analyse(form: Form, scorings: Sequence[Scoring], *, expert: str | None = None) -> SessionAnalysis:
    """Analyse the submitted scorings of one session. With `expert`, the expert's scoring is the reference
    and the expert is not one of the compared raters; without, the consensus of all raters is."""
    contacts = tuple(sorted({s.contact for s in scorings}))
    raters = tuple(sorted({s.evaluator for s in scorings if s.evaluator != expert}))
    by = {(s.evaluator, s.contact): s for s in scorings}
    reference_answers: dict[str, Mapping[str, Any]] = {}
    for c in contacts:
        if expert is not None:
            if (expert, c) in by:
                reference_answers[c] = by[(expert, c)].answers
        else:
            reference_answers[c] = consensus(form, [by[(r, c)] for r in raters if (r, c) in by])
    totals = {key: score(form, s.answers).score_pct for key, s in by.items()}
    ref_scores = {c: score(form, a).score_pct for c, a in reference_answers.items()}

    questions = []
    for _, q in form.questions():
        if not q.scored:
            continue
        matrix = np.array([[code_answer(q, by[(r, c)].answers.get(q.id)) if (r, c) in by else math.nan
                            for c in contacts] for r in raters], dtype=float).reshape(len(raters), len(contacts))
        ref = [code_answer(q, reference_answers.get(c, {}).get(q.id)) for c in contacts]
        questions.append(question_agreement(q.id, raters, matrix, expert=ref, ordinal=q.type in ("scale", "numeric")))

    per_evaluator = []
    for r in raters:
        devs = [totals[(r, c)] - ref_scores[c] for c in contacts  # type: ignore[operator]
                if (r, c) in by and totals[(r, c)] is not None and ref_scores.get(c) is not None]
        match = total = 0
        for c in contacts:
            if (r, c) not in by or c not in reference_answers:
                continue
            for _, q in form.questions():
                mine = code_answer(q, by[(r, c)].answers.get(q.id))
                theirs = code_answer(q, reference_answers[c].get(q.id))
                if q.scored and not math.isnan(mine) and not math.isnan(theirs):
                    total += 1
                    match += mine == theirs
        dev = float(np.mean(devs)) if devs else None
        per_evaluator.append(EvaluatorCalibration(r, sum(1 for c in contacts if (r, c) in by), dev,
                                                  float(np.mean(np.abs(devs))) if devs else None,
                                                  match / total if total else None, _leaning(dev)))
    total_matrix = np.array([[totals.get((r, c)) if totals.get((r, c)) is not None else math.nan for r in raters]
                             for c in contacts], dtype=float)
    agreements = [q.percent_agreement for q in questions if q.percent_agreement is not None]
    return SessionAnalysis("expert" if expert else "consensus", contacts, raters, ref_scores,
                           {k: v for k, v in totals.items()}, tuple(questions), tuple(per_evaluator),
                           icc(total_matrix) if total_matrix.size else None,
                           float(np.mean(agreements)) if agreements else None)


@dataclass(frozen=True)
class DriftPoint:
    evaluator: str
    on: dt.date
    deviation_points: float


@dataclass(frozen=True)
class Drift:
    evaluator: str
    sessions: int
    first_deviation_points: float
    last_deviation_points: float
    slope_points_per_30d: float | None  # least-squares slope of deviation over time; None under 2 dates


def drift(points: Sequence[DriftPoint]) -> list[Drift]:
    """Each evaluator's deviation from the reference over successive sessions."""
    out = []
    for evaluator in sorted({p.evaluator for p in points}):
        mine = sorted((p for p in points if p.evaluator == evaluator), key=lambda p: p.on)
        days = np.array([(p.on - mine[0].on).days for p in mine], dtype=float)
        devs = np.array([p.deviation_points for p in mine], dtype=float)
        slope = float(np.polyfit(days, devs, 1)[0] * 30) if len(set(days.tolist())) >= 2 else None
        out.append(Drift(evaluator, len(mine), float(devs[0]), float(devs[-1]), slope))
    return out
