"""Reading back survey responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from callboard.runtime.runtime import Runtime


def responses(runtime: Runtime) -> list[dict[str, Any]]:
    t = runtime.store.table("survey_responses")
    return t.order_by(["contact_id", "question", "responded_at"]).to_pyarrow().to_pylist()


def quarantine(runtime: Runtime) -> list[tuple[int, str, str]]:
    rows = runtime.store.table("quarantine").order_by(["line", "field"]).to_pyarrow().to_pylist()
    return [(r["line"], r["field"], r["reason"]) for r in rows]


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path
