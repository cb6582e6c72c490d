"""A user's data scope: which teams, sites and agents their role lets them see."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callboard.core.viewer import Viewer
from callboard.store.appdb.models import Team, TeamMembership, TeamSupervisor, User, UserSite


def _agents_of(session: Session, team_ids: frozenset[str]) -> frozenset[str]:
    if not team_ids:
        return frozenset()
    rows = session.scalars(select(TeamMembership.agent_id).where(TeamMembership.team_id.in_(team_ids)))
    return frozenset(rows)


def _teams_of_sites(session: Session, site_ids: frozenset[str]) -> frozenset[str]:
    if not site_ids:
        return frozenset()
    return frozenset(session.scalars(select(Team.id).where(Team.site_id.in_(site_ids))))


def viewer_for(session: Session, user: User) -> Viewer:
    """Agents see themselves; supervisors the agents ever in their teams; managers their site; QA analysts
    their assigned sites; planners and admins everyone (planners only as aggregates).

    `agent_ids` lists everyone ever in the teams, so their pages open; which of their rows count is decided by
    the team at each row's time (metrics/access.py), and live views use the teams' members now
    (org/members_now.py)."""
    base = {"username": user.username, "role": user.role, "user_id": user.id, "display_name": user.display_name,
            "agent_id": user.agent_id}
    if user.role == "agent":
        own = frozenset({user.agent_id}) if user.agent_id else frozenset()
        teams = frozenset(session.scalars(select(TeamMembership.team_id).where(TeamMembership.agent_id == user.agent_id)))
        sites = frozenset(session.scalars(select(Team.site_id).where(Team.id.in_(teams)))) if teams else frozenset()
        return Viewer(**base, agent_ids=own, team_ids=teams, site_ids=sites)
    if user.role == "supervisor":
        teams = frozenset(session.scalars(select(TeamSupervisor.team_id).where(TeamSupervisor.user_id == user.id)))
        sites = frozenset(session.scalars(select(Team.site_id).where(Team.id.in_(teams)))) if teams else frozenset()
        return Viewer(**base, agent_ids=_agents_of(session, teams), team_ids=teams, site_ids=sites)
    if user.role in ("manager", "qa_analyst"):
        if user.role == "manager":
            sites = frozenset({user.site_id}) if user.site_id else frozenset()
        else:
            sites = frozenset(session.scalars(select(UserSite.site_id).where(UserSite.user_id == user.id)))
        teams = _teams_of_sites(session, sites)
        return Viewer(**base, agent_ids=_agents_of(session, teams), team_ids=teams, site_ids=sites)
    return Viewer(**base)  # planner, admin
