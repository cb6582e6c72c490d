"""Evaluation forms: sections and questions, parsed from a plain dict (JSON or YAML) and validated.

A form definition (what the editor shows and `parse_form` reads):

```yaml
name: Voice quality
scoring_mode: points_weighted_by_group   # or pct_weighted_by_question (reference §13)
dispute_window_days: 7
cap_at_100: false                        # bonus may push a score past 100 unless capped
sections:
  - id: greeting
    title: Greeting
    weight: 40                           # group weight (Genesys) or section weight spread over its questions (Amazon)
    auto_fail: false                     # true: any failed question zeroes this section
    bonus: false                         # true: earned points are added after normalisation, in percentage points
    visible_if: {op: and, predicates: [{question: q1, answer: yes}]}
    questions:
      - {id: q1, text: Greeted the customer?, type: yes_no, critical: true, fatal: false, na_allowed: true}
      - {id: q2, text: Tone, type: scale, min: 1, max: 5}               # points = value - min
      - {id: q3, text: Offer made, type: single, options: [{id: full, label: Full, points: 2}, ...]}
      - {id: q4, text: Steps done, type: multiple, options: [...]}     # points of the ticked options
      - {id: q5, text: Interruptions, type: numeric, min: 0, max: 10,
         ranges: [{min: 0, max: 0, points: 10}, {min: 1, max: 4, points: 5}, {min: 5, max: 10, points: 1}]}
      - {id: q6, text: Notes, type: text}                               # never scored
```

A question fails when it is applicable and earns less than its possible points, or when its answer is in
`fail_answers` (if given). Ids must be unique across the form; `visible_if` may only look at earlier questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callboard.core.errors import InvalidInput

SCORING_MODES = ("points_weighted_by_group", "pct_weighted_by_question")
QUESTION_TYPES = ("yes_no", "scale", "single", "multiple", "numeric", "text")
NA = "na"  # the answer value for "not applicable"


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    points: float


@dataclass(frozen=True)
class Range:
    min: float
    max: float
    points: float


@dataclass(frozen=True)
class Predicate:
    question: str
    answer: str


@dataclass(frozen=True)
class Visibility:
    op: str  # and | or
    predicates: tuple[Predicate, ...]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: str
    help: str = ""
    options: tuple[Option, ...] = ()
    ranges: tuple[Range, ...] = ()
    min_value: float | None = None
    max_value: float | None = None
    weight: float | None = None  # percentage mode: the question's own weight (else the section's spread evenly)
    na_allowed: bool = False
    critical: bool = False
    fatal: bool = False
    fail_answers: tuple[str, ...] = ()
    visible_if: Visibility | None = None

    @property
    def scored(self) -> bool:
        return self.type != "text"

    @property
    def possible_points(self) -> float:
        if self.type == "text":
            return 0.0
        if self.type == "numeric":
            return max((r.points for r in self.ranges), default=0.0)
        if self.type == "multiple":
            return sum(o.points for o in self.options if o.points > 0)
        return max((o.points for o in self.options), default=0.0)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    weight: float = 1.0
    auto_fail: bool = False
    bonus: bool = False
    visible_if: Visibility | None = None


@dataclass(frozen=True)
class Form:
    name: str
    sections: tuple[Section, ...]
    scoring_mode: str = "points_weighted_by_group"
    dispute_window_days: int = 7
    cap_at_100: bool = False
    description: str = ""

    def questions(self) -> list[tuple[Section, Question]]:
        return [(s, q) for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for _, q in self.questions() if q.id == question_id), None)


def _bad(where: str, message: str, hint: str | None = None) -> InvalidInput:
    return InvalidInput(f"{where}: {message}", hint=hint)


def _float(value: Any, where: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _bad(where, f"'{value}' is not a number") from None


def _visibility(raw: Any, where: str) -> Visibility | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _bad(where, "visible_if must be a mapping {op, predicates}")
    op = str(raw.get("op", "and")).lower()
    if op not in ("and", "or"):
        raise _bad(where, f"visible_if op '{op}' is not and/or")
    preds = raw.get("predicates") or []
    if not preds:
        raise _bad(where, "visible_if needs at least one predicate {question, answer}")
    out = []
    for p in preds:
        if not isinstance(p, Mapping) or "question" not in p or "answer" not in p:
            raise _bad(where, "each predicate is {question: <id>, answer: <option id>}")
        answer = p["answer"]
        if isinstance(answer, bool):  # YAML reads a bare yes/no as a boolean
            answer = "yes" if answer else "no"
        out.append(Predicate(str(p["question"]), str(answer)))
    return Visibility(op, tuple(out))


def _options(raw: Mapping[str, Any], qtype: str, where: str) -> tuple[Option, ...]:
    if qtype == "yes_no":
        given = raw.get("options")
        if given:
            return tuple(Option(str(o["id"]), str(o.get("label", o["id"])), _float(o.get("points", 0), where))
                         for o in given)
        points = _float(raw.get("points", 1), where)
        return (Option("yes", "Yes", points), Option("no", "No", 0.0))
    if qtype == "scale":
        low, high = int(_float(raw.get("min", 1), where)), int(_float(raw.get("max", 5), where))
        if high <= low:
            raise _bad(where, f"scale max {high} must be above min {low}")
        return tuple(Option(str(v), str(v), float(v - low)) for v in range(low, high + 1))
    if qtype in ("single", "multiple"):
        given = raw.get("options") or []
        if not given:
            raise _bad(where, f"a {qtype} choice question needs options [{{id, label, points}}]")
        opts = []
        for i, o in enumerate(given):
            if not isinstance(o, Mapping) or "id" not in o:
                raise _bad(f"{where}.options[{i}]", "each option needs an id")
            opts.append(Option(str(o["id"]), str(o.get("label", o["id"])), _float(o.get("points", 0), where)))
        if len({o.id for o in opts}) != len(opts):
            raise _bad(where, "option ids must be unique")
        return tuple(opts)
    return ()


def _ranges(raw: Mapping[str, Any], where: str) -> tuple[Range, ...]:
    given = raw.get("ranges") or []
    if not given:
        raise _bad(where, "a numeric question needs ranges [{min, max, points}]",
                   hint="e.g. 0 interruptions -> 10, 1-4 -> 5, 5-10 -> 1 (reference §13)")
    ranges = tuple(Range(_float(r["min"], where), _float(r["max"], where), _float(r["points"], where)) for r in given)
    ordered = sorted(ranges, key=lambda r: r.min)
    for a, b in zip(ordered, ordered[1:]):
        if b.min <= a.max:
            raise _bad(where, f"ranges {a.min}-{a.max} and {b.min}-{b.max} overlap")
    for r in ranges:
        if r.max < r.min:
            raise _bad(where, f"range {r.min}-{r.max} ends before it starts")
    return ranges


def _question(raw: Any, where: str) -> Question:
    if not isinstance(raw, Mapping):
        raise _bad(where, "a question is a mapping")
    for key in ("id", "text", "type"):
        if not raw.get(key):
            raise _bad(where, f"missing '{key}'")
    qtype = str(raw["type"])
    if qtype not in QUESTION_TYPES:
        raise _bad(where, f"unknown type '{qtype}'", hint=f"types: {', '.join(QUESTION_TYPES)}")
    ranges = _ranges(raw, where) if qtype == "numeric" else ()
    fatal, critical = bool(raw.get("fatal", False)), bool(raw.get("critical", False))
    if critical and qtype != "yes_no":
        raise _bad(where, "critical questions are Yes/No (reference §13 rule 3)")
    if (fatal or critical) and qtype == "text":
        raise _bad(where, "a text question is not scored, so it cannot be critical or fatal")
    weight = raw.get("weight")
    return Question(
        id=str(raw["id"]), text=str(raw["text"]), type=qtype, help=str(raw.get("help", "")),
        options=_options(raw, qtype, where), ranges=ranges,
        min_value=_float(raw["min"], where) if qtype == "numeric" and "min" in raw else None,
        max_value=_float(raw["max"], where) if qtype == "numeric" and "max" in raw else None,
        weight=None if weight is None else _float(weight, where),
        na_allowed=bool(raw.get("na_allowed", False)), critical=critical, fatal=fatal,
        fail_answers=tuple(str(a) for a in raw.get("fail_answers") or ()),
        visible_if=_visibility(raw.get("visible_if"), where))


def _check_visibility(vis: Visibility | None, earlier: Mapping[str, Question], where: str) -> None:
    if vis is None:
        return
    for p in vis.predicates:
        q = earlier.get(p.question)
        if q is None:
            raise _bad(where, f"visible_if refers to '{p.question}', which is not an earlier question")
        if q.type in ("numeric", "text"):
            raise _bad(where, f"visible_if can only test choice questions; '{p.question}' is {q.type}")
        if q.option(p.answer) is None and p.answer != NA:
            raise _bad(where, f"visible_if: '{p.answer}' is not an answer of '{p.question}'",
                       hint=f"answers: {', '.join(o.id for o in q.options)}")


def parse_form(raw: Any) -> Form:
    """Validate a form definition (a dict from JSON/YAML) into a Form; errors name the section/question."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("a form definition is a mapping with name and sections")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise _bad("form", "missing 'name'")
    mode = str(raw.get("scoring_mode", "points_weighted_by_group"))
    if mode not in SCORING_MODES:
        raise _bad("form", f"unknown scoring_mode '{mode}'", hint=f"modes: {', '.join(SCORING_MODES)}")
    sections_raw = raw.get("sections") or []
    if not sections_raw:
        raise _bad("form", "a form needs at least one section with questions")
    seen: dict[str, Question] = {}
    sections = []
    for i, s in enumerate(sections_raw):
        where = f"sections[{i}]"
        if not isinstance(s, Mapping) or not s.get("id"):
            raise _bad(where, "a section needs an id")
        sid = str(s["id"])
        svis = _visibility(s.get("visible_if"), where)
        _check_visibility(svis, seen, where)
        questions = []
        for j, q_raw in enumerate(s.get("questions") or []):
            q = _question(q_raw, f"{where}.questions[{j}]")
            if q.id in seen or q.id == sid:
                raise _bad(f"{where}.questions[{j}]", f"duplicate id '{q.id}'")
            _check_visibility(q.visible_if, seen, f"{where}.questions[{j}]")
            seen[q.id] = q
            questions.append(q)
        if not questions:
            raise _bad(where, f"section '{sid}' has no questions")
        weight = _float(s.get("weight", 1), where)
        if weight < 0:
            raise _bad(where, "weights cannot be negative")
        sections.append(Section(sid, str(s.get("title", sid)), tuple(questions), weight,
                                bool(s.get("auto_fail", False)), bool(s.get("bonus", False)), svis))
    if len({s.id for s in sections}) != len(sections):
        raise _bad("form", "section ids must be unique")
    window = int(_float(raw.get("dispute_window_days", 7), "form.dispute_window_days"))
    if window < 0:
        raise _bad("form", "dispute_window_days cannot be negative")
    return Form(name=name, sections=tuple(sections), scoring_mode=mode, dispute_window_days=window,
                cap_at_100=bool(raw.get("cap_at_100", False)), description=str(raw.get("description", "")))
