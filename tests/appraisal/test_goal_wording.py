"""Goal status in the appraisal packet: "on track" / "at risk" / "off track" while the goal's period runs (on the goals
service's projection), "met" / "not met" once it has ended; the goals table names metric and variant."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from callboard.appraisal.model import GoalLine, goal_status_text
from callboard.appraisal.sources import _goal_line
from callboard.core.settings import load_settings
from callboard.goals.model import GoalInput
from callboard.runtime import Runtime, build_runtime
from callboard.web.pages.appraisal import goal_row
from tests.appraisal.appraisal_data import fill_appraisal_data_dir
from tests.metrics.builders import Dataset

UTC = dt.timezone.utc
D = dt.datetime


def test_words_for_running_and_ended_periods() -> None:
    assert [goal_status_text(s, final=False) for s in ("green", "amber", "red")] == ["on track", "at risk", "off track"]
    assert [goal_status_text(s, final=True) for s in ("green", "amber", "red")] == ["met", "not met", "not met"]
    assert goal_status_text("none", final=False) == goal_status_text(None, final=True) == "no data"
    assert goal_status_text("not_started", final=False) == "not started"


def test_a_goal_is_final_once_progress_covers_its_whole_period() -> None:
    goal = {"name": "AHT", "metric": "aht.callboard", "metric_title": "Average handle time", "unit": "seconds",
            "target": 200.0, "direction": "lower", "scope_kind": "agent", "scope_id": "amy",
            "starts_on": dt.date(2026, 10, 1), "ends_on": dt.date(2026, 10, 31)}
    running = _goal_line({"goal": goal, "progress": {"status": "amber", "value": 210.0, "projected": 210.0,
                                                      "elapsed_days": 14, "period_days": 31,
                                                      "measured_to": dt.date(2026, 10, 14)}})
    ended = _goal_line({"goal": goal, "progress": {"status": "amber", "value": 210.0, "projected": 210.0,
                                                    "elapsed_days": 31, "period_days": 31,
                                                    "measured_to": dt.date(2026, 10, 31)}})
    assert (running.final, running.status_text) == (False, "at risk")
    assert (ended.final, ended.status_text) == (True, "not met")
    row = goal_row(running)
    assert (row["metric"], row["variant"], row["target"], row["status_text"]) == (
        "Average handle time", "aht.callboard", "3:20", "at risk")
    assert row["actual_note"] == "to 14 Oct" and row["projected"] and not goal_row(ended)["projected"]


def _runtime(tmp: Path, clock: dt.datetime | None) -> Runtime:
    rt = build_runtime(load_settings(fill_appraisal_data_dir(tmp / "data")))
    if clock is not None:
        rt.kpi.clock = lambda: clock
    sup = rt.users.viewer("sup1")
    rt.goals.create(sup, GoalInput(name="Amy AHT", metric="aht_s", target=200, direction="lower",
                                   starts_on=dt.date(2026, 10, 1), scope_kind="agent", scope_id="amy"))
    qa = Dataset(source="qa-test")  # evaluations only: contacts with no queue entry or segment
    for cid, at, score, critical in (("e1", D(2026, 10, 5, 11), 90.0, False), ("e2", D(2026, 10, 20, 11), 70.0, True),
                                     ("e3", D(2026, 9, 15, 11), 80.0, False)):
        qa.contact(cid, at=at)
        qa.evaluation(cid, "amy", score, critical_failed=critical)
    rt.store.load(qa.batch())
    rt.goals.create(sup, GoalInput(name="Amy volume", metric="handled", target=6, direction="higher",
                                   starts_on=dt.date(2026, 10, 1), scope_kind="agent", scope_id="amy"))
    return rt


@pytest.fixture(scope="module")
def mid_october(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """Today is 15 Oct 2026: progress is measured to 14 Oct, the October goals are running."""
    with _runtime(tmp_path_factory.mktemp("apr-running"), dt.datetime(2026, 10, 15, 12, tzinfo=UTC)) as rt:
        yield rt


@pytest.fixture(scope="module")
def after_october(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """Today is real today (after October 2026): the October goals have ended."""
    with _runtime(tmp_path_factory.mktemp("apr-ended"), None) as rt:
        yield rt


def _goals(rt: Runtime) -> dict[str, GoalLine]:
    packet = rt.appraisal.packet(rt.users.viewer("sup1"), "amy", "2026-10")
    return {g.name: g for g in packet.goals}


def test_running_goals_are_on_track_at_risk_or_off_track(mid_october: Runtime) -> None:
    goals = _goals(mid_october)
    aht, volume = goals["Amy AHT"], goals["Amy volume"]
    # to 14 Oct amy handled c1 (200 talk + 40 acw = 240 s) and c2 (100 talk + 20 hold = 120 s): AHT 180 s,
    # at or under the 200 s target: green -> "on track" (not "met": October is not over)
    assert (aht.actual, aht.final, aht.status, aht.status_text) == (pytest.approx(180.0), False, "green", "on track")
    # handled 2 in 14 of 31 days: projected 2 x 31 / 14 = 4.43 against 6, short by 1.57, beyond the band
    # (10 % of 6 = 0.6): red -> "off track" (not "missed")
    assert volume.actual == 2 and volume.projected == pytest.approx(2 * 31 / 14)
    assert (volume.final, volume.status, volume.status_text) == (False, "red", "off track")
    assert aht.scope_label == "own goal" and aht.metric.startswith("aht.")


def test_ended_goals_are_met_or_not_met(after_october: Runtime) -> None:
    goals = _goals(after_october)
    aht, volume = goals["Amy AHT"], goals["Amy volume"]
    # all October: c1 240 s, c2 120 s, c3 300 + 60 = 360 s: AHT 240 s, 40 s over 200 (band 20 s): red -> not met
    assert (aht.actual, aht.final, aht.status_text) == (pytest.approx(240.0), True, "not met")
    assert (volume.actual, volume.final, volume.status_text) == (3, True, "not met")  # 3 of 6


def test_page_pdf_text_and_csv_use_the_words(after_october: Runtime, mid_october: Runtime) -> None:
    from callboard.appraisal.csv_export import packet_rows

    running = mid_october.appraisal.packet(mid_october.users.viewer("sup1"), "amy", "2026-10")
    rows = [r for r in packet_rows(running) if r["section"] == "goal"]
    assert {r["status"] for r in rows} == {"on track", "off track"}
    text = after_october.appraisal.export_csv(after_october.users.viewer("boss"), "amy", "2026-10")
    goal_rows = [r for r in csv.DictReader(io.StringIO(text)) if r["section"] == "goal"]
    assert {r["status"] for r in goal_rows} == {"not met"} and all("period ended" in r["detail"] for r in goal_rows)
    kpi = next(r for r in csv.DictReader(io.StringIO(text)) if r["section"] == "kpi" and r["metric"] == "aht.callboard")
    assert kpi["status"] == "not met"


def test_quality_section_shows_the_agents_evaluations(after_october: Runtime) -> None:
    packet = after_october.appraisal.packet(after_october.users.viewer("sup1"), "amy", "2026-10")
    qa = {k.metric: k for k in packet.qa}
    # October: e1 90 and e2 70 (critical fail): mean 80, 2 evaluations, critical fail rate 1/2;
    # September: e3 80 alone, no critical fail
    assert packet.qa_section.available
    assert (qa["qa_score"].value, qa["qa_score"].previous_value) == (pytest.approx(80.0), pytest.approx(80.0))
    assert (qa["qa_evaluations"].value, qa["qa_evaluations"].previous_value) == (2, 1)
    assert (qa["critical_fail_rate"].value, qa["critical_fail_rate"].previous_value) == (pytest.approx(0.5), 0)
    bob = after_october.appraisal.packet(after_october.users.viewer("sup1"), "bob", "2026-10")
    assert not bob.qa and not bob.qa_section.available and "no quality evaluation" in bob.qa_section.empty_message.lower()
