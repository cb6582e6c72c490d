"""`callboard reconcile`: repair QA scores in the analytics store from the app database (the source of truth)."""

from __future__ import annotations

from typing import Annotated

import typer

from callboard.cli.common import DataDir, console, friendly_errors, open_runtime


@friendly_errors
def reconcile(
    data_dir: DataDir = None,
    check: Annotated[bool, typer.Option("--check", help="only report differences; exit 1 if any")] = False,
) -> None:
    """Make the analytics store's QA scores (qa_scores, qa_item_results) equal the app database's evaluations."""
    from callboard.core.viewer import LOCAL_OWNER

    with open_runtime(data_dir) as runtime:
        report = runtime.quality.reconcile(LOCAL_OWNER, repair=not check)
    console.print(f"{report.evaluations} evaluations checked: {report.missing} missing, {report.stale} different, "
                  f"{report.extra} extra in the analytics store"
                  + ("" if check else f"; {report.repaired} repaired"))
    if check and not report.in_sync:
        raise typer.Exit(1)
