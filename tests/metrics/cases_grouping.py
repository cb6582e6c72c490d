"""Dimensions and time by hand: queue, channel, team (effective-dated), flow-outs between queues,
days and intervals in the organisation's time zone, `--to` inclusive, and per-interval aggregates
(volume-weighted, §2.2).
"""

from __future__ import annotations

import datetime as dt

from tests.metrics.builders import T0, Dataset
from tests.metrics.harness import MetricCase, case

NY = {"time_zone": "America/New_York"}


def flow_between_queues() -> Dataset:
    """c1 enters q1 at T0, times out after 30 s (flowed_out), enters q2 and is answered after 5 s."""
    d = Dataset()
    d.contact("c1")
    d.entry("c1", queue="q1", outcome="flowed_out", wait_s=30)
    d.entry("c1", queue="q2", outcome="answered", wait_s=5, seq=1, at=T0 + dt.timedelta(seconds=30), agent="a1")
    d.segment("c1", "a1", queue="q2", talk_s=100, at=T0 + dt.timedelta(seconds=35))
    return d


def channels() -> Dataset:
    """voice v1 answered in 10 s; chats h1 in 50 s and h2 in 30 s."""
    d = Dataset()
    d.entry(d.contact("v1", channel="voice"), wait_s=10)
    d.entry(d.contact("h1", channel="chat"), wait_s=50)
    d.entry(d.contact("h2", channel="chat"), wait_s=30)
    return d


def team_change() -> Dataset:
    """a1 is in T1 until 2026-03-03 00:00 and in T2 from then; a2 in T1 throughout; a3 in no team.
    Segments (handle s, ACW end): a1 100 on 03-02 10:00; a1 120 ending exactly 03-03 00:00:00; a1 200 on
    03-04; a2 400 on 03-02; a3 60 on 03-02."""
    d = Dataset()
    d.membership("a1", "T1", valid_from=dt.datetime(2026, 1, 1), valid_to=dt.datetime(2026, 3, 3))
    d.membership("a1", "T2", valid_from=dt.datetime(2026, 3, 3))
    d.membership("a2", "T1", valid_from=dt.datetime(2026, 1, 1))
    for cid, agent, at, talk in [
        ("c1", "a1", dt.datetime(2026, 3, 2, 9, 58, 20), 100),
        ("c2", "a1", dt.datetime(2026, 3, 2, 23, 58), 120),
        ("c3", "a1", dt.datetime(2026, 3, 4, 9, 0), 200),
        ("c4", "a2", dt.datetime(2026, 3, 2, 9, 0), 400),
        ("c5", "a3", dt.datetime(2026, 3, 2, 9, 0), 60),
    ]:
        d.contact(cid, at=at)
        d.segment(cid, agent, talk_s=talk)
    return d


def new_york_days() -> Dataset:
    """Arrivals (UTC): 03-02 12:00, 03-03 03:30, 03-03 05:00 (= 00:00 EST), 03-09 03:30 (after the 03-08 DST
    change: 23:30 EDT on 03-08), 03-09 04:00 (00:00 EDT on 03-09)."""
    d = Dataset()
    for cid, at in [("c1", dt.datetime(2026, 3, 2, 12, 0)), ("c2", dt.datetime(2026, 3, 3, 3, 30)),
                    ("c3", dt.datetime(2026, 3, 3, 5, 0)), ("c4", dt.datetime(2026, 3, 9, 3, 30)),
                    ("c5", dt.datetime(2026, 3, 9, 4, 0))]:
        d.entry(d.contact(cid, at=at), wait_s=0)
    return d


def period_edges() -> Dataset:
    """Arrivals (UTC) around the New York day 2026-03-02 (05:00 UTC to 05:00 UTC next day, EST) and the UTC
    day: 03-02 04:59:59, 03-02 05:00:00, 03-02 23:59:59.999, 03-03 04:59:59, 03-03 05:00:00."""
    d = Dataset()
    for cid, at in [("c1", dt.datetime(2026, 3, 2, 4, 59, 59)), ("c2", dt.datetime(2026, 3, 2, 5, 0)),
                    ("c3", dt.datetime(2026, 3, 2, 23, 59, 59, 999000)), ("c4", dt.datetime(2026, 3, 3, 4, 59, 59)),
                    ("c5", dt.datetime(2026, 3, 3, 5, 0))]:
        d.entry(d.contact(cid, at=at), wait_s=0)
    return d


def half_hours() -> Dataset:
    """Queued at 09:00:00, 09:29:59.999, 09:30:00, 09:59:59 UTC; the 09:30 one waited 25 s."""
    d = Dataset()
    for cid, at, wait in [("c1", T0, 0), ("c2", T0 + dt.timedelta(minutes=29, seconds=59, milliseconds=999), 0),
                          ("c3", T0 + dt.timedelta(minutes=30), 25), ("c4", T0 + dt.timedelta(minutes=59, seconds=59), 0)]:
        d.entry(d.contact(cid, at=at), wait_s=wait)
    return d


def weeks_and_months() -> Dataset:
    """Arrivals (UTC): Mon 03-02 09:00, Sun 03-08 20:00, Mon 03-09 09:00, 03-31 12:00, 04-01 03:00
    (= 03-31 23:00 in New York)."""
    d = Dataset()
    for cid, at in [("c1", T0), ("c2", dt.datetime(2026, 3, 8, 20)), ("c3", dt.datetime(2026, 3, 9, 9)),
                    ("c4", dt.datetime(2026, 3, 31, 12)), ("c5", dt.datetime(2026, 4, 1, 3))]:
        d.entry(d.contact(cid, at=at), wait_s=0)
    return d


def interval_aggregates() -> Dataset:
    """Three 30-min rows from a source that exports only aggregates:
    i1 09:00 offered 10, answered 10, abandoned 0, within 10 (T 20), answered wait 50 s total, handled 10, handle 1800 s;
    i2 09:30 offered 100, answered 100, abandoned 0, within 90, answered wait 2000 s, handled unknown, handle 24000 s;
    i3 10:00 offered 20, answered 15, abandoned 5, no SL, no wait, no handle time."""
    d = Dataset(source="aggregates")
    d.interval_stat("i1", at=T0, offered=10, answered=10, abandoned=0, answered_within=10, threshold_s=20,
                    wait_answered_s=50, handled=10, handle_s=1800)
    d.interval_stat("i2", at=T0 + dt.timedelta(minutes=30), offered=100, answered=100, abandoned=0, answered_within=90,
                    threshold_s=20, wait_answered_s=2000, handled=None, handle_s=24000)
    d.interval_stat("i3", at=T0 + dt.timedelta(minutes=60), offered=20, answered=15, abandoned=5)
    return d


CASES: list[MetricCase] = [
    case("dims.flow_out_between_queues", flow_between_queues, ["offered", "flowed_out", "service_level", "asa_s"],
         [{"queue": "q1", "offered": 1, "flowed_out": 1, "service_level": 0.0, "asa_s": None},
          {"queue": "q2", "offered": 1, "flowed_out": 0, "service_level": 1.0, "asa_s": 5.0}],
         "a queue-to-queue move before answer is flowed_out at q1 (fails SL there: 0/1) and a new entry at q2, "
         "answered in 5 s (1/1, ASA 5 s in the queue that answered)",
         by="queue"),
    case("dims.flow_out_total", flow_between_queues, ["offered", "service_level"],
         {"offered": 2, "service_level": 1 / 2}, "two entries: 1 within / (answered 1 + flowed_out 1) = 1/2"),
    case("dims.channel", channels, ["offered", "service_level", "asa_s"],
         [{"channel": "voice", "offered": 1, "service_level": 1.0, "asa_s": 10.0},
          {"channel": "chat", "offered": 2, "service_level": 0.0, "asa_s": 40.0}],
         "voice: 10 s <= 20 -> 1/1; chat: 50 and 30 s -> 0/2, ASA (50 + 30) / 2 = 40 s",
         by="channel"),
    case("dims.team_effective_dated", team_change, ["handled", "aht_s"],
         [{"team": "T1", "handled": 2, "aht_s": (100 + 400) / 2},
          {"team": "T2", "handled": 2, "aht_s": (120 + 200) / 2},
          {"team": None, "handled": 1, "aht_s": 60.0}],
         "a1's 03-02 call stays with T1 (old team) with a2's: (100 + 400) / 2 = 250; the call whose ACW ends at "
         "exactly 03-03 00:00 (valid_from inclusive, valid_to exclusive) and the 03-04 call go to T2: "
         "(120 + 200) / 2 = 160; a3 has no team -> NULL team",
         by="team"),
    case("time.day_new_york", new_york_days, "offered",
         [{"day": "2026-03-02", "offered": 2}, {"day": "2026-03-03", "offered": 1},
          {"day": "2026-03-08", "offered": 1}, {"day": "2026-03-09", "offered": 1}],
         "EST = UTC-5: 03-03 03:30 UTC is 03-02 22:30 (previous local day), 05:00 UTC is 03-03 00:00; after the "
         "DST change EDT = UTC-4: 03-09 03:30 UTC is 03-08 23:30, 04:00 UTC is 03-09 00:00",
         by="day", settings=NY),
    case("time.day_utc", new_york_days, "offered",
         [{"day": "2026-03-02", "offered": 1}, {"day": "2026-03-03", "offered": 2}, {"day": "2026-03-09", "offered": 2}],
         "the same arrivals by UTC day", by="day"),
    case("time.to_inclusive_new_york", period_edges, "offered", 3,
         "--from 2026-03-02 --to 2026-03-02 in New York = [03-02 05:00, 03-03 05:00) UTC: c2 (05:00:00), "
         "c3 (23:59:59.999) and c4 (03-03 04:59:59) are in; c1 (04:59:59, still 03-01 locally) and c5 are out",
         settings=NY, from_date="2026-03-02", to_date="2026-03-02"),
    case("time.to_inclusive_utc", period_edges, "offered", 3,
         "--to 2026-03-02 includes the whole UTC day: c1 (04:59:59), c2 (05:00), c3 (23:59:59.999); "
         "c4 and c5 are on 03-03",
         from_date="2026-03-02", to_date="2026-03-02"),
    case("time.to_only", period_edges, "offered", 3,
         "--to alone: everything up to the end of 03-02 UTC (c1, c2, c3)", to_date="2026-03-02"),
    case("time.interval_30", half_hours, ["offered", "service_level"],
         [{"interval_30": "2026-03-02T09:00", "offered": 2, "service_level": 1.0},
          {"interval_30": "2026-03-02T09:30", "offered": 2, "service_level": 1 / 2}],
         "09:29:59.999 is still in 09:00; 09:30:00 starts the next bucket; the 25 s wait fails there: 1/2",
         by="interval_30"),
    case("time.interval_30_new_york", half_hours, "offered",
         [{"interval_30": "2026-03-02T04:00", "offered": 2}, {"interval_30": "2026-03-02T04:30", "offered": 2}],
         "buckets are local: 09:00 UTC = 04:00 EST", by="interval_30", settings=NY),
    case("time.interval_30_kathmandu", half_hours, "offered",
         [{"interval_30": "2026-03-02T14:30", "offered": 1}, {"interval_30": "2026-03-02T15:00", "offered": 2},
          {"interval_30": "2026-03-02T15:30", "offered": 1}],
         "UTC+05:45: 09:00 -> 14:45 (bucket 14:30); 09:29:59.999 -> 15:14:59.999 and 09:30 -> 15:15 (both 15:00); "
         "09:59:59 -> 15:44:59 (15:30)",
         by="interval_30", settings={"time_zone": "Asia/Kathmandu"}),
    case("time.interval_60_and_hour", half_hours, ["offered"],
         [{"interval_60": "2026-03-02T09:00", "hour": "2026-03-02T09:00", "offered": 4}],
         "all four arrivals are in the 09:00 hour", by=["interval_60", "hour"]),
    case("time.week_month_new_york", weeks_and_months, "offered",
         [{"week": "2026-03-02", "month": "2026-03-01", "offered": 2},
          {"week": "2026-03-09", "month": "2026-03-01", "offered": 1},
          {"week": "2026-03-30", "month": "2026-03-01", "offered": 2}],
         "weeks start on Monday: Mon 03-02 and Sun 03-08 -> 03-02; Mon 03-09 -> 03-09; 03-31 and 04-01 03:00 UTC "
         "(03-31 23:00 EDT) -> week 03-30, month March",
         by=["week", "month"], settings=NY),
    # -- per-interval aggregates: ratio of sums (§2.2) -------------------------------------------------
    case("interval.volume_weighted_sl", interval_aggregates, "interval.service_level", 100 / 110,
         "within 10 + 90 = 100 / (answered + abandoned) 10 + 100 = 110 -> 90.91%, not the mean of 100% and 90% "
         "(95%); i3 reports no SL and is left out of both sums"),
    case("interval.counts", interval_aggregates, ["interval.offered", "interval.answered", "interval.abandoned"],
         {"interval.offered": 130, "interval.answered": 125, "interval.abandoned": 5},
         "offered 10 + 100 + 20; answered 10 + 100 + 15; abandoned 0 + 0 + 5"),
    case("interval.abandon_rate", interval_aggregates, "interval.abandon_rate", 5 / 130, "abandoned 5 / offered 130"),
    case("interval.asa", interval_aggregates, "interval.asa", (50 + 2000) / 110,
         "total answered wait (50 + 2000) s / answered with a wait 110 = 18.64 s, not mean(5, 20) = 12.5; i3 has "
         "no wait and is left out"),
    case("interval.aht", interval_aggregates, "interval.aht", (1800 + 24000) / 110,
         "handle (1800 + 24000) s / handled (10 + i2's answered 100, handled unknown) = 234.55 s; i3 no handle time"),
    case("interval.by_interval", interval_aggregates, ["interval.service_level", "interval.offered"],
         [{"interval_30": "2026-03-02T09:00", "interval.service_level": 1.0, "interval.offered": 10},
          {"interval_30": "2026-03-02T09:30", "interval.service_level": 0.9, "interval.offered": 100},
          {"interval_30": "2026-03-02T10:00", "interval.service_level": None, "interval.offered": 20}],
         "per interval: 10/10, 90/100, and NULL where the source reports no SL", by="interval_30"),
]
