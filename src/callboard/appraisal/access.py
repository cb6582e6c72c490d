"""Who may open, comment on and export an agent's appraisal packet.

Agents open their own packet (view only); supervisors their teams' agents, managers their site's and
admins everyone's, with comments and exports (capabilities `comment_appraisals`, `export_appraisals`).
QA analysts and planners are refused: an appraisal is a line-management document.
"""

from __future__ import annotations

from callboard.core.errors import Forbidden
from callboard.core.viewer import Viewer


def is_own(viewer: Viewer, agent_id: str) -> bool:
    return viewer.agent_id is not None and viewer.agent_id == agent_id


def require_view(viewer: Viewer, agent_id: str) -> None:
    """The agent themself, or a line manager (comment_appraisals) whose scope holds the agent."""
    if is_own(viewer, agent_id):
        return
    if not viewer.can("comment_appraisals"):
        if viewer.role == "agent":
            raise Forbidden(f"{viewer.username} may not see agent {agent_id}'s appraisal",
                            hint="you can open your own appraisal")
        raise Forbidden(f"a {viewer.role.replace('_', ' ')} cannot open appraisal packets",
                        hint="appraisals are for the agent, their supervisors, their site manager and admins")
    viewer.require_agent(agent_id)


def require_comment(viewer: Viewer, agent_id: str) -> None:
    viewer.require("comment_appraisals")
    viewer.require_agent(agent_id)


def require_export(viewer: Viewer, agent_id: str) -> None:
    viewer.require("export_appraisals")
    viewer.require_agent(agent_id)
