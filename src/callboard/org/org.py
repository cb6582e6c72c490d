"""Sites, teams, effective-dated team membership, supervisors and site assignments.

Membership lives in the app database and is mirrored to the analytics store's `team_memberships`,
so KPIs by team keep each contact with the team the agent was in at the time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import select

from callboard.core.errors import InvalidInput, NotFound
from callboard.core.viewer import Viewer
from callboard.org import audit
from callboard.records.schemas import TEAM_MEMBERSHIPS
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.models import Site, Team, TeamMembership, TeamSupervisor, User, UserSite
from callboard.store.base import AnalyticsStore


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name: str
    site_id: str
    site_name: str


@dataclass(frozen=True)
class MembershipInfo:
    agent_id: str
    team_id: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None


class OrgService:
    def __init__(self, db: AppDb, store: AnalyticsStore) -> None:
        self.db = db
        self.store = store

    def add_site(self, viewer: Viewer, *, site_id: str, name: str, time_zone: str = "UTC") -> None:
        viewer.require("manage_users")
        with self.db.session() as s:
            s.merge(Site(id=site_id, name=name, time_zone=time_zone))
            audit.record(s, actor=viewer.username, action="upsert", entity="site", entity_id=site_id,
                         after={"name": name, "time_zone": time_zone})

    def add_team(self, viewer: Viewer, *, team_id: str, name: str, site_id: str) -> None:
        viewer.require("manage_users")
        with self.db.session() as s:
            if s.get(Site, site_id) is None:
                raise NotFound(f"no site '{site_id}'", hint="add the site first")
            s.merge(Team(id=team_id, name=name, site_id=site_id))
            audit.record(s, actor=viewer.username, action="upsert", entity="team", entity_id=team_id,
                         after={"name": name, "site_id": site_id})

    def teams(self, viewer: Viewer) -> list[TeamInfo]:
        with self.db.session() as s:
            rows = s.execute(select(Team, Site).join(Site, Team.site_id == Site.id).order_by(Team.name)).all()
            return [TeamInfo(t.id, t.name, t.site_id, site.name) for t, site in rows if viewer.sees_team(t.id)]

    def move_agent(self, viewer: Viewer, *, agent_id: str, team_id: str, valid_from: dt.datetime) -> None:
        """Put the agent in `team_id` from `valid_from`; the open membership before it ends there."""
        viewer.require("manage_users")
        with self.db.session() as s:
            if s.get(Team, team_id) is None:
                raise NotFound(f"no team '{team_id}'")
            current = s.scalars(select(TeamMembership).where(
                TeamMembership.agent_id == agent_id, TeamMembership.valid_to.is_(None))).all()
            for row in current:
                if row.valid_from >= valid_from:
                    raise InvalidInput(f"{agent_id} joined {row.team_id} on {row.valid_from:%Y-%m-%d}",
                                       hint="a move must start after the current membership began")
                row.valid_to = valid_from
            s.add(TeamMembership(agent_id=agent_id, team_id=team_id, valid_from=valid_from, valid_to=None))
            audit.record(s, actor=viewer.username, action="update", entity="membership", entity_id=agent_id,
                         before={"teams": [r.team_id for r in current]},
                         after={"team_id": team_id, "valid_from": valid_from.isoformat()})
        self.mirror_memberships()

    def add_memberships(self, viewer: Viewer, rows: list[MembershipInfo]) -> None:
        """Bulk-load memberships (the demo, an HR import)."""
        viewer.require("manage_users")
        with self.db.session() as s:
            for r in rows:
                s.add(TeamMembership(agent_id=r.agent_id, team_id=r.team_id, valid_from=r.valid_from,
                                     valid_to=r.valid_to))
            audit.record(s, actor=viewer.username, action="import", entity="membership", entity_id=f"{len(rows)} rows")
        self.mirror_memberships()

    def memberships(self) -> list[MembershipInfo]:
        with self.db.session() as s:
            return [MembershipInfo(m.agent_id, m.team_id, m.valid_from, m.valid_to)
                    for m in s.scalars(select(TeamMembership).order_by(TeamMembership.agent_id, TeamMembership.valid_from))]

    def set_supervisor(self, viewer: Viewer, *, username: str, team_id: str) -> None:
        viewer.require("manage_users")
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None or s.get(Team, team_id) is None:
                raise NotFound(f"no user '{username}' or team '{team_id}'")
            s.merge(TeamSupervisor(user_id=user.id, team_id=team_id))
            audit.record(s, actor=viewer.username, action="create", entity="supervision", entity_id=username,
                         after={"team_id": team_id})

    def assign_site(self, viewer: Viewer, *, username: str, site_id: str) -> None:
        viewer.require("manage_users")
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None or s.get(Site, site_id) is None:
                raise NotFound(f"no user '{username}' or site '{site_id}'")
            s.merge(UserSite(user_id=user.id, site_id=site_id))
            audit.record(s, actor=viewer.username, action="create", entity="site_assignment", entity_id=username,
                         after={"site_id": site_id})

    def mirror_memberships(self) -> None:
        """Replace the analytics store's team_memberships with the app database's."""
        rows = self.memberships()
        table = pa.table({
            "agent_id": [r.agent_id for r in rows], "team_id": [r.team_id for r in rows],
            "valid_from": [r.valid_from for r in rows], "valid_to": [r.valid_to for r in rows],
        }, schema=TEAM_MEMBERSHIPS)
        self.store.replace_table("team_memberships", table)
