"""Which column of a survey CSV holds what, and the scales of its scores (docs/connectors/surveys.md).

Headers are compared after `header_base` (lower case, punctuation as spaces, CamelCase split), so
"ContactId", "contact_id" and "Contact ID" are one name. A scale is written "1-5", "1..5", "1 to 5" or
just "5" (meaning 1-5); it may sit in its own column (`csat_scale`, one value per row), in the score's
header ("CSAT (1-7)"), in a `--csat-scale` / `--ces-scale` option, or default per question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from callboard.core.errors import InvalidInput
from callboard.ingest.connectors.csv_excel_synonyms import header_base

QUESTIONS = ("csat", "nps", "ces", "ces_effort", "resolved")
DEFAULT_SCALES: dict[str, tuple[float, float]] = {
    "csat": (1, 5), "nps": (0, 10), "ces": (1, 7), "ces_effort": (1, 5), "resolved": (0, 1),
}
QUESTION_SYNONYMS: dict[str, list[str]] = {
    "csat": ["csat", "csat score", "csat rating", "satisfaction", "customer satisfaction", "satisfaction score",
             "satisfaction rating"],
    "nps": ["nps", "nps score", "net promoter score", "likelihood to recommend", "recommend", "nps rating"],
    "ces": ["ces", "ces score", "customer effort", "customer effort score", "effort score", "ces rating", "ease"],
    "ces_effort": ["ces effort", "effort", "ces 2010", "how much effort"],
    "resolved": ["resolved", "issue resolved", "fcr", "first contact resolution", "first call resolution",
                 "resolved y n", "was resolved"],
}
FIELD_SYNONYMS: dict[str, list[str]] = {
    "contact_id": ["contact id", "contactid", "call id", "callid", "interaction id", "conversation id",
                   "ticket id", "session id", "contact", "call reference"],
    "responded_at": ["responded at", "responded", "response time", "response timestamp", "submitted at",
                     "submitted", "completed at", "completed", "timestamp", "survey date", "survey time",
                     "response date", "created at", "date time", "datetime", "date", "time"],
    "response_id": ["response id", "survey response id", "survey id", "responseid", "id"],
    "comment": ["comment", "comments", "verbatim", "feedback", "free text", "remarks", "notes", "note", "text"],
    "question": ["question", "survey question", "metric", "question id", "measure"],
    "score": ["score", "value", "rating", "answer", "response"],
    "scale": ["scale", "score scale", "rating scale"],
}
_SCALE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:-|–|\.\.|to)\s*(-?\d+(?:\.\d+)?)\s*$")
_ONE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:pt|point|points)?\s*$")


def parse_scale(text: str | None) -> tuple[float, float] | None:
    """'1-5' / '1..5' / '1 to 5' / '5' -> (1.0, 5.0); anything else (or min >= max) -> None."""
    if text is None:
        return None
    match = _SCALE.match(text.lower())
    if match:
        lo, hi = float(match.group(1)), float(match.group(2))
    else:
        one = _ONE.match(text.lower())
        if not one:
            return None
        lo, hi = 1.0, float(one.group(1))
    return (lo, hi) if lo < hi else None


def question_of(word: str) -> str | None:
    """A question name as a file may write it ('CSAT', 'Customer effort', 'FCR') -> csat | nps | ...."""
    base, _ = header_base(word)
    for question, names in QUESTION_SYNONYMS.items():
        if base == question.replace("_", " ") or base in names:
            return question
    return None


@dataclass(frozen=True)
class SurveyColumns:
    """Column indexes into the raw table (c0..cN), and scale sources per question."""

    contact_id: int
    responded_at: int
    response_id: int | None
    comment: int | None
    question: int | None  # long format: question + score (+ scale) per row
    score: int | None
    scale: int | None
    scores: dict[str, int]  # wide format: question -> column
    scale_columns: dict[str, int]  # question -> its scale column
    header_scales: dict[str, tuple[float, float]]  # "CSAT (1-7)"

    @property
    def long(self) -> bool:
        return self.question is not None and self.score is not None


def resolve(path: Path, headers: list[str]) -> SurveyColumns:
    """Match the header to the survey fields; raise InvalidInput when the file cannot be a survey."""
    bases = [header_base(h) for h in headers]
    taken: set[int] = set()

    def find(names: list[str]) -> int | None:
        for name in names:
            for index, (base, _) in enumerate(bases):
                if index not in taken and base == name:
                    taken.add(index)
                    return index
        return None

    scale_columns: dict[str, int] = {}
    for question in QUESTIONS:
        label = question.replace("_", " ")
        found = find([f"{label} scale", *(f"{n} scale" for n in QUESTION_SYNONYMS[question])])
        if found is not None:
            scale_columns[question] = found
    scores: dict[str, int] = {}
    header_scales: dict[str, tuple[float, float]] = {}
    for question in QUESTIONS:
        found = find([question.replace("_", " "), *QUESTION_SYNONYMS[question]])
        if found is not None:
            scores[question] = found
            hinted = parse_scale(bases[found][1])
            if hinted:
                header_scales[question] = hinted
    fields = {name: find(names) for name, names in FIELD_SYNONYMS.items()}
    columns = SurveyColumns(
        contact_id=fields["contact_id"] if fields["contact_id"] is not None else -1,
        responded_at=fields["responded_at"] if fields["responded_at"] is not None else -1,
        response_id=fields["response_id"], comment=fields["comment"], question=fields["question"],
        score=fields["score"], scale=fields["scale"], scores=scores, scale_columns=scale_columns,
        header_scales=header_scales,
    )
    missing = [n for n, i in (("contact_id", columns.contact_id), ("responded_at", columns.responded_at)) if i < 0]
    if not columns.scores and not columns.long:
        missing.append("a score column (csat, nps, ces, ces_effort, resolved) or question + score")
    if missing:
        raise InvalidInput(
            f"{path}: no {'; no '.join(missing)} column in the header ({', '.join(headers)[:300]})",
            hint="see docs/connectors/surveys.md for the column names Callboard recognises",
        )
    return columns
