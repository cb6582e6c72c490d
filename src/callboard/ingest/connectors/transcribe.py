"""Amazon Transcribe Call Analytics post-call output -> Callboard transcripts and conversation metrics.

`callboard ingest transcribe FILE...` loads each job's output JSON: its Transcript items (ParticipantRole,
Begin/EndOffsetMillis, Content, Sentiment, LoudnessScores) into `transcript_turns` and its
ConversationCharacteristics (talk time, non-talk time, interruptions, talk speed, sentiment overall and
by quarter) into `conversation_metrics`. A Transcribe job knows nothing of the contact center, so the
contact id is `--contact-id` when given, else the file's `JobName` (name your jobs after the contact
id), else the file name without its extension. See docs/connectors/transcripts.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors.transcript_characteristics import voice_characteristics
from callboard.ingest.connectors.transcript_io import given_contact_id, item_lines
from callboard.ingest.connectors.transcript_items import voice_turns
from callboard.ingest.connectors.transcript_rows import Collected, read_whole_json
from callboard.records.batch import Cursor, LoadBatch


def _contact_id(document: dict[str, Any], path: Path, given: str | None) -> str:
    if given:
        return given
    job = document.get("JobName")
    if isinstance(job, str) and job.strip():
        return job.strip()
    return path.name.split(".")[0] or path.name


def _role(item: dict[str, Any]) -> tuple[Any, str]:
    return item.get("ParticipantRole"), "ParticipantRole"


def parse_call_analytics(document: Any, text: str, out: Collected, *, path: Path, given: str | None) -> None:
    if not isinstance(document, dict) or not isinstance(document.get("Transcript"), list):
        raise InvalidInput(
            f"{path}: not a Transcribe Call Analytics output file (no Transcript array)",
            hint="load the JSON a Call Analytics job writes to its output S3 location",
        )
    contact_id = _contact_id(document, path, given)
    items = document["Transcript"]
    lines = item_lines(text, "Transcript", len(items))
    voice_turns(out, contact_id, items, lines, role_of=_role, loudness_key="LoudnessScores")
    voice_characteristics(out, contact_id, document.get("ConversationCharacteristics"))


@dataclass(frozen=True)
class TranscribeConnector:
    name: str = "transcribe"
    default_source: str = "amazon_transcribe"
    summary: str = "Amazon Transcribe Call Analytics output: transcript turns and conversation metrics."
    valid_record: str = ("a Transcript item with ParticipantRole, Content and Begin/EndOffsetMillis, or one "
                         "ConversationCharacteristics figure")
    options: tuple[ConnectorOption, ...] = (
        ConnectorOption("contact_id", "Contact id for every file loaded (default: the file's JobName)", "str", None),
    )
    follows: bool = False

    def read(self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue],
             context: ReadContext) -> LoadBatch:
        given = given_contact_id(options)
        return read_whole_json(
            self.name, path, cursor=cursor, context=context, what="Transcribe Call Analytics output",
            parse=lambda doc, text, out: parse_call_analytics(doc, text, out, path=path, given=given),
        )


CONNECTOR = TranscribeConnector()
