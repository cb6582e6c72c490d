"""Team benchmarks: one team's totals, shown beside an agent's own figures.

An agent may see their own rows only (metrics/access.py), yet an agent page compares the agent with the
team. This service answers exactly that and nothing more: the totals (one row, no per-agent figures) of a
team the viewer belongs to or supervises (`Viewer.require_team`), for the metrics asked.
"""

from __future__ import annotations

import datetime as dt

from callboard.core.viewer import Viewer
from callboard.metrics.service import KpiResult, KpiService


def team_totals(kpi: KpiService, *, viewer: Viewer, team_id: str, metrics: list[str],
                from_date: dt.date | None, to_date: dt.date | None, by: list[str] | None = None) -> KpiResult:
    """The team's figures over all its agents (by time buckets at most, never by agent or contact)."""
    viewer.require("view_kpis")
    viewer.require_team(team_id)
    by = list(by or [])
    if any(d in ("agent", "contact") for d in by):
        from callboard.core.errors import Forbidden

        raise Forbidden("team benchmarks are totals, not per-agent figures", hint="group by day or week")
    return kpi.query(metrics=metrics, by=by, from_date=from_date, to_date=to_date, where={"team": [team_id]},
                     viewer=None)
