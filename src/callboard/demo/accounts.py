"""The demo's sign-ins: one user per role (password 'demo'), with the demo's sites, teams and memberships
in the app database. Idempotent: what exists already is left alone."""

from __future__ import annotations

import datetime as dt

import numpy as np

from callboard.core.viewer import LOCAL_OWNER
from callboard.demo.branch_pbx import branch_agents
from callboard.demo.org import SITES, TEAMS, DemoLogin, Org, build_org
from callboard.org.org import MembershipInfo, OrgService
from callboard.org.users import UserService


def demo_org(*, seed: int, first_day: dt.date, days: int, scale: float = 1.0) -> Org:
    """The organisation of a demo generated with these arguments (as generate_demo builds it)."""
    start = dt.datetime.combine(first_day, dt.time())
    return build_org(np.random.default_rng([seed, 1]), start=start, days=days, scale=scale)


def seed_demo_accounts(users: UserService, org_service: OrgService, org: Org) -> list[DemoLogin]:
    """Create sites, teams, memberships, the demo users and their scopes; returns the demo sign-ins."""
    owner = LOCAL_OWNER
    known_teams = {t.id for t in org_service.teams(owner)}
    for site in SITES:
        org_service.add_site(owner, site_id=site.site_id, name=site.name, time_zone=site.time_zone)
    for team in TEAMS:
        if team.team_id not in known_teams:
            org_service.add_team(owner, team_id=team.team_id, name=team.name, site_id=team.site_id)
    if not org_service.memberships():
        branch = [MembershipInfo(agent, team, since, None)
                  for agent, team, since in branch_agents(org.start.date())[1]]  # the Asterisk branch office
        org_service.add_memberships(owner, [MembershipInfo(m.agent_id, m.team_id, m.valid_from, m.valid_to)
                                            for m in org.memberships] + branch)
    existing = {u.username for u in users.users(owner)}
    names = {a.agent_id: a.display_name for a in org.agents}
    for login in org.logins:
        if login.username in existing:
            continue
        display = names.get(login.agent_id or "", login.username.replace(".", " ").title())
        site = SITES[0].site_id if login.role == "manager" else None
        users.create_user(owner, username=login.username, password=login.password, role=login.role,
                          display_name=display, agent_id=login.agent_id, site_id=site, allow_short_password=True)
        if login.role == "supervisor":
            for team_id in login.team_ids:
                org_service.set_supervisor(owner, username=login.username, team_id=team_id)
        if login.role == "qa_analyst":
            for site_ in SITES:
                org_service.assign_site(owner, username=login.username, site_id=site_.site_id)
    return list(org.logins)
