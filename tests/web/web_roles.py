"""The sample contact center with an organisation and one user per role, for access tests.

Sites: north (Team Aurora, Team Borealis), south (Team Cirrus). Users (password "role-password"):
admin; sup (supervises Team Aurora: ana, ben, carla, dev); ana (agent); manager (site north);
qa (QA analyst, site south); planner.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.runtime import Runtime
from tests.web.web_sample_data import FIRST_DAY, TEAMS

PASSWORD = "role-password"
USERS = {"agent": "ana", "supervisor": "sup", "qa_analyst": "qa", "planner": "planner", "manager": "manager",
         "admin": "root"}
SITE_OF_TEAM = {"Team Aurora": "north", "Team Borealis": "north", "Team Cirrus": "south"}
# For each role: an agent inside its scope and one outside (None: the role sees no agent rows at all).
IN_SCOPE_AGENT = {"agent": "ana", "supervisor": "ben", "qa_analyst": "ivo", "planner": None, "manager": "eli",
                  "admin": "kai"}
OUT_OF_SCOPE_AGENT = {"agent": "ben", "supervisor": "eli", "qa_analyst": "ana", "manager": "ivo"}
IN_SCOPE_TEAM = {"agent": "Team Aurora", "supervisor": "Team Aurora", "qa_analyst": "Team Cirrus",
                 "planner": "Team Aurora", "manager": "Team Borealis", "admin": "Team Cirrus"}
OUT_OF_SCOPE_TEAM = {"agent": "Team Cirrus", "supervisor": "Team Borealis", "qa_analyst": "Team Aurora",
                     "manager": "Team Cirrus"}


def add_roles(runtime: Runtime) -> None:
    org, users = runtime.org, runtime.users
    org.add_site(LOCAL_OWNER, site_id="north", name="North")
    org.add_site(LOCAL_OWNER, site_id="south", name="South")
    since = dt.datetime.combine(FIRST_DAY, dt.time()) - dt.timedelta(days=30)
    for team, members in TEAMS.items():
        org.add_team(LOCAL_OWNER, team_id=team, name=team, site_id=SITE_OF_TEAM[team])
    org.add_memberships(LOCAL_OWNER, [MembershipInfo(a, team, since, None) for team, members in TEAMS.items()
                                      for a in members])
    for role, username in USERS.items():
        users.create_user(LOCAL_OWNER, username=username, password=PASSWORD, role=role,
                          agent_id="ana" if role == "agent" else None,
                          site_id="north" if role == "manager" else None)
    org.set_supervisor(LOCAL_OWNER, username="sup", team_id="Team Aurora")
    org.assign_site(LOCAL_OWNER, username="qa", site_id="south")


def fill_roles_data_dir(data_dir: Path) -> Path:
    from callboard.core.settings import load_settings
    from callboard.runtime import build_runtime
    from tests.web.web_sample_data import fill_data_dir

    fill_data_dir(data_dir)
    with build_runtime(load_settings(data_dir)) as runtime:
        add_roles(runtime)
    return data_dir
