"""`callboard reconcile`: repair QA scores in the analytics store from the app database (being built)."""

from __future__ import annotations

from callboard.cli.common import friendly_errors


@friendly_errors
def reconcile() -> None:
    """Make the analytics store's QA scores equal the app database's (being built)."""
