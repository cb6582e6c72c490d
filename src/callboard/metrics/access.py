"""What a viewer may ask of the KPI service: their agents' rows only; planners only aggregates.

An agent's query is restricted to their own rows. A supervisor's (and a manager's or QA analyst's, whose
teams are their sites' teams) is restricted to rows of the agents in their teams, counted only while the agent
was in one of those teams (team_memberships is effective-dated): an agent who moved to another team keeps their
earlier work in the supervisor's figures, and their work for the new team is not shown. A queue's figures for a
supervisor therefore cover their teams' work on that queue.
"""

from __future__ import annotations

from callboard.core.errors import Forbidden
from callboard.core.viewer import Viewer
from callboard.metrics.dimensions import canonical

PERSONAL = ("agent", "contact")
NO_AGENT = "\u2205 nobody in scope"  # an id no agent or team has: an empty scope matches nothing (printable: it
# ends up as a SQL literal, where a NUL character ends the string)


def scoped_where(viewer: Viewer | None, by: list[str], where: dict[str, list[str]] | None) -> dict[str, list[str]]:
    where = {canonical(k): list(v) for k, v in (where or {}).items()}
    if viewer is None:  # trusted internal callers (the local CLI, benchmarks)
        return where
    viewer.require("view_kpis")
    if viewer.aggregates_only:
        personal = [d for d in [*by, *where] if canonical(d) in PERSONAL]
        if personal:
            raise Forbidden(f"a {viewer.role} sees aggregates, not per-{canonical(personal[0])} figures",
                            hint="group by team, queue, channel or time instead")
    if viewer.agent_ids is None:
        return where
    asked = where.get("agent")
    if asked is not None:
        outside = sorted(set(asked) - viewer.agent_ids)
        if outside:
            raise Forbidden(f"{viewer.username} may not see agent {outside[0]}",
                            hint="you can open your own data (agents) or your teams' agents (supervisors)")
    agents = sorted(viewer.agent_ids if asked is None else set(asked))
    scoped = {**where, "agent": agents or [NO_AGENT]}
    if viewer.role != "agent" and viewer.team_ids is not None:
        scoped["team"] = _teams(viewer, where.get("team"))
    return scoped


def _teams(viewer: Viewer, asked: list[str] | None) -> list[str]:
    """The viewer's teams, or those of them asked for: a team filter narrows the scope, never widens it (another
    team matches no row, as another agent's name in a list would be refused)."""
    assert viewer.team_ids is not None
    mine = viewer.team_ids if asked is None else viewer.team_ids & set(asked)
    return sorted(mine) or [NO_AGENT]
