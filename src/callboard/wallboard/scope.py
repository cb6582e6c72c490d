"""Which queues and agents a wallboard covers, and whether the viewer may open it.

- A queue board covers the queue and the agents who serve it (answered it in the last 28 days, or
  are logged in to it now by the queue_log).
- A team board covers the team's members now and the queues they serve.
- The board of everything covers the queues and agents the viewer may see.

Supervisors see their teams' queues and agents, managers their site's; planners and admins every
queue (planners see agents only as counts per state, never one by one). A queue's figures are the
whole queue's, not only the viewer's agents' work: a wallboard watches the queue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from callboard.core.errors import Forbidden, InvalidInput
from callboard.core.viewer import Viewer
from callboard.org.members_now import agents_in_scope_at
from callboard.store.base import AnalyticsStore
from callboard.wallboard import data
from callboard.wallboard.queue_log import SOURCE, QueueLogLive


@dataclass(frozen=True)
class Scope:
    kind: str  # all | queue | team
    scope_id: str | None
    title: str
    queues: frozenset[str]
    agents: frozenset[str] | None  # None: every agent (unrestricted viewer on the board of everything)


@dataclass(frozen=True)
class Membership:
    """Queue membership now, by Callboard agent id (queue_log identities mapped through the identity map)."""

    by_agent: dict[str, frozenset[str]]

    @classmethod
    def from_queue_log(cls, store: AnalyticsStore, live: QueueLogLive) -> Membership:
        if not live.members:
            return cls({})
        mapped = data.identities_of(store, SOURCE)
        by_agent: dict[str, set[str]] = {}
        for identity, queues in live.members.items():
            by_agent.setdefault(mapped.get(identity, identity), set()).update(queues)
        return cls({a: frozenset(q) for a, q in by_agent.items()})

    def queues_of(self, agents: frozenset[str] | None) -> frozenset[str]:
        return frozenset(q for a, qs in self.by_agent.items() if agents is None or a in agents for q in qs)

    def agents_in(self, queues: frozenset[str]) -> frozenset[str]:
        return frozenset(a for a, qs in self.by_agent.items() if qs & queues)


def visible_queues(store: AnalyticsStore, viewer: Viewer, as_of: dt.datetime, membership: Membership,
                   waiting_queues: frozenset[str]) -> tuple[frozenset[str], bool]:
    """The queues the viewer may watch, and whether any other queue id is allowed too (unscoped viewers)."""
    if viewer.team_ids is None:
        everything = data.queues_seen(store, as_of, None) | membership.queues_of(None) | waiting_queues
        return everything, True
    agents = agents_in_scope_at(store, viewer, as_of) or frozenset()
    return data.queues_seen(store, as_of, agents) | membership.queues_of(agents), False


def _within(agents: frozenset[str], scope: frozenset[str] | None) -> frozenset[str]:
    return agents if scope is None else agents & scope


def resolve(store: AnalyticsStore, viewer: Viewer, *, queue_ids: list[str] | None, team_id: str | None,
            as_of: dt.datetime, membership: Membership, waiting_queues: frozenset[str]) -> Scope:
    viewer.require("view_wallboard")
    wanted = [q.strip() for q in queue_ids or [] if q.strip()]
    if wanted and team_id:
        raise InvalidInput("ask for queues or for a team, not both", hint="?queue=q1,q2 or ?team=t1")
    if team_id:
        viewer.require_team(team_id)
        members = data.members_at(store, team_id, as_of)
        queues = data.queues_seen(store, as_of, members) | membership.queues_of(members)
        return Scope("team", team_id, f"Team {team_id}", queues, _within(members, viewer.agent_ids))
    visible, open_ = visible_queues(store, viewer, as_of, membership, waiting_queues)
    if wanted:
        outside = sorted(set(wanted) - visible)
        if outside and not open_:
            raise Forbidden(f"{viewer.username} may not watch queue {outside[0]}",
                            hint="supervisors and managers watch the queues their teams serve")
        queues = frozenset(wanted)
        serving = data.agents_serving(store, queues, as_of) | membership.agents_in(queues)
        title = f"Queue {wanted[0]}" if len(wanted) == 1 else f"Queues {', '.join(sorted(queues))}"
        return Scope("queue", ",".join(sorted(queues)), title, queues,
                     _within(serving, agents_in_scope_at(store, viewer, as_of)))
    return Scope("all", None, "All queues", visible, agents_in_scope_at(store, viewer, as_of))
