"""`callboard erlang`: staffing for one interval (being built)."""

from __future__ import annotations

from callboard.cli.common import friendly_errors


@friendly_errors
def erlang() -> None:
    """Required agents for an interval with Erlang C / A (being built)."""
