"""Import evaluation forms from Genesys Cloud (Terraform `genesyscloud_quality_forms_evaluation`) and Amazon
Connect (the evaluation form model: sections, questions, single selection / numeric / text, scores, weights).

Both return a form definition dict for `forms.parse_form` (so the editor shows what was imported).

Genesys mapping: question_groups -> sections (weight, visibility_condition), questions -> choice questions
(`yes_no` when the answers are exactly Yes/No) whose answer `value` is its points, `is_kill` -> fatal,
`is_critical` -> critical, `na_enabled` -> N/A allowed; a predicate `/form/questionGroup/G/question/Q/answer/A`
-> {question: g{G}q{Q}, answer: a{A}}; scoring mode points weighted by group.

Amazon mapping: Items[].Section -> sections, Items[].Question -> questions (SINGLESELECT -> single, NUMERIC with
Options ranges -> numeric, TEXT -> text), option Score -> points, an option with AutomaticFail -> a fatal question
failing on that option, NotApplicableEnabled -> N/A allowed, Weight -> weights; scoring mode percentages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from callboard.core.errors import InvalidInput

_TOKEN = re.compile(r'\s*(?:(#|//)[^\n]*|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_\-]*)|(-?\d+(?:\.\d+)?)|(\S))')


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        comment, string, ident, number, punct = m.groups()
        if comment:
            continue
        if string is not None:
            out.append(("str", json.loads(string)))
        elif ident is not None:
            out.append(("bool", ident == "true") if ident in ("true", "false") else ("ident", ident))
        elif number is not None:
            out.append(("num", float(number)))
        elif punct is not None:
            out.append(("punct", punct))
    return out


class _Parser:
    """A small HCL subset: blocks (`name "label" { ... }`), attributes (`key = value`), lists, strings, numbers."""

    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def _peek(self) -> tuple[str, Any] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _next(self) -> tuple[str, Any]:
        tok = self._peek()
        if tok is None:
            raise InvalidInput("Genesys form: the file ends inside a block", hint="check the braces")
        self.i += 1
        return tok

    def _value(self) -> Any:
        kind, value = self._next()
        if kind in ("str", "num", "bool"):
            return value
        if (kind, value) == ("punct", "["):
            items = []
            while self._peek() != ("punct", "]"):
                items.append(self._value())
                if self._peek() == ("punct", ","):
                    self._next()
            self._next()
            return items
        raise InvalidInput(f"Genesys form: unexpected '{value}'")

    def body(self, closing: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while True:
            tok = self._peek()
            if tok is None:
                if closing:
                    raise InvalidInput("Genesys form: a block is not closed", hint="check the braces")
                return out
            if tok == ("punct", "}"):
                self._next()
                return out
            kind, name = self._next()
            if kind != "ident":
                raise InvalidInput(f"Genesys form: expected a name, found '{name}'")
            if self._peek() == ("punct", "="):
                self._next()
                out[name] = self._value()
                continue
            labels = []
            while self._peek() is not None and self._peek()[0] == "str":  # type: ignore[index]
                labels.append(self._next()[1])
            if self._next() != ("punct", "{"):
                raise InvalidInput(f"Genesys form: expected '{{' after block '{name}'")
            block = self.body(closing=True)
            if labels:
                block["_labels"] = labels
            out.setdefault(name, []).append(block)


_PREDICATE = re.compile(r"^/form/questionGroup/(\d+)/question/(\d+)/answer/(\d+)$")


def _genesys_visibility(raw: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    cond = raw[0]
    preds = []
    for p in cond.get("predicates") or []:
        m = _PREDICATE.match(str(p))
        if m is None:
            raise InvalidInput(f"Genesys form: unsupported visibility predicate '{p}'",
                               hint="predicates look like /form/questionGroup/0/question/0/answer/0")
        g, q, a = m.groups()
        preds.append({"question": f"g{g}q{q}", "answer": f"a{a}"})
    return {"op": str(cond.get("combining_operation", "AND")).lower(), "predicates": preds}


def _genesys_question(gi: int, qi: int, q: Mapping[str, Any]) -> dict[str, Any]:
    options = [{"id": f"a{ai}", "label": str(o.get("text", ai)), "points": float(o.get("value", 0))}
               for ai, o in enumerate(q.get("answer_options") or [])]
    yes_no = [o["label"].lower() for o in options] == ["yes", "no"]
    out: dict[str, Any] = {"id": f"g{gi}q{qi}", "text": str(q.get("text", f"Question {qi + 1}")),
                           "help": str(q.get("help_text", "")), "type": "yes_no" if yes_no else "single",
                           "options": options, "na_allowed": bool(q.get("na_enabled", False)),
                           "critical": bool(q.get("is_critical", False)) and yes_no,
                           "fatal": bool(q.get("is_kill", False))}
    vis = _genesys_visibility(q.get("visibility_condition"))
    if vis:
        out["visible_if"] = vis
    return out


def import_genesys_tf(text: str) -> dict[str, Any]:
    """A form definition from a Terraform `genesyscloud_quality_forms_evaluation` resource."""
    top = _Parser(text).body(closing=False)
    resources = [r for r in top.get("resource", []) if r.get("_labels", [""])[0] == "genesyscloud_quality_forms_evaluation"]
    if not resources:
        raise InvalidInput("no genesyscloud_quality_forms_evaluation resource in the file")
    res = resources[0]
    sections = []
    for gi, g in enumerate(res.get("question_groups") or []):
        section: dict[str, Any] = {"id": f"g{gi}", "title": str(g.get("name", f"Group {gi + 1}")),
                                   "weight": float(g.get("weight", 1)),
                                   "questions": [_genesys_question(gi, qi, q) for qi, q in enumerate(g.get("questions") or [])]}
        vis = _genesys_visibility(g.get("visibility_condition"))
        if vis:
            section["visible_if"] = vis
        sections.append(section)
    return {"name": str(res.get("name", "Imported Genesys form")), "scoring_mode": "points_weighted_by_group",
            "description": "Imported from a Genesys Cloud Terraform form definition", "sections": sections}


def _amazon_question(item: Mapping[str, Any], where: str) -> dict[str, Any]:
    qtype = str(item.get("QuestionType", "")).upper()
    ref = str(item.get("RefId") or where)
    out: dict[str, Any] = {"id": ref, "text": str(item.get("Title", ref)), "help": str(item.get("Instructions", "")),
                           "na_allowed": bool(item.get("NotApplicableEnabled", False))}
    if item.get("Weight") is not None:
        out["weight"] = float(item["Weight"])
    props = item.get("QuestionTypeProperties") or {}
    if qtype == "SINGLESELECT":
        opts = (props.get("SingleSelect") or {}).get("Options") or []
        out["type"] = "single"
        out["options"] = [{"id": str(o.get("RefId") or i), "label": str(o.get("Text", i)),
                           "points": float(o.get("Score", 0))} for i, o in enumerate(opts)]
        fails = [str(o.get("RefId") or i) for i, o in enumerate(opts) if o.get("AutomaticFail")]
    elif qtype == "NUMERIC":
        num = props.get("Numeric") or {}
        out["type"] = "numeric"
        out["min"], out["max"] = num.get("MinValue"), num.get("MaxValue")
        out["ranges"] = [{"min": r["MinValue"], "max": r["MaxValue"], "points": r.get("Score", 0)}
                         for r in num.get("Options") or []]
        fails = []
        if any(r.get("AutomaticFail") for r in num.get("Options") or []):
            raise InvalidInput(f"Amazon form {where}: automatic fail on a numeric range is not supported yet")
    elif qtype == "TEXT":
        out["type"] = "text"
        fails = []
    else:
        raise InvalidInput(f"Amazon form {where}: unknown QuestionType '{qtype}'", hint="SINGLESELECT, NUMERIC, TEXT")
    if fails:
        out["fatal"] = True
        out["fail_answers"] = fails
    return out


def import_amazon_connect(raw: Mapping[str, Any] | str) -> dict[str, Any]:
    """A form definition from an Amazon Connect evaluation form (CreateEvaluationForm / DescribeEvaluationForm JSON)."""
    data = json.loads(raw) if isinstance(raw, str) else raw
    form = data.get("EvaluationForm", data)
    sections = []
    loose: list[dict[str, Any]] = []
    for si, item in enumerate(form.get("Items") or []):
        if "Section" in item:
            sec = item["Section"]
            questions = [_amazon_question(q["Question"], f"Items[{si}].Items[{qi}]")
                         for qi, q in enumerate(sec.get("Items") or []) if "Question" in q]
            sections.append({"id": str(sec.get("RefId") or f"s{si}"), "title": str(sec.get("Title", f"Section {si + 1}")),
                             "weight": float(sec.get("Weight", 100.0 / max(len(form.get("Items") or []), 1))),
                             "questions": questions})
        elif "Question" in item:
            loose.append(_amazon_question(item["Question"], f"Items[{si}]"))
    if loose:
        sections.append({"id": "general", "title": "General", "weight": 0, "questions": loose})
    strategy = form.get("ScoringStrategy") or {}
    if strategy.get("Mode") == "QUESTION_ONLY":
        for s in sections:  # weights live on the questions: give any unweighted question an equal share
            for q in s["questions"]:
                q.setdefault("weight", 0.0 if q["type"] == "text" else 1.0)
    if not sections:
        raise InvalidInput("the Amazon Connect form has no sections or questions")
    return {"name": str(form.get("Title", "Imported Amazon Connect form")), "scoring_mode": "pct_weighted_by_question",
            "description": str(form.get("Description", "Imported from an Amazon Connect evaluation form")),
            "sections": sections}
