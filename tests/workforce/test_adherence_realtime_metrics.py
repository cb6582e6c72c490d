"""Real-time adherence (grace, since when, exceptions) and conformance/occupancy/utilization/shrinkage."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.workforce.adherence import ApprovedException, ScheduledSpan, StateSpan
from callboard.workforce.adherence_metrics import conformance_capped, productivity, shrinkage, total_productivity
from callboard.workforce.realtime import agent_now, board


def t(hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hh, mm)


WORK = [ScheduledSpan("a1", t(9), t(10), "break", False), ScheduledSpan("a1", t(10), t(11), "work", True)]


def test_out_of_adherence_since_when_with_grace() -> None:
    states = [StateSpan("a1", "available", t(9, 50), t(10, 5)), StateSpan("a1", "aux", t(10, 5), t(10, 20), "Personal")]
    late = agent_now("a1", WORK, states, [], t(10, 20), grace_s=300)
    assert (late.status, late.out_since, late.out_for_s, late.alarm) == ("non_adherent", t(10, 5), 900, True)
    assert (late.scheduled_activity, late.state, late.reason) == ("work", "aux", "Personal")
    early = agent_now("a1", WORK, states[:1] + [StateSpan("a1", "aux", t(10, 5), t(10, 8), "Personal")],
                      [], t(10, 8), grace_s=300)
    assert (early.out_for_s, early.alarm) == (180, False)  # 3 min < 5 min grace


def test_run_spans_activity_boundaries() -> None:
    # offline from 09:55: non-adherent in the break (offline) and in work -> one run since 09:55
    states = [StateSpan("a1", "aux", t(9), t(9, 55), "Break"), StateSpan("a1", "offline", t(9, 55), t(10, 20))]
    now = agent_now("a1", WORK, states, [], t(10, 20))
    assert (now.out_since, now.out_for_s) == (t(9, 55), 25 * 60)


def test_approved_exception_and_unscheduled_time_do_not_alarm() -> None:
    states = [StateSpan("a1", "aux", t(10), t(10, 30), "Meeting")]
    exc = [ApprovedException("a1", t(10), t(10, 30), "meeting")]
    assert agent_now("a1", WORK, states, exc, t(10, 25)).status == "exception"
    evening = agent_now("a1", WORK, [StateSpan("a1", "offline", t(11), t(18))], [], t(18))
    assert (evening.status, evening.alarm) == ("unscheduled", False)


def test_board_lists_alarms_first() -> None:
    acts = WORK + [ScheduledSpan("a2", t(10), t(11), "work", True)]
    states = [StateSpan("a1", "available", t(10), t(10, 30)), StateSpan("a2", "offline", t(9), t(10, 30))]
    rows = board(acts, states, [], ["a1", "a2"], t(10, 30))
    assert [(r.agent_id, r.alarm, r.out_for_s) for r in rows] == [("a2", True, 1800), ("a1", False, 0)]


STATES = [  # one agent, 09:00-13:00 (hand totals below)
    StateSpan("a1", "available", t(9), t(9, 40)),  # 2,400
    StateSpan("a1", "connecting", t(9, 40), t(9, 41)),  # 60 (ringing: in neither occupancy term)
    StateSpan("a1", "on_contact", t(9, 41), t(10, 41)),  # 3,600
    StateSpan("a1", "acw", t(10, 41), t(11, 1)),  # 1,200
    StateSpan("a1", "error", t(11, 1), t(11, 6)),  # 300
    StateSpan("a1", "aux", t(11, 6), t(11, 21), "Break"),  # 900 paid
    StateSpan("a1", "aux", t(11, 21), t(11, 51), "Lunch"),  # 1,800 unpaid
    StateSpan("a1", "available", t(11, 51), t(12, 30)),  # 2,340
    StateSpan("a1", "offline", t(12, 30), t(13)),  # 1,800
]
SCHED = [
    ScheduledSpan("a1", t(9), t(11), "work", True),  # 7,200 productive
    ScheduledSpan("a1", t(11), t(11, 15), "break", False),  # 900 paid
    ScheduledSpan("a1", t(11, 15), t(11, 45), "lunch", False, paid=False),  # 1,800 unpaid
    ScheduledSpan("a1", t(11, 45), t(13), "work", True),  # 4,500 productive
]


def test_occupancy_utilization_conformance_by_hand() -> None:
    p = productivity("a1", SCHED, STATES, frozenset({"break"}), t(0), t(23))
    # on-queue = available 2,400 + 2,340, connecting 60, on_contact 3,600, acw 1,200 = 9,600
    # scheduled on-queue = 7,200 + 4,500 = 11,700 -> conformance 9,600 / 11,700
    assert (p.on_queue_s, p.scheduled_on_queue_s) == (9600, 11700)
    assert p.conformance == pytest.approx(9600 / 11700)
    # occupancy = (3,600 + 1,200) / (4,800 + available 4,740 + error 300) = 4,800 / 9,840
    assert p.occupancy == pytest.approx(4800 / 9840)
    # utilization = (handle 4,800 + available 4,740) / (9,540 + paid aux 900) = 9,540 / 10,440
    assert p.utilization == pytest.approx(9540 / 10440)
    total = total_productivity([p, productivity("a2", [], [], frozenset(), t(0), t(23))])
    assert total.occupancy == pytest.approx(4800 / 9840) and total.conformance == pytest.approx(9600 / 11700)


def test_conformance_capped_per_agent() -> None:
    over = productivity("a1", SCHED[:1], [StateSpan("a1", "available", t(8), t(12))], frozenset(), t(0), t(23))
    under = productivity("a2", [ScheduledSpan("a2", t(9), t(10), "work", True)],
                         [StateSpan("a2", "available", t(9), t(9, 30))], frozenset(), t(0), t(23))
    # uncapped: (14,400 + 1,800) / (7,200 + 3,600) = 1.5; capped: (7,200 + 1,800) / 10,800 = 0.8333
    assert total_productivity([over, under]).conformance == pytest.approx(1.5)
    assert conformance_capped([over, under]) == pytest.approx(9000 / 10800)


def test_planned_vs_actual_shrinkage_by_hand() -> None:
    s = shrinkage(SCHED, STATES)
    # scheduled paid = 7,200 + 900 + 4,500 = 12,600 (lunch unpaid); planned = break 900 / 12,600
    assert s.scheduled_paid_s == 12600
    assert s.planned == pytest.approx(900 / 12600)
    assert s.planned_by_category_s == {"break": 900}
    # inside paid time: work 09:00-11:00 is all on-queue (2,400 + 60 + 3,600 + ACW to 11:00 1,140 = 7,200);
    # break 11:00-11:15: ACW until 11:01 = 60 on-queue, error 11:01-11:06 = 300, aux Break 540.
    # work 11:45-13:00: Lunch 11:45-11:51 = 360, available 11:51-12:30 = 2,340, offline 12:30-13:00 = 1,800.
    # on-queue in paid = 7,200 + 60 + 2,340 = 9,600 -> actual = (12,600 - 9,600) / 12,600
    assert s.actual == pytest.approx(3000 / 12600)
    assert s.actual_by_category_s == {"error": 300, "break": 540, "lunch": 360, "absence": 1800}


def test_now_is_the_instant_starting_at_now() -> None:
    # work 10:00-11:00: at 10:00 the shift is on (adherent, Available since 09:55); at 11:00 it is over
    states = [StateSpan("a1", "available", t(9, 55), t(11))]
    on = agent_now("a1", WORK[1:], states, [], t(10))
    assert (on.status, on.scheduled_activity, on.state) == ("adherent", "work", "available")
    assert agent_now("a1", WORK[1:], states, [], t(11)).status == "unscheduled"
