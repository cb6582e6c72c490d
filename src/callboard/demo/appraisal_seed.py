"""Demo supervisor comments, so the appraisal packets of the demo's story agents open populated.

`seed_demo_comments(runtime)` writes one comment per story agent (a005 the star, a020 the struggler,
a029 the new hire, a012 the team changer) on the month holding the demo's last day (the appraisal
page's default, where the demo goals are too), signed by the agent's supervisor. Idempotent: an agent who already has a comment on that month gets none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from callboard.appraisal.period import AppraisalPeriod, month
from callboard.core.errors import CallboardError

# (agent, supervisor username, comment): the same stories the demo's data tells.
COMMENTS: tuple[tuple[str, str, str], ...] = (
    ("a005", "sup.care", "An excellent month so far: the best CSAT on the team with a short handle time and very "
                         "few transfers. Next: share your call structure with the two newest agents."),
    ("a020", "sup.tech", "Repeat contacts and transfers are still well above the team. We agreed on a weekly "
                         "side-by-side session and a checklist for the top three fault types."),
    ("a029", "sup.sales", "A strong start: handle time is coming down week by week as product knowledge grows. "
                          "Keep asking for call reviews."),
    ("a012", "sup.tech", "Settled well into Tech Support after the move from Customer Care; first contact "
                         "resolution is close to the team already."),
)


class DemoRuntime(Protocol):
    """The parts of callboard.runtime.Runtime the seeding uses."""

    @property
    def users(self) -> Any: ...

    @property
    def appraisal(self) -> Any: ...

    @property
    def kpi(self) -> Any: ...


def demo_comment_period(runtime: DemoRuntime) -> AppraisalPeriod:
    """The month holding the last day of the loaded data (the appraisal page's default period)."""
    result = runtime.kpi.query(metrics=["handled"], by=["day"])
    days = [dt.date.fromisoformat(str(r["day"])[:10]) for r in result.rows if r.get("day") and r.get("handled")]
    last = max(days) if days else dt.date.today()
    return month(last.year, last.month)


def seed_demo_comments(runtime: DemoRuntime) -> int:
    """Add the demo comments that are missing; returns how many were added."""
    period = demo_comment_period(runtime)
    added = 0
    for agent_id, supervisor, text in COMMENTS:
        try:
            viewer = runtime.users.viewer(supervisor)
            if not viewer.sees_agent(agent_id):
                continue  # a smaller demo (--scale) may not have this agent in that team
            if runtime.appraisal.comments(viewer, agent_id=agent_id, period=period):
                continue
            runtime.appraisal.add_comment(viewer, agent_id=agent_id, period=period, text=text)
            added += 1
        except CallboardError:
            continue  # the supervisor or the agent is missing from this demo: leave that packet uncommented
    return added
