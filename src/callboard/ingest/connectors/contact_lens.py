"""Amazon Connect Contact Lens output files (calls and chats) -> Callboard transcripts and conversation metrics.

`callboard ingest contact-lens FILE...` loads each analysis file (original or redacted, VOICE or CHAT):
its turns into `transcript_turns` and its ConversationCharacteristics into `conversation_metrics`.
The contact id is the Connect ContactId, the same id the CTR connector stores for that contact, taken
from `--contact-id` when given, else `CustomerMetadata.ContactId`, else the S3 file name
`<ContactId>_analysis_<time>.json` that Contact Lens writes. See docs/connectors/transcripts.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors.transcript_characteristics import chat_characteristics, voice_characteristics
from callboard.ingest.connectors.transcript_io import given_contact_id, item_lines
from callboard.ingest.connectors.transcript_items import chat_turns, contact_lens_roles, voice_turns
from callboard.ingest.connectors.transcript_rows import Collected, read_whole_json
from callboard.records.batch import Cursor, LoadBatch

_FILE_NAME = re.compile(r"^(?P<contact>[^_\s]+)_analysis")
CONTACT_ID_OPTION = ConnectorOption(
    "contact_id", "Contact id for every file loaded (default: the ContactId in the file or its name)", "str", None
)


def _contact_id(document: dict[str, Any], path: Path, given: str | None) -> str:
    if given:
        return given
    meta = document.get("CustomerMetadata")
    found = meta.get("ContactId") if isinstance(meta, dict) else None
    if isinstance(found, str) and found.strip():
        return found.strip()
    match = _FILE_NAME.match(path.name)
    if match:
        return match.group("contact")
    raise InvalidInput(
        f"{path}: no ContactId in the file (CustomerMetadata.ContactId) nor in its name",
        hint="pass --contact-id, or keep the name Contact Lens gave it: <ContactId>_analysis_<time>.json",
    )


def _channel(document: dict[str, Any]) -> str:
    channel = str(document.get("Channel") or document.get("Version") or "").upper()
    if channel.startswith("CHAT"):
        return "chat"
    if channel.startswith("VOICE"):
        return "voice"
    items = document.get("Transcript") or []
    return "chat" if items and isinstance(items[0], dict) and "AbsoluteTime" in items[0] else "voice"


def parse_contact_lens(document: Any, text: str, out: Collected, *, path: Path, given: str | None) -> None:
    if not isinstance(document, dict) or not isinstance(document.get("Transcript"), list):
        raise InvalidInput(
            f"{path}: not a Contact Lens output file (no Transcript array)",
            hint="load the analysis JSON Contact Lens writes under Analysis/Voice or Analysis/Chat in S3",
        )
    contact_id = _contact_id(document, path, given)
    items = document["Transcript"]
    lines = item_lines(text, "Transcript", len(items))
    if _channel(document) == "chat":
        chat_turns(out, contact_id, document, items, lines)
        chat_characteristics(out, contact_id, document.get("ConversationCharacteristics"))
    else:
        voice_turns(out, contact_id, items, lines, role_of=contact_lens_roles(document), loudness_key="LoudnessScore")
        voice_characteristics(out, contact_id, document.get("ConversationCharacteristics"))


@dataclass(frozen=True)
class ContactLensConnector:
    name: str = "contact-lens"
    default_source: str = "amazon_connect"
    summary: str = "Amazon Connect Contact Lens analysis files (call or chat): transcript turns and conversation metrics."
    valid_record: str = ("a Transcript item with a known participant, text and offsets (call) or AbsoluteTime "
                         "(chat message), or one ConversationCharacteristics figure")
    options: tuple[ConnectorOption, ...] = (CONTACT_ID_OPTION,)
    follows: bool = False

    def read(self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue],
             context: ReadContext) -> LoadBatch:
        given = given_contact_id(options)
        return read_whole_json(
            self.name, path, cursor=cursor, context=context, what="Contact Lens output",
            parse=lambda doc, text, out: parse_contact_lens(doc, text, out, path=path, given=given),
        )


CONNECTOR = ContactLensConnector()
