"""A small generated demo for the browser journeys: the demo generator at a reduced scale, loaded with the
demo's sign-ins (password 'demo') and its goals, scorecards and appraisal comments, so every page opens populated.

Besides the demo's users it adds `qa.lis`, a QA analyst assigned to the Lisbon site only (the demo's `qa` sees
both sites), so a journey can check that a QA analyst sees only the contacts of the assigned site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.runtime import build_runtime

PASSWORD = "demo"
QA_ONE_SITE = "qa.lis"
QA_SITE = "s_lis"


@dataclass(frozen=True)
class JourneyData:
    data_dir: Path
    first_day: dt.date
    last_day: dt.date
    agent_ids: tuple[str, ...]
    agent_team: dict[str, str]  # agent -> team at the end of the data
    agent_names: dict[str, str]
    team_site: dict[str, str]
    logins: dict[str, str]  # username -> role
    agent_logins: tuple[str, ...]  # usernames of the demo's agent sign-ins (they are agent ids)


def build_journey_data(data_dir: Path, *, scale: float = 0.3, seed: int = 7, end_date: dt.date | None = None,
                       history_days: int = 28) -> JourneyData:
    """Generate, load and seed the demo into `data_dir`; returns what the journeys need to know about it.

    Like `callboard demo`, the data ends yesterday by default: goal progress and the goals page measure to
    yesterday, so a demo ending on a fixed date would show no current goals. It starts `history_days` before the
    month holding its last day: the demo goals take their targets from the weeks before the month starts (a goal
    without history is not seeded), the appraisal compares with the previous month."""
    from callboard.demo import generate_demo, load_demo
    from callboard.demo.accounts import seed_demo_accounts
    from callboard.demo.appraisal_seed import seed_demo_comments
    from callboard.demo.goals_seed import seed_demo_goals
    from callboard.demo.scorecards_seed import seed_demo_scorecards

    from callboard.demo.generator import default_end_date

    data_dir.mkdir(parents=True, exist_ok=True)
    end = end_date or default_end_date()
    days = end.day + history_days
    data = generate_demo(seed=seed, days=days, end_date=end, scale=scale)
    with build_runtime(load_settings(data_dir)) as runtime:
        load_demo(runtime.store, data)
        logins = seed_demo_accounts(runtime.users, runtime.org, data.org)
        runtime.users.create_user(LOCAL_OWNER, username=QA_ONE_SITE, password=PASSWORD, role="qa_analyst",
                                  display_name="QA Lisbon", allow_short_password=True)
        runtime.org.assign_site(LOCAL_OWNER, username=QA_ONE_SITE, site_id=QA_SITE)
        seed_demo_goals(runtime)
        seed_demo_scorecards(runtime)
        seed_demo_comments(runtime)
    org = data.org
    last = org.start + dt.timedelta(days=days - 1)
    team_at_end = {a.agent_id: a.team_id for a in org.agents}
    for m in org.memberships:  # the effective-dated membership holding the last day wins
        instant = dt.datetime.combine(last.date(), dt.time(12))
        if m.valid_from <= instant and (m.valid_to is None or instant < m.valid_to):
            team_at_end[m.agent_id] = m.team_id
    return JourneyData(
        data_dir=data_dir, first_day=org.start.date(), last_day=last.date(),
        agent_ids=tuple(a.agent_id for a in org.agents), agent_team=team_at_end,
        agent_names={a.agent_id: a.display_name for a in org.agents},
        team_site={t.team_id: t.site_id for t in org.teams},
        logins={**{login.username: login.role for login in logins}, QA_ONE_SITE: "qa_analyst"},
        agent_logins=tuple(login.username for login in logins if login.role == "agent"),
    )
