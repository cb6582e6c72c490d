"""Sampling periods are the local days of each agent's site (organisation settings: time zone per site).

Site ny is in America/New_York (set through the organisation settings), site utc in UTC. The week of Monday
2026-03-02 in New York runs from Mon 2 Mar 00:00 EST (05:00 UTC) to Mon 9 Mar 00:00 EDT (04:00 UTC; daylight
saving starts on Sun 8 Mar). So for agent n1 (site ny):
  late   Sun 8 Mar 23:30 EDT = Mon 9 Mar 03:30 UTC  -> inside the local week (outside the UTC week)
  early  Sun 1 Mar 23:30 EST = Mon 2 Mar 04:30 UTC  -> outside the local week (inside the UTC week)
  mid    Wed 4 Mar 10:00 EST = 15:00 UTC             -> inside
and for agent u1 (site utc): Sun 8 Mar 23:30 UTC inside, Mon 9 Mar 00:30 UTC outside.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.core.settings import load_settings
from callboard.core.viewer import LOCAL_OWNER
from callboard.org.org import MembershipInfo
from callboard.quality.sampling_zones import utc_window
from callboard.runtime import Runtime, build_runtime
from tests.metrics.builders import Dataset

CONTACTS = {  # contact id -> (agent, UTC instant)
    "late": ("n1", dt.datetime(2026, 3, 9, 3, 30)),
    "early": ("n1", dt.datetime(2026, 3, 2, 4, 30)),
    "mid": ("n1", dt.datetime(2026, 3, 4, 15, 0)),
    "u-in": ("u1", dt.datetime(2026, 3, 8, 23, 30)),
    "u-out": ("u1", dt.datetime(2026, 3, 9, 0, 30)),
}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    data_dir: Path = tmp_path_factory.mktemp("sampling-tz")
    rt = build_runtime(load_settings(data_dir))
    ds = Dataset(source="tz")
    for cid, (agent, at) in CONTACTS.items():
        ds.contact(cid, at=at, customer_id=f"cust-{cid}")
        ds.segment(cid, agent, talk_s=120)
    rt.store.load(ds.batch())
    rt.org.add_site(LOCAL_OWNER, site_id="ny", name="New York")
    rt.org.add_site(LOCAL_OWNER, site_id="utc", name="London desk")
    rt.org.add_team(LOCAL_OWNER, team_id="tN", name="NY team", site_id="ny")
    rt.org.add_team(LOCAL_OWNER, team_id="tU", name="UTC team", site_id="utc")
    since = dt.datetime(2026, 1, 1)
    rt.org.add_memberships(LOCAL_OWNER, [MembershipInfo("n1", "tN", since, None), MembershipInfo("u1", "tU", since, None)])
    rt.org_settings.save(LOCAL_OWNER, {"site_time_zones": {"ny": "America/New_York", "utc": "UTC"}})
    try:
        yield rt
    finally:
        rt.close()


def test_local_week_as_a_utc_window() -> None:
    # EST is UTC-5 on Monday 2 March, EDT UTC-4 on Monday 9 March
    assert utc_window(dt.date(2026, 3, 2), dt.date(2026, 3, 9), "America/New_York") == (
        dt.datetime(2026, 3, 2, 5, 0), dt.datetime(2026, 3, 9, 4, 0))


def test_week_draw_uses_each_site_local_days(runtime: Runtime) -> None:
    sampling = runtime.sampling
    plan = sampling.create_plan(LOCAL_OWNER, name="Weekly, all", n_per_agent=5, period="week", evaluators=["admin"],
                                seed=3, spread=False)
    report = sampling.draw(LOCAL_OWNER, plan, dt.date(2026, 3, 8))  # the Sunday: still the week of 2 March
    assert (report.period_start, report.period_end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 9))
    drawn = {i.contact_id for i in sampling.items(LOCAL_OWNER, plan_id=plan, day=dt.date(2026, 3, 2))}
    # n1: late and mid (early is Sunday 1 March locally); u1: u-in only. Five per agent asked, so all that qualify.
    assert drawn == {"late", "mid", "u-in"}
    assert report.candidates == 3 and report.added == 3


def test_day_draw_on_the_daylight_saving_day(runtime: Runtime) -> None:
    # Sunday 8 March in New York is 23 hours long: 05:00 UTC on the 8th to 04:00 UTC on the 9th
    sampling = runtime.sampling
    plan = sampling.create_plan(LOCAL_OWNER, name="Daily", n_per_agent=2, period="day", evaluators=["admin"], seed=5,
                                spread=False)
    sampling.draw(LOCAL_OWNER, plan, dt.date(2026, 3, 8))
    drawn = {i.contact_id for i in sampling.items(LOCAL_OWNER, plan_id=plan, day=dt.date(2026, 3, 8))}
    # the weekly plan already took late and u-in (never the same contact twice), so the day has nothing new...
    assert drawn == set()
    fresh = sampling.create_plan(LOCAL_OWNER, name="Daily, fresh contacts", n_per_agent=2, period="day",
                                 evaluators=["admin"], seed=5, spread=False)
    report = sampling.draw(LOCAL_OWNER, fresh, dt.date(2026, 3, 9))
    # ...and Monday 9 March: u-out (00:30 UTC) for u1; nothing for n1 (late is Sunday in New York, and taken)
    assert {i.contact_id for i in sampling.items(LOCAL_OWNER, plan_id=fresh, day=dt.date(2026, 3, 9))} == {"u-out"}
    assert report.candidates == 1
