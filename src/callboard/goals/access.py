"""Who may see and set which goals (the rules live here, not in the web layer).

Set (create, edit, archive; capability `manage_goals`): supervisors for their teams and those teams'
agents, managers for their site's teams and agents, admins everything. Queue and channel goals are
organisation-wide, so only a viewer with an unrestricted scope (admins) sets them.
Read (`view_goals`): agents their own goals and their teams' goals; supervisors and managers the goals of
the teams and agents they may set, plus queue and channel goals (queue-wide aggregates, as the wallboard
shows them); admins everything. QA analysts and planners have no goals capability.
"""

from __future__ import annotations

from callboard.core.errors import Forbidden
from callboard.core.viewer import Viewer


def _in_scope(viewer: Viewer, kind: str, scope_id: str) -> bool:
    if kind == "agent":
        return viewer.sees_agent(scope_id)
    if kind == "team":
        return viewer.sees_team(scope_id)
    return viewer.team_ids is None and viewer.agent_ids is None  # queue/channel: unrestricted viewers


def can_view(viewer: Viewer, kind: str, scope_id: str) -> bool:
    if not viewer.can("view_goals"):
        return False
    if kind in ("queue", "channel"):
        return viewer.can("manage_goals")
    return _in_scope(viewer, kind, scope_id)


def can_manage(viewer: Viewer, kind: str, scope_id: str) -> bool:
    return viewer.can("manage_goals") and _in_scope(viewer, kind, scope_id)


def require_view(viewer: Viewer, kind: str, scope_id: str) -> None:
    viewer.require("view_goals")
    if not can_view(viewer, kind, scope_id):
        raise Forbidden(f"{viewer.username} may not see goals of {kind} {scope_id}",
                        hint="agents see their own and their teams' goals; supervisors their teams'")


def require_manage(viewer: Viewer, kind: str, scope_id: str) -> None:
    viewer.require("manage_goals")
    if not can_manage(viewer, kind, scope_id):
        who = {"queue": "an administrator", "channel": "an administrator"}.get(kind, "their supervisor or manager")
        raise Forbidden(f"{viewer.username} may not set goals for {kind} {scope_id}",
                        hint=f"goals for this {kind} are set by {who}")
