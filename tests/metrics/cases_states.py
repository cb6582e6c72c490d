"""Occupancy, utilization and interactions per hour by hand (§10, §7), from agent state time.

`shift()`: agent a1 from 09:00 UTC, consecutive states (minutes):

    available 10, connecting 2, on_contact 20, acw 5, aux paid (break) 15, aux unpaid (lunch) 30, error 3,
    available 5, offline 60

busy (on_contact + acw) 25; idle (available + error) 18; connecting 2; on-queue (available + connecting +
on_contact + acw) 42; staffed (on-queue + error) 45; paid aux 15; paid (staffed + paid aux) 60; online
(all but offline) 90. a1 handled 3 segments of 300 s talk + 60 s hold + 100 s ACW (23 min in all).
"""

from __future__ import annotations

import datetime as dt

from tests.metrics.builders import T0, Dataset
from tests.metrics.harness import MetricCase, case


def shift() -> Dataset:
    d = Dataset()
    t: dt.datetime | None = T0
    for state, minutes, paid in [("available", 10, None), ("connecting", 2, None), ("on_contact", 20, None),
                                 ("acw", 5, None), ("aux", 15, True), ("aux", 30, False), ("error", 3, None),
                                 ("available", 5, None), ("offline", 60, None)]:
        assert t is not None
        t = d.agent_state("a1", state, at=t, minutes=minutes, paid=paid,
                          reason={True: "break", False: "lunch"}.get(paid) if state == "aux" else None)
    for i in range(3):
        d.contact(f"c{i}", at=T0 + dt.timedelta(minutes=12 + i))
        d.segment(f"c{i}", "a1", talk_s=300, hold_s=60, hold_count=1, acw_s=100)
    return d


def across_half_hours() -> Dataset:
    """a1: available 09:30-09:50, on_contact 09:50-10:20, available 10:20-10:30, offline 10:30-10:40."""
    d = Dataset()
    t: dt.datetime | None = T0 + dt.timedelta(minutes=30)
    for state, minutes in [("available", 20), ("on_contact", 30), ("available", 10), ("offline", 10)]:
        assert t is not None
        t = d.agent_state("a1", state, at=t, minutes=minutes)
    return d


OCC = ["occupancy", "occupancy.callboard", "occupancy.amazon_connect", "utilization.as_occupancy"]

CASES: list[MetricCase] = [
    case("states.occupancy", shift, OCC, {m: 25 / 43 for m in OCC},
         "busy 25 / (busy 25 + idle 18: available 15 + error 3) = 58.14%; connecting (2) is in neither term; "
         "Amazon and 'utilization as occupancy' are the same arithmetic"),
    case("states.occupancy_practitioner", shift, "occupancy.practitioner", 23 / 41,
         "(talk + hold + ACW) 3 x 460 s = 23 min / (23 + idle 18) = 56.10%"),
    case("states.utilization", shift, ["utilization", "utilization.staffed_over_paid"],
         {"utilization": 45 / 60, "utilization.staffed_over_paid": 45 / 60},
         "(handle + available) = staffed 45 / (45 + paid aux 15) = 75%; unpaid lunch is in neither"),
    case("states.utilization_primary", shift, ["utilization.primary_over_working", "utilization.primary_over_paid"],
         {"utilization.primary_over_working": 25 / 45, "utilization.primary_over_paid": 25 / 60},
         "primary (on_contact + acw) 25 / working (staffed) 45 = 55.56%; / paid 60 = 41.67%"),
    case("states.iph", shift, ["iph", "iph.per_online_hour", "iph.per_paid_hour"],
         {"iph": 3 / (42 / 60), "iph.per_online_hour": 3 / (90 / 60), "iph.per_paid_hour": 3 / (60 / 60)},
         "3 handled / on-queue 42 min (0.7 h) = 4.29; / online 90 min = 2.0; / paid 60 min = 3.0"),
    case("states.occupancy_split_at_boundaries", across_half_hours, "occupancy",
         [{"interval_30": "2026-03-02T09:30", "occupancy": 10 / 30},
          {"interval_30": "2026-03-02T10:00", "occupancy": 20 / 30}],
         "the 09:50-10:20 contact splits 10 min to 09:30 (busy 10 / (10 + available 20)) and 20 min to 10:00 "
         "(20 / (20 + available 10)) (§2.4: state time is split at boundaries)",
         by="interval_30"),
    case("states.occupancy_total", across_half_hours, "occupancy", 30 / 60, "busy 30 / (30 + idle 30) = 50%"),
]
