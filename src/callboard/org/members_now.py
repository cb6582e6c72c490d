"""Who is in a viewer's teams at one instant (team_memberships is effective-dated).

KPI queries scope a supervisor's figures by the team at each row's time (metrics/access.py); live views (the
wallboard, real-time adherence) show the agents in the viewer's teams now, not everyone who ever was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from callboard.core.viewer import Viewer
from callboard.store.base import AnalyticsStore


def team_members_at(store: AnalyticsStore, team_ids: Iterable[str], instant: dt.datetime) -> frozenset[str]:
    """Agents whose membership of one of `team_ids` covers `instant` (valid_from inclusive, valid_to exclusive)."""
    teams = sorted(set(team_ids))
    if not teams:
        return frozenset()
    t = store.table("team_memberships")
    current = t.filter(t.team_id.isin(teams) & (t.valid_from <= instant)
                       & (t.valid_to.isnull() | (t.valid_to > instant)))
    return frozenset(str(a) for a in current.select("agent_id").to_pyarrow().column("agent_id").to_pylist())


def agents_in_scope_at(store: AnalyticsStore, viewer: Viewer, instant: dt.datetime) -> frozenset[str] | None:
    """The viewer's agents at `instant`: None (everyone) when unscoped, an agent's own id for an agent, else the
    agents in the viewer's teams then."""
    if viewer.agent_ids is None or viewer.role == "agent" or viewer.team_ids is None:
        return viewer.agent_ids
    return team_members_at(store, viewer.team_ids, instant) & viewer.agent_ids
