"""Amazon Connect's *Schedule adherence usage examples*, one named test each, with hand-computed seconds,
run against both variants where the rule is shared; then the cases where the variants differ."""

from __future__ import annotations

import datetime as dt

import pytest

from callboard.workforce.adherence import (
    AMAZON_CONNECT,
    CALLBOARD,
    AdherenceResult,
    AdherenceVariant,
    ApprovedException,
    ScheduledSpan,
    StateSpan,
    compute_adherence,
    version_for_day,
)

DAY = dt.date(2026, 3, 2)
BOTH = pytest.mark.parametrize("variant", [CALLBOARD, AMAZON_CONNECT], ids=lambda v: v.id)


def t(hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hh, mm)


def act(start: dt.datetime, end: dt.datetime, activity: str = "work", productive: bool = True,
        tracked: bool = True) -> ScheduledSpan:
    return ScheduledSpan("a1", start, end, activity, productive, tracked)


def st(state: str, start: dt.datetime, end: dt.datetime, reason: str | None = None) -> StateSpan:
    return StateSpan("a1", state, start, end, reason)


def run(variant: AdherenceVariant, acts: list[ScheduledSpan], states: list[StateSpan],
        exceptions: list[ApprovedException] | None = None) -> AdherenceResult:
    _, total = compute_adherence(acts, states, exceptions or [], variant, t(0), t(23, 59))
    return total


@BOTH
def test_productive_activity_needs_available_status(variant: AdherenceVariant) -> None:
    # work 09:00-10:00; Available 09:00-09:40 = 2,400 s adherent; Break (custom) 09:40-10:00 = 1,200 s not
    r = run(variant, [act(t(9), t(10))], [st("available", t(9), t(9, 40)), st("aux", t(9, 40), t(10), "Break")])
    assert (r.scheduled_s, r.adherent_s, r.non_adherent_s) == (3600, 2400, 1200)
    assert r.adherence == pytest.approx(2 / 3)


@BOTH
def test_lunch_marked_productive_is_adherent_when_available(variant: AdherenceVariant) -> None:
    # "if a shift activity is called Lunch but marked as productive, the agent is adherent if Available"
    r = run(variant, [act(t(12), t(12, 30), "lunch", productive=True)], [st("available", t(12), t(12, 30))])
    assert (r.scheduled_s, r.adherent_s) == (1800, 1800)


@BOTH
def test_available_without_contacts_is_adherent(variant: AdherenceVariant) -> None:
    # "Productivity ... is not impacted if the agent isn't handling live contacts": 2 h idle = 7,200 s adherent
    r = run(variant, [act(t(9), t(11))], [st("available", t(9), t(11))])
    assert (r.scheduled_s, r.adherent_s, r.non_adherent_s) == (7200, 7200, 0)


@BOTH
def test_any_non_productive_state_fits_a_non_productive_activity(variant: AdherenceVariant) -> None:
    # Lunch scheduled 12:00-12:30, agent in Break: still adherent, 1,800 s
    r = run(variant, [act(t(12), t(12, 30), "lunch", productive=False)], [st("aux", t(12), t(12, 30), "Break")])
    assert (r.scheduled_s, r.adherent_s) == (1800, 1800)


@BOTH
def test_activity_with_adherence_no_is_not_measured(variant: AdherenceVariant) -> None:
    # training 14:00-15:00 with Adherence = No while offline: not counted; work 15:00-16:00 Available counts
    acts = [act(t(14), t(15), "training", productive=False, tracked=False), act(t(15), t(16))]
    r = run(variant, acts, [st("offline", t(14), t(15)), st("available", t(15), t(16))])
    assert (r.scheduled_s, r.adherent_s, r.non_adherent_s) == (3600, 3600, 0)
    alone = run(variant, acts[:1], [st("offline", t(14), t(15))])
    assert alone.scheduled_s == 0 and alone.adherence is None  # empty denominator -> NULL


@BOTH
def test_starting_early_is_free_leaving_early_is_not(variant: AdherenceVariant) -> None:
    # schedule 09:00-17:00 (28,800 s); works 08:55-16:55 then offline: 08:55-09:00 unscheduled (ignored),
    # 16:55-17:00 = 300 s non-adherent; adherent 09:00-16:55 = 28,500 s
    r = run(variant, [act(t(9), t(17))], [st("available", t(8, 55), t(16, 55)), st("offline", t(16, 55), t(18))])
    assert (r.scheduled_s, r.adherent_s, r.non_adherent_s) == (28800, 28500, 300)


@BOTH
def test_working_past_the_schedule_is_not_counted(variant: AdherenceVariant) -> None:
    # 5 minutes after the schedule ends (17:00-17:05) is unscheduled: 28,800 s scheduled, all adherent
    r = run(variant, [act(t(9), t(17))], [st("available", t(9), t(17, 5))])
    assert (r.scheduled_s, r.adherent_s) == (28800, 28800)


@BOTH
def test_offline_during_non_productive_activity_is_non_adherent(variant: AdherenceVariant) -> None:
    # break 10:00-10:15 scheduled, agent offline: 900 s non-adherent (offline is not a non-productive status)
    r = run(variant, [act(t(10), t(10, 15), "break", productive=False)], [st("offline", t(10), t(10, 15))])
    assert (r.scheduled_s, r.adherent_s, r.non_adherent_s) == (900, 0, 900)


@BOTH
def test_leaving_training_to_answer_contacts_then_editing_the_schedule(variant: AdherenceVariant) -> None:
    # training 13:00-14:00; on contact 13:00-13:20 (1,200 s) and ACW 13:20-13:30 (600 s): 1,800 s
    # non-adherent; back in the
    # Training status 13:30-14:00 (1,800 s adherent)
    states = [st("on_contact", t(13), t(13, 20)), st("acw", t(13, 20), t(13, 30)),
              st("aux", t(13, 30), t(14), "Training")]
    before = run(variant, [act(t(13), t(14), "training", productive=False)], states)
    assert (before.adherent_s, before.non_adherent_s) == (1800, 1800)
    # the planner edits the schedule retroactively: work 13:00-13:30, training 13:30-14:00 -> 3,600 s adherent
    edited = [act(t(13), t(13, 30)), act(t(13, 30), t(14), "training", productive=False)]
    after = run(variant, edited, states)
    assert (after.scheduled_s, after.adherent_s, after.non_adherent_s) == (3600, 3600, 0)


def test_historical_schedule_change_recomputes_within_30_days() -> None:
    # day 2026-03-02; v1 published 03-01, v2 edited 03-20 (18 days later), v3 edited 04-10 (39 days later)
    versions = [(1, dt.datetime(2026, 3, 1, 9)), (2, dt.datetime(2026, 3, 20, 9)), (3, dt.datetime(2026, 4, 10, 9))]
    assert version_for_day(AMAZON_CONNECT, DAY, versions) == 2  # v3 is beyond the 30-day window
    assert version_for_day(CALLBOARD, DAY, versions) == 3  # the default always recomputes
    # the window's edge: an edit on 04-01 (30 days after 03-02) still reaches the day, 04-02 does not
    assert version_for_day(AMAZON_CONNECT, DAY, versions[:1] + [(4, dt.datetime(2026, 4, 1, 23, 59))]) == 4
    assert version_for_day(AMAZON_CONNECT, DAY, versions[:1] + [(5, dt.datetime(2026, 4, 2, 0, 0))]) == 1


def test_variants_differ_on_a_missed_contact() -> None:
    # work 09:00-09:10; error (missed contact) 09:00-09:02 = 120 s, Available 09:02-09:10 = 480 s.
    # Amazon: the agent's status stays Available (600 s adherent); Callboard: error is not adherent (480 s).
    states = [st("error", t(9), t(9, 2)), st("available", t(9, 2), t(9, 10))]
    assert run(AMAZON_CONNECT, [act(t(9), t(9, 10))], states).adherent_s == 600
    assert run(CALLBOARD, [act(t(9), t(9, 10))], states).adherent_s == 480


def test_variants_differ_on_approved_exceptions() -> None:
    # work 10:00-11:00; unplanned meeting 10:00-10:30 (aux) with an approved exception, Available after.
    states = [st("aux", t(10), t(10, 30), "Meeting"), st("available", t(10, 30), t(11))]
    exc = [ApprovedException("a1", t(10), t(10, 30), "team meeting moved")]
    cb = run(CALLBOARD, [act(t(10), t(11))], states, exc)
    assert (cb.scheduled_s, cb.adherent_s, cb.exception_s) == (1800, 1800, 1800)  # left out of both terms
    ac = run(AMAZON_CONNECT, [act(t(10), t(11))], states, exc)
    assert (ac.scheduled_s, ac.adherent_s, ac.exception_s) == (3600, 1800, 0)  # Amazon: edit the schedule


def test_missing_state_data_is_non_adherent() -> None:
    # work 09:00-10:00 with states only 09:00-09:30: the other 1,800 s are not adherent
    r = run(CALLBOARD, [act(t(9), t(10))], [st("available", t(9), t(9, 30))])
    assert (r.adherent_s, r.non_adherent_s) == (1800, 1800)


def test_totals_are_ratio_of_sums_over_agents() -> None:
    # a1: 3,600 scheduled, 3,600 adherent; a2: 900 scheduled, 0 adherent -> 3,600 / 4,500 = 0.8 (not mean 0.5)
    acts = [act(t(9), t(10)), ScheduledSpan("a2", t(9), t(9, 15), "work", True)]
    states = [st("available", t(9), t(10)), StateSpan("a2", "offline", t(9), t(10))]
    rows, total = compute_adherence(acts, states, [], CALLBOARD, t(0), t(23))
    assert [(r.agent_id, r.adherence) for r in rows] == [("a1", 1.0), ("a2", 0.0)]
    assert total.adherence == pytest.approx(0.8)
