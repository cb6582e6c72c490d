"""QA figures from evaluations (the app database is the source of truth; the same numbers are what the catalog
metrics over `qa_scores` / `qa_item_results` give, see docs/quality.md):

- `qa_score` = mean of the evaluations' scores (current revision, after disputes), placed at the contact's date;
  evaluations scored NULL (all N/A) are left out of the mean; calibration evaluations and drafts never count;
- `critical_fail_rate` = evaluations with a failed critical question or a failed fatal question / evaluations;
- fail rate per question (section) = applicable answers that failed / applicable answers (visible, non-bonus sections with
  possible points; a bonus section's questions never fail, so they are in no question fail rate either).

Grouped by agent, team, queue, channel, evaluator, form, day, week, month, or nothing (one row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from callboard.core.errors import InvalidInput
from callboard.quality.evaluations import EvaluationView

GROUPINGS = ("agent", "team", "queue", "channel", "evaluator", "form", "day", "week", "month", "all")


@dataclass(frozen=True)
class QaSummaryRow:
    key: str
    evaluations: int
    scored: int  # evaluations with a score (not all N/A)
    qa_score: float | None
    critical_fails: int
    critical_fail_rate: float | None
    fatal: int


@dataclass(frozen=True)
class FailRateRow:
    key: str
    form_id: int
    item_kind: str  # question | section
    item_id: str
    label: str
    applicable: int
    failed: int

    @property
    def fail_rate(self) -> float | None:
        return None if self.applicable == 0 else self.failed / self.applicable


def _key_fn(by: str) -> Callable[[EvaluationView], str]:
    if by not in GROUPINGS:
        raise InvalidInput(f"unknown grouping '{by}'", hint=f"groupings: {', '.join(GROUPINGS)}")

    def key(e: EvaluationView) -> str:
        c = e.contact
        day = c.contact_at.date()
        value = {"agent": c.agent_id, "team": c.team_id, "queue": c.queue_id, "channel": c.channel,
                 "evaluator": e.evaluator, "form": e.form.name, "day": day.isoformat(),
                 "week": (day - dt.timedelta(days=day.weekday())).isoformat(), "month": f"{day:%Y-%m}",
                 "all": "all"}[by]
        return value or "(none)"

    return key


def counted(evaluations: Iterable[EvaluationView]) -> list[EvaluationView]:
    """What QA figures count: submitted or later, never calibration (reference §13 rule 6)."""
    return [e for e in evaluations if e.state != "draft" and not e.is_calibration]


def summary(evaluations: Iterable[EvaluationView], by: str = "all") -> list[QaSummaryRow]:
    key = _key_fn(by)
    groups: dict[str, list[EvaluationView]] = {}
    for e in counted(evaluations):
        groups.setdefault(key(e), []).append(e)
    rows = []
    for k, evs in sorted(groups.items()):
        scores = [e.score_pct for e in evs if e.score_pct is not None]
        crit = sum(1 for e in evs if e.critical_failed or e.fatal)
        rows.append(QaSummaryRow(k, len(evs), len(scores), sum(scores) / len(scores) if scores else None, crit,
                                 crit / len(evs), sum(1 for e in evs if e.fatal)))
    return rows


def fail_rates(evaluations: Iterable[EvaluationView], by: str = "all", *, kind: str = "question") -> list[FailRateRow]:
    if kind not in ("question", "section"):
        raise InvalidInput(f"fail rates are per question or section, not '{kind}'")
    key = _key_fn(by)
    tally: dict[tuple[str, int, str], list[int]] = {}
    labels: dict[tuple[int, str], str] = {}
    for e in counted(evaluations):
        form = e.form.form
        result = e.result()
        k = key(e)
        if kind == "question":
            items = [(q.question_id, q.failed) for q in result.failable_questions()]
            for s, q in form.questions():
                labels.setdefault((e.form.form_id, q.id), q.text)
        else:
            items = [(s.section_id, s.failed or s.auto_failed) for s in result.failable_sections()]
            for s in form.sections:
                labels.setdefault((e.form.form_id, s.id), s.title)
        for item_id, failed in items:
            t = tally.setdefault((k, e.form.form_id, item_id), [0, 0])
            t[0] += 1
            t[1] += int(failed)
    return [FailRateRow(k, form_id, kind, item, labels.get((form_id, item), item), n, f)
            for (k, form_id, item), (n, f) in sorted(tally.items())]
