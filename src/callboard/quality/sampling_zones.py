"""Sampling periods in the agents' local time: "week of 2026-03-02" means the local days Monday 2 March to Sunday
8 March of the site the agent works at (their team's site, from the organisation settings' time zone per site,
mirrored into `sites.time_zone`). Agents with no team in the period, or a site without a zone, use UTC.
The analytics store keeps naive UTC instants, so each zone's local period becomes a UTC window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from callboard.core.timeutil import to_utc_naive, zone
from callboard.org.org import MembershipInfo
from callboard.store.appdb.engine import AppDb
from callboard.store.appdb.models import Site, Team

UTC = "UTC"
# Local midnight is never more than 14 hours from UTC midnight: read candidates a day either side, then filter.
MARGIN = dt.timedelta(days=1)


def utc_window(start: dt.date, end: dt.date, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    """Local days [start, end) in `tz_name` as a naive UTC window [lo, hi)."""
    tz = zone(tz_name)
    lo = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    hi = dt.datetime.combine(end, dt.time(), tzinfo=tz)
    return to_utc_naive(lo), to_utc_naive(hi)


def agent_zones(db: AppDb, memberships: Iterable[MembershipInfo], start: dt.date, end: dt.date) -> dict[str, str]:
    """Each agent's time zone in the period: the site of the team they joined last among the memberships that
    overlap the local days [start, end)."""
    with db.session() as s:
        site_of_team = {t.id: t.site_id for t in s.scalars(select(Team))}
        zone_of_site = {site.id: site.time_zone or UTC for site in s.scalars(select(Site))}
    lo, hi = dt.datetime.combine(start, dt.time()) - MARGIN, dt.datetime.combine(end, dt.time()) + MARGIN
    latest: dict[str, MembershipInfo] = {}
    for m in memberships:
        if m.valid_from < hi and (m.valid_to is None or m.valid_to > lo):
            if m.agent_id not in latest or m.valid_from >= latest[m.agent_id].valid_from:
                latest[m.agent_id] = m
    return {agent: zone_of_site.get(site_of_team.get(m.team_id, ""), UTC) for agent, m in latest.items()}
