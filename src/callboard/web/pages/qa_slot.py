"""The evaluator-adjusted QA score beside the raw one, for the agent page and the scorecard pages
(QualityService.adjusted_scores; the raw mean stays the scorecard's scored value)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from callboard.core.errors import CallboardError
from callboard.core.viewer import Viewer
from callboard.quality.adjusted import EXPLANATION, AdjustedQa

log = logging.getLogger("callboard.web.qa")


@dataclass(frozen=True)
class QaSlot:
    score: AdjustedQa | None
    message: str = ""
    explanation: str = EXPLANATION
    start: dt.date | None = None
    end: dt.date | None = None


def qa_slot(runtime: Any, viewer: Viewer, agent_id: str, start: dt.date | None, end: dt.date | None) -> QaSlot:
    """The agent's raw and adjusted QA scores over contacts dated start..end, or why there are none."""
    if start is None or end is None:
        return QaSlot(None, "No period with data.")
    if not viewer.can("view_evaluations"):
        return QaSlot(None, "Your role does not see evaluations.", start=start, end=end)
    try:
        found = runtime.quality.adjusted_scores(viewer, [agent_id], start, end).get(agent_id)
    except CallboardError as exc:
        return QaSlot(None, exc.message, start=start, end=end)
    except Exception as exc:  # noqa: BLE001 - the page still shows without QA (e.g. no quality tables yet)
        log.warning("QA scores not shown: %s", exc)
        return QaSlot(None, "QA scores could not be read.", start=start, end=end)
    if found is None:
        return QaSlot(None, "No scored evaluations of this agent's contacts in this period.", start=start, end=end)
    return QaSlot(found, start=start, end=end)
