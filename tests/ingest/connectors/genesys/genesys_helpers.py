"""Helpers for the Genesys Cloud connector tests: fixture paths, loading, and the platform's own figures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callboard.records.batch import LoadReport
from callboard.runtime import Runtime
from tests.ingest.ingest_csv_helpers import query

FIXTURES = Path(__file__).parent / "fixtures"
# The spec example, byte-identical to GenesysCloudBlueprints/conversation-model-to-sql-blueprint
# conversations/conversation1.json (MIT), as in the project's specs/genesys-cloud folder.
SPEC_EXAMPLE = FIXTURES / "conversation-detail-example.json"
ALL_FIXTURES = ("voice_hold_transfer.json", "abandoned.json", "chat_message_outbound.jsonl")


def load(runtime: Runtime, *names: str | Path) -> list[LoadReport]:
    paths = [n if isinstance(n, Path) else FIXTURES / n for n in names]
    return runtime.ingest.ingest("genesys", paths)


def rows(runtime: Runtime, table: str, order: str) -> list[dict[str, Any]]:
    return query(runtime, f'SELECT * FROM "{table}" ORDER BY {order}')


def conversations(path: Path) -> list[dict[str, Any]]:
    """The conversations of a fixture, read with plain json (independently of the connector)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    if isinstance(data, dict) and "conversations" in data:
        return list(data["conversations"])
    return data if isinstance(data, list) else [data]


@dataclass(frozen=True)
class PlatformFigures:
    """What Genesys itself says about one agent session (its metrics), in milliseconds."""

    contact_id: str
    agent_id: str
    t_talk: int | None
    t_held: int | None
    t_acw: int
    t_handle: int | None
    t_alert: int | None
    t_dialing_contacting: int


def platform_figures(path: Path) -> list[PlatformFigures]:
    """Per agent session: tTalkComplete (else the sum of tTalk), tHeldComplete (else the sum of tHeld),
    tAcw, tHandle, tAlert, tDialing + tContacting, straight from the file."""
    out = []
    for conv in conversations(path):
        for participant in conv["participants"]:
            if participant["purpose"] not in ("agent", "user"):
                continue
            for session in participant["sessions"]:
                values: dict[str, list[int]] = {}
                for metric in session.get("metrics", []):
                    values.setdefault(metric["name"], []).append(int(metric["value"]))

                def total(complete: str, parts: str) -> int | None:
                    if complete in values:
                        return sum(values[complete])
                    return sum(values[parts]) if parts in values else None

                out.append(PlatformFigures(
                    conv["conversationId"], participant["userId"],
                    total("tTalkComplete", "tTalk"), total("tHeldComplete", "tHeld"),
                    sum(values.get("tAcw", [])), total("tHandle", "tHandle"), total("tAlert", "tAlert"),
                    sum(values.get("tDialing", [])) + sum(values.get("tContacting", [])),
                ))
    return out
