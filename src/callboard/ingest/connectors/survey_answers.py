"""Survey rows -> Callboard survey_responses, in bulk (polars), with every bad answer quarantined.

A row gives one contact, one response time and up to five answers (csat, nps, ces, ces_effort,
resolved). The row is rejected whole when its contact id or time is unusable; otherwise each answer
stands on its own: a score outside its scale quarantines that answer only. `response_id` is the file's
own id plus the question, or `contact:question:responded_at` when the file has none, so loading the
same answers again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from callboard.ingest import values as V
from callboard.ingest.connectors.csv_excel_read import LINE, RawTable
from callboard.ingest.connectors.survey_columns import DEFAULT_SCALES, QUESTIONS, SurveyColumns, parse_scale, question_of
from callboard.ingest.mapping import DEFAULT_FALSE, DEFAULT_TRUE
from callboard.records.batch import Rejection, input_schema

RAW_CHARS = 500


@dataclass(frozen=True)
class Answers:
    table: pa.Table | None
    rejections: list[Rejection]
    dst_ambiguous: int


def _col(raw: RawTable, index: int | None) -> pl.Series:
    if index is None:
        return pl.Series([None] * raw.frame.height, dtype=pl.Utf8)
    return V.clean(raw.frame[f"c{index}"])


class _Rejects:
    """Quarantine rows by mask, with the row's raw cells."""

    def __init__(self, path: Path, raw: RawTable) -> None:
        self.path, self.raw, self.found = str(path), raw, []  # type: ignore[var-annotated]
        self.cells = raw.frame.select(pl.concat_str([pl.col(f"c{i}") for i in range(len(raw.headers))],
                                                    separator=raw.delimiter, ignore_nulls=True))[:, 0]

    def add(self, mask: pl.Series, field: str, reason: str, shown: pl.Series | None = None) -> None:
        for i in mask.fill_null(False).arg_true().to_list():
            value = shown[i] if shown is not None else None
            text = reason.replace("{value}", str(value)[:80])
            self.found.append(Rejection(self.path, int(self.raw.frame[LINE][i]), field, text,
                                        str(self.cells[i])[:RAW_CHARS]))


def _times(s: pl.Series, time_zone: str) -> tuple[pl.Series, pl.Series, int]:
    """ISO 8601 (offset respected; naive = organisation time) -> naive UTC, bad mask, DST-ambiguous count."""
    naive, bad, is_local = V.parse_datetime_column(s, ["iso"], epoch="1900", decimal=".", thousands=None)
    local = V.to_utc(naive, time_zone)
    utc = pl.select(pl.when(is_local).then(local.utc).otherwise(naive)).to_series()
    return utc, bad, int((local.ambiguous & is_local).sum())


def _scales(texts: pl.Series, fallback: tuple[float, float]) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Per-row scale text -> (min, max, bad); blank -> the fallback."""
    lookup = {t: parse_scale(t) for t in texts.drop_nulls().unique().to_list()}
    lo = [fallback[0] if t is None else (lookup[t] or (None, None))[0] for t in texts.to_list()]
    hi = [fallback[1] if t is None else (lookup[t] or (None, None))[1] for t in texts.to_list()]
    lo_s = pl.Series(lo, dtype=pl.Float64)
    return lo_s, pl.Series(hi, dtype=pl.Float64), texts.is_not_null() & lo_s.is_null()


def _long_to_wide(raw: RawTable, cols: SurveyColumns, rejects: _Rejects, ok: pl.Series) -> tuple[dict, dict, pl.Series]:
    """Long format (question, score, scale per row) -> per-question score and scale series."""
    question = _col(raw, cols.question)
    names = question.replace_strict({w: question_of(w) for w in question.drop_nulls().unique().to_list()},
                                    default=None, return_dtype=pl.Utf8) if question.drop_nulls().len() else question
    unknown = ok & names.is_null()
    rejects.add(unknown, "question", f"'{{value}}' is not a survey question ({', '.join(QUESTIONS)})", question)
    score, scale = _col(raw, cols.score), _col(raw, cols.scale)
    scores = {q: pl.select(pl.when(names == q).then(score)).to_series() for q in QUESTIONS}
    scales = {q: pl.select(pl.when(names == q).then(scale)).to_series() for q in QUESTIONS}
    return scores, scales, ok & ~unknown


def build_answers(path: Path, raw: RawTable, cols: SurveyColumns, *, source: str, time_zone: str,
                  scale_options: dict[str, tuple[float, float]]) -> Answers:
    rejects = _Rejects(path, raw)
    contact = _col(raw, cols.contact_id)
    time_text = _col(raw, cols.responded_at)
    responded, bad_time, ambiguous = _times(time_text, time_zone)
    rejects.add(contact.is_null(), "contact_id", "no contact id: the answers cannot be tied to a contact")
    ok = contact.is_not_null()
    rejects.add(ok & time_text.is_null(), "responded_at", "no response time")
    rejects.add(ok & bad_time, "responded_at", "'{value}' is not an ISO 8601 date-time", time_text)
    ok = ok & responded.is_not_null()
    if cols.long:
        scores, scale_texts, ok = _long_to_wide(raw, cols, rejects, ok)
    else:
        scores = {q: _col(raw, i) for q, i in cols.scores.items()}
        scale_texts = {q: _col(raw, cols.scale_columns.get(q)) for q in scores}
    given_id, comment = _col(raw, cols.response_id), _col(raw, cols.comment)
    stamp = responded.dt.strftime("%Y-%m-%dT%H:%M:%S%.f")
    frames = []
    answered = pl.Series([False] * raw.frame.height, dtype=pl.Boolean)
    for q, text in scores.items():
        fallback = cols.header_scales.get(q) or scale_options.get(q) or DEFAULT_SCALES[q]
        lo, hi, bad_scale = _scales(scale_texts[q] if q in scale_texts else text.clear(len(text)), fallback)
        present = ok & text.is_not_null()
        answered = answered | present
        rejects.add(present & bad_scale, f"{q}_scale", "'{value}' is not a scale like 1-5", scale_texts.get(q))
        if q == "resolved":
            parsed = V.parse_bool(text, DEFAULT_TRUE, DEFAULT_FALSE).values.cast(pl.Float64)
            reason = "'{value}' is not yes/no"
        else:
            parsed, _ = V.parse_float(text)
            reason = f"'{{value}}' is not a valid {q} score for the row's scale"
        bad = present & ~bad_scale & (parsed.is_null() | (parsed < lo) | (parsed > hi)).fill_null(True)
        rejects.add(bad, q, reason, text)
        good = present & ~bad_scale & ~bad
        rid = pl.select(pl.when(given_id.is_not_null()).then(given_id + f":{q}")
                        .otherwise(contact + f":{q}:" + stamp)).to_series()
        frames.append(pl.DataFrame({
            "source": source, "response_id": rid, "contact_id": contact, "question": q, "score": parsed,
            "scale_min": lo, "scale_max": hi, "responded_at": responded, "comment": comment,
        }).filter(good))
    rejects.add(ok & ~answered, "score", "no answer: every score column is blank")
    table = pl.concat(frames).to_arrow().cast(input_schema("survey_responses")) if frames else None
    return Answers(table, sorted(rejects.found, key=lambda r: r.line or 0), ambiguous)
