"""Imports: the Genesys Terraform example form and an Amazon Connect form, scored by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from callboard.quality.forms import parse_form
from callboard.quality.imports import import_amazon_connect, import_genesys_tf
from callboard.quality.scoring import score

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "qa-forms"
GENESYS_TF = '''resource "genesyscloud_quality_forms_evaluation" "example-evaluation-form" {
  name      = "Example Evaluation Form"
  published = true
  question_groups {
    name          = "Question Group 1"
    weight        = 1
    questions {
      text       = "Yes or no question."
      na_enabled = true
      is_kill    = true
      is_critical = true
      answer_options {
        text  = "Yes"
        value = 1
      }
      answer_options {
        text  = "No"
        value = 0
      }
    }
    questions {
      text = "Question with visibility condition"
      answer_options {
        text  = "Yes"
        value = 1
      }
      answer_options {
        text  = "No"
        value = 0
      }
      visibility_condition {
        combining_operation = "AND"
        predicates          = ["/form/questionGroup/0/question/0/answer/0"]
      }
    }
  }
  question_groups {
    name   = "Question Group with Visibility Condition"
    weight = 1.5
    visibility_condition {
      combining_operation = "AND"
      predicates          = ["/form/questionGroup/0/question/0/answer/0"]
    }
    questions {
      text = "Multiple Choice Question."
      answer_options {
        text  = "1"
        value = 1
      }
      answer_options {
        text  = "2"
        value = 2
      }
      answer_options {
        text  = "3"
        value = 3
      }
    }
  }
}
'''


@pytest.mark.parametrize("text", [GENESYS_TF, None])
def test_genesys_example_form(text: str | None) -> None:
    if text is None:
        path = SPECS / "genesys-quality-form-example.tf"
        if not path.exists():
            pytest.skip("the shared spec file is not beside the repository")
        text = path.read_text()
    form = parse_form(import_genesys_tf(text))
    assert form.name == "Example Evaluation Form"
    assert [s.weight for s in form.sections] == [1.0, 1.5]
    first = form.sections[0].questions[0]
    assert first.type == "yes_no" and first.fatal and first.critical and first.na_allowed
    # Yes, Yes, answer "2": group 1 = 2/2, group 2 = 2/3 → (2×1 + 2×1.5) / (2×1 + 3×1.5) = 5/6.5 = 76.92%
    assert score(form, {"g0q0": "a0", "g0q1": "a0", "g1q0": "a1"}).score_pct == pytest.approx(500 / 6.5)
    # First answer No: the kill question fails → 0; the conditional question and group are hidden
    result = score(form, {"g0q0": "a1"})
    assert result.fatal and result.score_pct == 0.0 and result.missing == ()
    assert not result.sections[1].visible


AMAZON = {
    "Title": "Sales evaluation",
    "ScoringStrategy": {"Mode": "SECTION_ONLY", "Status": "ENABLED"},
    "Items": [
        {"Section": {"Title": "Greeting", "RefId": "greeting", "Weight": 40, "Items": [
            {"Question": {"Title": "Did the agent state their name and say they are here to assist?", "RefId": "name",
                          "QuestionType": "SINGLESELECT", "NotApplicableEnabled": True,
                          "QuestionTypeProperties": {"SingleSelect": {"Options": [
                              {"RefId": "yes", "Text": "Yes", "Score": 10},
                              {"RefId": "no", "Text": "No", "Score": 0}]}}}}]}},
        {"Section": {"Title": "Conduct", "RefId": "conduct", "Weight": 60, "Items": [
            {"Question": {"Title": "How many times did the agent interrupt the customer?", "RefId": "interruptions",
                          "QuestionType": "NUMERIC", "QuestionTypeProperties": {"Numeric": {
                              "MinValue": 0, "MaxValue": 10, "Options": [
                                  {"MinValue": 0, "MaxValue": 0, "Score": 10},
                                  {"MinValue": 1, "MaxValue": 4, "Score": 5},
                                  {"MinValue": 5, "MaxValue": 10, "Score": 1}]}}}},
            {"Question": {"Title": "Was the agent abusive?", "RefId": "abuse", "QuestionType": "SINGLESELECT",
                          "QuestionTypeProperties": {"SingleSelect": {"Options": [
                              {"RefId": "no", "Text": "No", "Score": 10},
                              {"RefId": "yes", "Text": "Yes", "Score": 0, "AutomaticFail": True}]}}}},
            {"Question": {"Title": "Notes", "RefId": "notes", "QuestionType": "TEXT"}}]}}]}


def test_amazon_connect_form() -> None:
    form = parse_form(import_amazon_connect(AMAZON))
    assert form.scoring_mode == "pct_weighted_by_question"
    # weights: name 40; conduct 60 spread over its 2 scored questions → 30 each.
    # name yes (10/10), 3 interruptions (5/10), abuse no (10/10): (40×1 + 30×0.5 + 30×1) / 100 = 85%
    assert score(form, {"name": "yes", "interruptions": 3, "abuse": "no"}).score_pct == pytest.approx(85.0)
    # name N/A: re-normalised over 60: (30×0.5 + 30×1) / 60 = 75%
    assert score(form, {"name": "na", "interruptions": 3, "abuse": "no"}).score_pct == pytest.approx(75.0)
    # the automatic-fail answer zeroes the evaluation
    failed = score(form, {"name": "yes", "interruptions": 0, "abuse": "yes"})
    assert failed.fatal and failed.score_pct == 0.0
