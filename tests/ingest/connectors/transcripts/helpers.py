"""Reading back what a transcript connector stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callboard.runtime.runtime import Runtime

FIXTURES = Path(__file__).parent / "fixtures"
VOICE = FIXTURES / "contact_lens_voice_example_original.json"
VOICE_REDACTED = FIXTURES / "contact_lens_voice_example_redacted.json"
CHAT = FIXTURES / "contact_lens_chat_example_original.json"
CHAT_REDACTED = FIXTURES / "contact_lens_chat_example_redacted.json"
TCA = FIXTURES / "tca_call_analytics.json"
CHAT_CONTACT = "b49644f6-672f-445c-b209-f76b36482830"  # CustomerMetadata.ContactId in the chat example


def turns(runtime: Runtime, contact_id: str | None = None) -> list[dict[str, Any]]:
    t = runtime.store.table("transcript_turns")
    if contact_id is not None:
        t = t.filter(t.contact_id == contact_id)
    return t.order_by(["contact_id", "turn_seq"]).to_pyarrow().to_pylist()


def metrics(runtime: Runtime, contact_id: str) -> dict[tuple[str, str, int], float]:
    t = runtime.store.table("conversation_metrics")
    rows = t.filter(t.contact_id == contact_id).to_pyarrow().to_pylist()
    return {(r["metric"], r["participant"], r["period_seq"]): r["value"] for r in rows}


def quarantine(runtime: Runtime) -> list[dict[str, Any]]:
    return runtime.store.table("quarantine").order_by("line").to_pyarrow().to_pylist()
