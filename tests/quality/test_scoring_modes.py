"""Scoring against hand-worked numbers (reference §13). Each expected value is derived in the comment beside it."""

from __future__ import annotations

from typing import Any

import pytest

from callboard.core.errors import InvalidInput
from callboard.quality.forms import parse_form
from callboard.quality.scoring import score


def _yn(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "text": qid, "type": "yes_no", **extra}


def genesys_example(mode: str = "points_weighted_by_group") -> dict[str, Any]:
    """Reference §13 worked number: group 1 = two 1-point questions, weight 40; group 2 = one, weight 20."""
    weight = {"weight": 20} if mode == "pct_weighted_by_question" else {}
    return {"name": "worked", "scoring_mode": mode, "sections": [
        {"id": "g1", "weight": 40, "questions": [_yn("a", **weight), _yn("b", **weight)]},
        {"id": "g2", "weight": 20, "questions": [_yn("c", **weight)]}]}


ANSWERS = {"a": "yes", "b": "no", "c": "yes"}


def test_genesys_worked_example_is_60_percent() -> None:
    # (1×40 + 1×20) / (2×40 + 1×20) = 60 / 100 = 60%
    assert score(parse_form(genesys_example()), ANSWERS).score_pct == pytest.approx(60.0)


def test_percentage_mode_gives_66_67_and_differs() -> None:
    # (20×1/1 + 20×0/1 + 20×1/1) / (20+20+20) = 40/60 = 66.67%
    pct = score(parse_form(genesys_example("pct_weighted_by_question")), ANSWERS).score_pct
    assert pct == pytest.approx(200 / 3)
    assert pct != pytest.approx(score(parse_form(genesys_example()), ANSWERS).score_pct)


def test_percentage_mode_spreads_section_weights_and_renormalises_over_na() -> None:
    form = parse_form({"name": "amz", "scoring_mode": "pct_weighted_by_question", "sections": [
        {"id": "s1", "weight": 60, "questions": [_yn("a", na_allowed=True), _yn("b")]},
        {"id": "s2", "weight": 40, "questions": [_yn("c")]}]})
    # weights: a 30, b 30, c 40. a yes, b no, c yes: (30 + 0 + 40) / 100 = 70%
    assert score(form, {"a": "yes", "b": "no", "c": "yes"}).score_pct == pytest.approx(70.0)
    # a N/A: weights re-normalised over b and c: (0 + 40) / (30 + 40) = 57.142857%
    assert score(form, {"a": "na", "b": "no", "c": "yes"}).score_pct == pytest.approx(400 / 7)


def test_na_is_excluded_from_the_denominator() -> None:
    raw = genesys_example()
    raw["sections"][0]["questions"][1]["na_allowed"] = True
    # b N/A: group 1 = 1 of 1 → (1×40 + 1×20) / (1×40 + 1×20) = 100%
    assert score(parse_form(raw), {"a": "yes", "b": "na", "c": "yes"}).score_pct == pytest.approx(100.0)
    # a no, b N/A, c yes: (0×40 + 1×20) / (1×40 + 1×20) = 33.33%
    assert score(parse_form(raw), {"a": "no", "b": "na", "c": "yes"}).score_pct == pytest.approx(100 / 3)


def test_all_na_is_null_and_na_only_where_allowed() -> None:
    form = parse_form({"name": "x", "sections": [{"id": "s", "questions": [_yn("a", na_allowed=True)]}]})
    assert score(form, {"a": "na"}).score_pct is None
    with pytest.raises(InvalidInput, match="does not allow N/A"):
        score(parse_form(genesys_example()), {"a": "na", "b": "yes", "c": "yes"})


def test_fatal_question_zeroes_and_keeps_score_before_fail() -> None:
    raw = genesys_example()
    raw["sections"][1]["questions"][0]["fatal"] = True
    result = score(parse_form(raw), {"a": "yes", "b": "yes", "c": "no"})
    # before the fatal rule: (2×40 + 0×20) / (2×40 + 1×20) = 80%; c failed and is fatal → 0
    assert result.fatal and result.score_pct == 0.0
    assert result.score_before_fail_pct == pytest.approx(80.0)


def test_auto_fail_section_zeroes_that_section_only() -> None:
    raw = genesys_example()
    raw["sections"][0]["auto_fail"] = True
    result = score(parse_form(raw), ANSWERS)
    # g1 has a failed question (b) → earns 0 of 2; g2 1 of 1: (0×40 + 1×20) / (2×40 + 1×20) = 20%
    assert result.score_pct == pytest.approx(20.0)
    assert not result.fatal
    g1, g2 = result.sections
    assert g1.auto_failed and g1.score_pct == 0.0 and g2.score_pct == 100.0


def test_auto_fail_section_in_percentage_mode() -> None:
    raw = genesys_example("pct_weighted_by_question")
    raw["sections"][0]["auto_fail"] = True
    # a and b contribute 0 (section zeroed), c 20×1: 20 / 60 = 33.33%
    assert score(parse_form(raw), ANSWERS).score_pct == pytest.approx(100 / 3)


def test_bonus_adds_after_normalisation_and_can_be_capped() -> None:
    raw = genesys_example()
    raw["sections"].append({"id": "extra", "bonus": True, "questions": [_yn("wow", points=5)]})
    # base 60% (worked example) + 5 bonus percentage points = 65%
    assert score(parse_form(raw), {**ANSWERS, "wow": "yes"}).score_pct == pytest.approx(65.0)
    all_yes = {"a": "yes", "b": "yes", "c": "yes", "wow": "yes"}
    assert score(parse_form(raw), all_yes).score_pct == pytest.approx(105.0)  # 100 + 5, may exceed 100
    raw["cap_at_100"] = True
    assert score(parse_form(raw), all_yes).score_pct == pytest.approx(100.0)


def test_critical_score_is_separate() -> None:
    raw = genesys_example()
    raw["sections"][0]["questions"][1]["critical"] = True  # b critical, answered no
    result = score(parse_form(raw), ANSWERS)
    # critical questions: only b, 0 of 1 → 0%; the overall score is unchanged at 60%
    assert result.critical_score_pct == 0.0 and result.critical_failed
    assert result.score_pct == pytest.approx(60.0)


def test_conditional_question_hidden_is_zero_of_zero() -> None:
    form = parse_form({"name": "cond", "sections": [{"id": "s", "questions": [
        _yn("sale"), _yn("upsell", visible_if={"op": "and", "predicates": [{"question": "sale", "answer": "yes"}]}),
        _yn("thanks")]}]})
    # sale no → upsell hidden: sale 0/1 + thanks 1/1 = 1/2 = 50% (an answer to the hidden question is ignored)
    hidden = score(form, {"sale": "no", "upsell": "no", "thanks": "yes"})
    assert hidden.score_pct == pytest.approx(50.0)
    assert not hidden.questions[1].visible and hidden.missing == ()
    # sale yes → upsell shown: (1 + 0 + 1) / 3 = 66.67%
    assert score(form, {"sale": "yes", "upsell": "no", "thanks": "yes"}).score_pct == pytest.approx(200 / 3)
    assert score(form, {"sale": "yes", "thanks": "yes"}).missing == ("upsell",)


def test_numeric_ranges_scale_multiple_and_text() -> None:
    form = parse_form({"name": "types", "sections": [{"id": "s", "questions": [
        {"id": "interruptions", "text": "i", "type": "numeric", "min": 0, "max": 10,
         "ranges": [{"min": 0, "max": 0, "points": 10}, {"min": 1, "max": 4, "points": 5}, {"min": 5, "max": 10, "points": 1}]},
        {"id": "tone", "text": "t", "type": "scale", "min": 1, "max": 5},
        {"id": "steps", "text": "s", "type": "multiple", "options": [
            {"id": "verify", "points": 2}, {"id": "summary", "points": 1}, {"id": "rude", "points": -3}]},
        {"id": "notes", "text": "n", "type": "text"}]}]})
    # interruptions 3 → 5 of 10; tone 4 → 3 of 4; steps verify → 2 of 3; text unscored:
    # (5 + 3 + 2) / (10 + 4 + 3) = 10/17 = 58.82%
    result = score(form, {"interruptions": 3, "tone": "4", "steps": ["verify"], "notes": "fine"})
    assert result.score_pct == pytest.approx(1000 / 17)
    # 0 interruptions → 10 (Amazon's example); verify + rude = 2 - 3 → clamped at 0
    result = score(form, {"interruptions": 0, "tone": "5", "steps": ["verify", "rude"], "notes": ""})
    assert [q.earned for q in result.questions[:3]] == [10, 4, 0]
    with pytest.raises(InvalidInput, match="outside"):
        score(form, {"interruptions": 11})


def test_form_validation_names_the_problem() -> None:
    with pytest.raises(InvalidInput, match="not an earlier question"):
        parse_form({"name": "x", "sections": [{"id": "s", "questions": [
            _yn("a", visible_if={"predicates": [{"question": "b", "answer": "yes"}]}), _yn("b")]}]})
    with pytest.raises(InvalidInput, match="critical questions are Yes/No"):
        parse_form({"name": "x", "sections": [{"id": "s", "questions": [
            {"id": "t", "text": "t", "type": "scale", "critical": True}]}]})
    with pytest.raises(InvalidInput, match="overlap"):
        parse_form({"name": "x", "sections": [{"id": "s", "questions": [
            {"id": "n", "text": "n", "type": "numeric", "ranges": [{"min": 0, "max": 4, "points": 1},
                                                                   {"min": 4, "max": 6, "points": 0}]}]}]})
    with pytest.raises(InvalidInput, match="duplicate id"):
        parse_form({"name": "x", "sections": [{"id": "s", "questions": [_yn("a"), _yn("a")]}]})
