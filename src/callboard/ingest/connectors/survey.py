"""Post-contact survey results (CSV) -> Callboard survey_responses.

`callboard ingest survey FILE...` loads CSAT, NPS, CES and "was it resolved" answers with their scales.
Wide (one row per response: contact_id, responded_at, csat, nps, ces, resolved, comment...) and long
(one row per answer: contact_id, responded_at, question, score, scale) layouts are both recognised
from the header. A survey joins its contact by contact id whenever it arrives, before or after the
contact itself. Format and rules: docs/connectors/surveys.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors.csv_excel_read import read_raw
from callboard.ingest.connectors.survey_answers import build_answers
from callboard.ingest.connectors.survey_columns import parse_scale, resolve
from callboard.ingest.connectors.transcript_io import new_batch, read_bytes, set_cursor
from callboard.ingest.mapping import FileOptions
from callboard.records.batch import Cursor, LoadBatch

DELIMITERS = (",", ";", "\t", "|")


def _delimiter(data: bytes, given: OptionValue) -> str:
    """The --delimiter option, else the most frequent of , ; tab | on the header line."""
    if isinstance(given, str) and given:
        return "\t" if given in ("\\t", "tab") else given
    header = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return max(DELIMITERS, key=lambda d: (header.count(d), d == ","))


def _scale_options(options: Mapping[str, OptionValue]) -> dict[str, tuple[float, float]]:
    scales = {}
    for question in ("csat", "ces"):
        text = options.get(f"{question}_scale")
        if text is None or str(text).strip() == "":
            continue
        scale = parse_scale(str(text))
        if scale is None:
            raise InvalidInput(f"--{question}-scale '{text}' is not a scale", hint="write it like 1-5 or 1-7")
        scales[question] = scale
    return scales


@dataclass(frozen=True)
class SurveyConnector:
    name: str = "survey"
    default_source: str = "survey"
    summary: str = "Survey results (CSAT, NPS, CES, resolved) from a CSV, tied to contacts by contact id."
    valid_record: str = ("one answer: a row with a contact id and an ISO response time, and a score inside its "
                         "scale (resolved: yes/no)")
    options: tuple[ConnectorOption, ...] = (
        ConnectorOption("csat_scale", "CSAT scale when the file has no csat_scale column (default 1-5)", "str", None),
        ConnectorOption("ces_scale", "CES scale when the file has no ces_scale column (default 1-7)", "str", None),
        ConnectorOption("delimiter", "Field delimiter (default: sniffed from the header: , ; tab |)", "str", None),
    )
    follows: bool = False

    def read(self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue],
             context: ReadContext) -> LoadBatch:
        read = read_bytes(path, cursor)
        batch = new_batch(read, context.source)
        if not read.unchanged:
            scales = _scale_options(options)
            raw = read_raw(path, FileOptions(delimiter=_delimiter(read.data, options.get("delimiter"))))
            columns = resolve(path, raw.headers)
            answers = build_answers(path, raw, columns, source=context.source,
                                    time_zone=context.settings.time_zone, scale_options=scales)
            if answers.table is not None and answers.table.num_rows:
                batch.add("survey_responses", answers.table)
            batch.rejections = sorted([*raw.rejections, *answers.rejections], key=lambda r: r.line or 0)
            batch.rows_read = raw.rows_read
            batch.dst_ambiguous = answers.dst_ambiguous
        set_cursor(batch, read, connector=self.name, stream=context.stream, position=len(read.data))
        return batch


CONNECTOR = SurveyConnector()
