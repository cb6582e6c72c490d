"""One error tree for Callboard: the web maps it to status codes, the CLI to one line and exit 1."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CallboardError(Exception):
    """Base of every error Callboard raises on purpose. The message says what, where and how to fix."""

    status_code: int = 400
    code: str = "callboard_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InvalidInput(CallboardError):
    status_code = 422
    code = "invalid_input"


class NotFound(CallboardError):
    status_code = 404
    code = "not_found"


class NotSignedIn(CallboardError):
    status_code = 401
    code = "unauthorized"


class Forbidden(CallboardError):
    status_code = 403
    code = "forbidden"


class Conflict(CallboardError):
    status_code = 409
    code = "conflict"


class StoreUnreadable(CallboardError):
    """A store file that exists but is not a Callboard store (corrupt, truncated, another program's file)."""

    status_code = 500
    code = "store_unreadable"


def unreadable_store(kind: str, path: object, detail: str) -> StoreUnreadable:
    return StoreUnreadable(
        f"{path} is not a valid Callboard {kind}: {detail}",
        hint="restore it from a backup, or move it away to start empty")


class EngineUnsupported(CallboardError):
    status_code = 501
    code = "engine_unsupported"


def closest(name: str, valid: Iterable[str], n: int = 1) -> list[str]:
    """The valid names closest to `name` (a typo's likely intent), best first."""
    return difflib.get_close_matches(name, list(valid), n=n, cutoff=0.6)


def unknown_name(kind: str, name: str, valid: list[str] | tuple[str, ...]) -> NotFound:
    """An unknown-name error that names the closest valid names first, then lists the valid names."""
    shown = ", ".join(sorted(valid)[:60])
    more = "" if len(valid) <= 60 else f" (and {len(valid) - 60} more)"
    close = closest(name, valid, 3)
    guess = f"did you mean {' or '.join(close)}? " if close else ""
    return NotFound(f"unknown {kind} '{name}'", hint=f"{guess}valid {kind}s: {shown}{more}")
