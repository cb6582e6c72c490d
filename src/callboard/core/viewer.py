"""Who is asking: the signed-in user's role and scope, handed to every service call.

Services decide what a viewer may see (DESIGN: permission rules live in the service); the web and
CLI only pass the viewer along. `agent_ids` is the set of agents whose rows the viewer may see, or
None for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from callboard.core.errors import Forbidden

ROLES = ("agent", "supervisor", "qa_analyst", "planner", "manager", "admin")

# What each role may do. Data scope (which agents) is separate: see Viewer.agent_ids.
CAPABILITIES: dict[str, frozenset[str]] = {
    "agent": frozenset({"view_kpis", "view_agent_detail", "view_contacts", "view_goals", "view_scorecards",
                        "view_evaluations", "view_appraisals", "view_schedules"}),
    "supervisor": frozenset({"view_schedules", "view_forecasts", "view_kpis", "view_teams", "view_agent_detail", "view_contacts", "view_goals", "manage_goals",
                             "view_scorecards", "view_evaluations", "view_wallboard", "comment_appraisals",
                             "export_appraisals", "view_appraisals"}),
    "qa_analyst": frozenset({"view_kpis", "view_teams", "view_agent_detail", "view_contacts", "view_evaluations",
                             "manage_evaluations", "view_scorecards"}),
    "planner": frozenset({"view_forecasts", "manage_forecasts", "view_kpis", "view_teams", "view_wallboard", "view_schedules", "manage_schedules"}),
    "manager": frozenset({"view_forecasts", "view_kpis", "view_teams", "view_agent_detail", "view_contacts", "view_goals", "manage_goals",
                          "view_scorecards", "manage_scorecards", "view_evaluations", "view_wallboard",
                          "comment_appraisals", "export_appraisals", "view_appraisals", "view_schedules"}),
    "admin": frozenset({"view_forecasts", "manage_forecasts", "view_kpis", "view_teams", "view_agent_detail", "view_contacts", "view_goals", "manage_goals",
                        "view_scorecards", "manage_scorecards", "view_evaluations", "manage_evaluations",
                        "view_wallboard", "comment_appraisals", "export_appraisals", "view_appraisals", "view_schedules",
                        "manage_schedules", "manage_users", "manage_settings", "view_audit", "ingest"}),
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in user. `agent_ids`/`team_ids`/`site_ids` None means unrestricted."""

    username: str
    role: str
    user_id: int | None = None
    display_name: str = ""
    agent_id: str | None = None  # the agent this user is, for the agent role
    agent_ids: frozenset[str] | None = None
    team_ids: frozenset[str] | None = None
    site_ids: frozenset[str] | None = None

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.role, frozenset())

    def require(self, capability: str) -> None:
        if not self.can(capability):
            role = self.role.replace("_", " ")
            article = "an" if role[:1] in "aeiou" else "a"
            raise Forbidden(f"{article} {role} cannot {capability.replace('_', ' ')}",
                            hint="ask an administrator if you need this")

    def sees_agent(self, agent_id: str) -> bool:
        return self.agent_ids is None or agent_id in self.agent_ids

    def require_agent(self, agent_id: str) -> None:
        if not self.sees_agent(agent_id):
            raise Forbidden(f"{self.username} may not see agent {agent_id}",
                            hint="you can open your own data (agents) or your teams' (supervisors)")

    def sees_team(self, team_id: str) -> bool:
        return self.team_ids is None or team_id in self.team_ids

    def require_team(self, team_id: str) -> None:
        if not self.sees_team(team_id):
            raise Forbidden(f"{self.username} may not see team {team_id}", hint="pick one of your teams")

    @property
    def aggregates_only(self) -> bool:
        """Planners see queues, channels, teams and intervals, never one agent's or contact's rows."""
        return not self.can("view_agent_detail")


# The local owner of the data directory (the CLI on the same machine): everything.
LOCAL_OWNER = Viewer(username="local-cli", role="admin")
