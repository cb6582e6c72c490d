"""JSON lines that are ready to read: the genesys and transcript connectors load files still being written."""

from __future__ import annotations

import json


def lines_end(data: bytes, start: int) -> int:
    """Where the JSON lines of `data[start:]` ready to read end: after the last line end, plus a last line
    without one when it already decodes as a whole JSON object (many files just lack a final newline).

    Any other unterminated last line may still be being written (an exporter mid-line): it is left unread,
    the cursor stops before it and the next run reads it whole (queue_log waits for every line end). An object's
    closing brace is final, so a line consumed that way is never read again as a tail; a bare number, say,
    could still grow, and waits for its line end like a cut-off object.
    """
    cut = data.rfind(b"\n", start) + 1 or start
    tail = data[cut:]
    if not tail.strip():
        return len(data)
    try:
        value = json.loads(tail.decode("utf-8", errors="replace").lstrip("\ufeff"))  # as each line is read
    except (json.JSONDecodeError, RecursionError):
        return cut
    return len(data) if isinstance(value, dict) else cut
