"""What a viewer may ask of the KPI service: their agents' rows only; planners only aggregates.

An agent or supervisor query is restricted to rows of the agents in their scope (own data, their
teams' agents), so a queue's figures for a supervisor cover their agents' work on that queue.
"""

from __future__ import annotations

from callboard.core.errors import Forbidden
from callboard.core.viewer import Viewer
from callboard.metrics.dimensions import canonical

PERSONAL = ("agent", "contact")
NO_AGENT = "\x00none"  # an id no agent has: an empty scope matches nothing


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
    return {**where, "agent": agents or [NO_AGENT]}
