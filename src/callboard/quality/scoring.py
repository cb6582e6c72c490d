"""Score one evaluation's answers against its form version (reference §13).

Two modes, chosen per form:

- `points_weighted_by_group` (Genesys, the default): score = Σ_g earned_g·w_g / Σ_g possible_g·w_g;
- `pct_weighted_by_question` (Amazon Connect): score = Σ_q w_q·earned_q/possible_q / Σ_q w_q over the applicable
  questions, so the weights are re-normalised to 100% over what applied. A question's weight is its own `weight`,
  else its section's weight spread evenly over the section's scored questions that have no weight of their own.

Rules in order: numeric answers score by range; N/A, hidden (conditional) and text questions are 0 of 0; all
N/A -> NULL; critical Yes/No questions also feed `critical_score_pct`; an auto-fail section with a failed question
earns 0 (its possible points stay); bonus sections add their earned points, in percentage points, after
normalisation (may pass 100 unless `cap_at_100`); a failed fatal question zeroes the evaluation
(`score_before_fail_pct` keeps the score the answers earned).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callboard.core.errors import InvalidInput
from callboard.quality.forms import NA, Form, Question, Section, Visibility


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    section_id: str
    visible: bool
    applicable: bool  # visible, scored, answered and not N/A
    answer: Any
    earned: float
    possible: float
    failed: bool
    critical: bool
    fatal: bool


@dataclass(frozen=True)
class SectionResult:
    section_id: str
    visible: bool
    earned: float  # after auto-fail
    possible: float
    score_pct: float | None
    failed: bool  # a question in it failed
    auto_failed: bool
    bonus: bool


@dataclass(frozen=True)
class ScoreResult:
    score_pct: float | None  # the evaluation's score, 0-100 (more with bonus); None when everything was N/A
    score_before_fail_pct: float | None
    critical_score_pct: float | None
    fatal: bool
    critical_failed: bool
    bonus_points: float
    sections: tuple[SectionResult, ...]
    questions: tuple[QuestionResult, ...]
    missing: tuple[str, ...]  # visible scored questions with no answer (a submit needs none)

    def failable_questions(self) -> tuple[QuestionResult, ...]:
        """The questions in fail rates: applicable ones outside bonus sections (a missed bonus is no failure,
        so a bonus question's fail rate would always read 0%)."""
        bonus = {s.section_id for s in self.sections if s.bonus}
        return tuple(q for q in self.questions if q.applicable and q.section_id not in bonus)

    def failable_sections(self) -> tuple[SectionResult, ...]:
        """The sections in fail rates: visible, scored (some possible points) and not bonus."""
        return tuple(s for s in self.sections if s.visible and s.possible > 0 and not s.bonus)


def _given(answers: Mapping[str, Any], question_id: str) -> Any:
    value = answers.get(question_id)
    return None if value == "" or value == [] else value


def _holds(vis: Visibility | None, shown: Mapping[str, Any]) -> bool:
    """A predicate holds when the (visible) earlier question was answered with that option."""
    if vis is None:
        return True
    results = []
    for p in vis.predicates:
        answer = shown.get(p.question)
        results.append(p.answer in answer if isinstance(answer, list) else answer == p.answer)
    return all(results) if vis.op == "and" else any(results)


def _points(q: Question, answer: Any) -> float:
    where = f"question '{q.id}'"
    if q.type in ("yes_no", "single", "scale"):
        option = q.option(str(answer))
        if option is None:
            raise InvalidInput(f"{where}: '{answer}' is not an answer", hint=f"answers: {', '.join(o.id for o in q.options)}")
        return option.points
    if q.type == "multiple":
        chosen = answer if isinstance(answer, list) else [answer]
        total = 0.0
        for a in chosen:
            option = q.option(str(a))
            if option is None:
                raise InvalidInput(f"{where}: '{a}' is not an option", hint=f"options: {', '.join(o.id for o in q.options)}")
            total += option.points
        return min(max(total, 0.0), q.possible_points)
    if q.type == "numeric":
        try:
            value = float(answer)
        except (TypeError, ValueError):
            raise InvalidInput(f"{where}: '{answer}' is not a number") from None
        if (q.min_value is not None and value < q.min_value) or (q.max_value is not None and value > q.max_value):
            raise InvalidInput(f"{where}: {value:g} is outside {q.min_value:g}-{q.max_value:g}")
        for r in q.ranges:
            if r.min <= value <= r.max:
                return r.points
        raise InvalidInput(f"{where}: {value:g} falls in no scoring range",
                           hint=", ".join(f"{r.min:g}-{r.max:g} -> {r.points:g}" for r in q.ranges))
    return 0.0


def _failed(q: Question, answer: Any, earned: float) -> bool:
    if q.fail_answers:
        chosen = answer if isinstance(answer, list) else [answer]
        return any(str(a) in q.fail_answers for a in chosen)
    return earned < q.possible_points


def _question_weights(form: Form) -> dict[str, float]:
    """Percentage mode: each scored question's weight before re-normalisation."""
    weights: dict[str, float] = {}
    for s in form.sections:
        if s.bonus:
            continue
        scored = [q for q in s.questions if q.scored]
        spread = [q for q in scored if q.weight is None]
        own = sum(q.weight for q in scored if q.weight is not None)  # type: ignore[misc]
        for q in scored:
            weights[q.id] = q.weight if q.weight is not None else max(s.weight - own, 0.0) / len(spread)
    return weights


def _score_questions(form: Form, answers: Mapping[str, Any]) -> tuple[list[QuestionResult], list[str], dict[str, bool]]:
    shown: dict[str, Any] = {}
    results: list[QuestionResult] = []
    missing: list[str] = []
    section_visible: dict[str, bool] = {}
    for s in form.sections:
        s_visible = _holds(s.visible_if, shown)
        section_visible[s.id] = s_visible
        for q in s.questions:
            visible = s_visible and _holds(q.visible_if, shown)
            answer = _given(answers, q.id) if visible else None
            if visible and answer is not None:
                shown[q.id] = answer
            if answer == NA and not q.na_allowed:
                raise InvalidInput(f"question '{q.id}' does not allow N/A")
            applicable = visible and q.scored and answer is not None and answer != NA
            if visible and q.scored and answer is None:
                missing.append(q.id)
            earned = _points(q, answer) if applicable else 0.0
            possible = q.possible_points if applicable else 0.0
            if visible and q.type == "text" and answer is not None and not isinstance(answer, str):
                raise InvalidInput(f"question '{q.id}' takes text")
            failed = applicable and not s.bonus and _failed(q, answer, earned)  # a missed bonus is no failure
            results.append(QuestionResult(q.id, s.id, visible, applicable, answer, earned, possible, failed,
                                          q.critical, q.fatal))
    return results, missing, section_visible


def _section(s: Section, visible: bool, qs: list[QuestionResult]) -> SectionResult:
    earned = sum(q.earned for q in qs)
    possible = sum(q.possible for q in qs)
    failed = any(q.failed for q in qs)
    auto_failed = s.auto_fail and failed
    if auto_failed:
        earned = 0.0
    pct = None if possible == 0 or s.bonus else 100.0 * earned / possible
    return SectionResult(s.id, visible, earned, possible, pct, failed, auto_failed, s.bonus)


def score(form: Form, answers: Mapping[str, Any]) -> ScoreResult:
    """Score `answers` ({question id: option id | [option ids] | number | text | 'na'}) with `form`."""
    unknown = set(answers) - {q.id for _, q in form.questions()}
    if unknown:
        raise InvalidInput(f"answers to unknown questions: {', '.join(sorted(unknown))}")
    questions, missing, section_visible = _score_questions(form, answers)
    by_section = {s.id: [q for q in questions if q.section_id == s.id] for s in form.sections}
    sections = [_section(s, section_visible[s.id], by_section[s.id]) for s in form.sections]
    regular = [(s, r) for s, r in zip(form.sections, sections) if not s.bonus]
    if form.scoring_mode == "points_weighted_by_group":
        num = sum(r.earned * s.weight for s, r in regular)
        den = sum(r.possible * s.weight for s, r in regular)
    else:
        weights = _question_weights(form)
        zeroed = {r.section_id for _, r in regular if r.auto_failed}
        num = den = 0.0
        for q in questions:
            if q.applicable and q.question_id in weights and q.possible > 0:
                earned = 0.0 if q.section_id in zeroed else q.earned
                num += weights[q.question_id] * earned / q.possible
                den += weights[q.question_id]
    base = None if den == 0 else 100.0 * num / den
    bonus = sum(r.earned for r in sections if r.bonus)
    before = None if base is None else base + bonus
    if before is not None and form.cap_at_100:
        before = min(before, 100.0)
    critical = [q for q in questions if q.critical and q.applicable]
    crit_possible = sum(q.possible for q in critical)
    critical_pct = None if crit_possible == 0 else 100.0 * sum(q.earned for q in critical) / crit_possible
    fatal = any(q.fatal and q.failed for q in questions)
    final = 0.0 if fatal and before is not None else before
    if fatal and before is None:
        final = 0.0
    return ScoreResult(final, before, critical_pct, fatal, any(q.failed for q in critical), bonus,
                       tuple(sections), tuple(questions), tuple(missing))
