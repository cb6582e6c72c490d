"""Fill the scorecard's QA slot from QA evaluations.

The integrator calls `install(runtime)` once the runtime is built (quality and scorecards are sibling layers, so
neither imports the other: the runtime hands one service's method to the other)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def install(runtime: Any) -> None:
    """Set `runtime.scorecards.qa_scores` to the agents' mean QA score over the scorecard period (contact dates,
    latest revision after disputes, calibration and drafts excluded)."""
    quality = runtime.quality

    def qa_scores(agent_ids: tuple[str, ...], period: Any) -> Mapping[str, Any]:
        return quality.qa_scores_for_agents(agent_ids, period.start, period.end)

    runtime.scorecards.qa_scores = qa_scores
