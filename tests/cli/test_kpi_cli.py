"""`callboard kpi` contract: JSON keyed exactly as requested, resolved names, filters, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from callboard.store.duckdb_store import DuckDBStore
from tests.metrics.builders import T0, Dataset

CLI = [sys.executable, "-m", "callboard.cli.main"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two queues. Billing: 3 answered (waits 5, 20, 21 s), 1 abandoned after 30 s, 1 after 2 s (short).
    Sales: 1 answered in 10 s. Agents: a1 answers the Billing calls, a2 the Sales call."""
    directory = tmp_path_factory.mktemp("cli")
    d = Dataset()
    for i, wait in enumerate([5, 20, 21]):
        d.entry(d.contact(f"b{i}"), queue="Billing", wait_s=wait, agent="a1")
        d.segment(f"b{i}", "a1", talk_s=100, hold_s=10, acw_s=30, queue="Billing")
    d.entry(d.contact("b3"), queue="Billing", outcome="abandoned", wait_s=30)
    d.entry(d.contact("b4"), queue="Billing", outcome="abandoned", wait_s=2)
    d.entry(d.contact("s0", channel="chat"), queue="Sales", wait_s=10, agent="a2")
    d.segment("s0", "a2", talk_s=200, hold_s=0, acw_s=40, queue="Sales")
    store = DuckDBStore(directory / "analytics.duckdb")
    store.load(d.batch())
    store.close()
    return directory


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=120)


def test_json_is_keyed_exactly_as_requested(data_dir: Path) -> None:
    result = run("kpi", "--metrics", "offered,service_level(threshold_s=20),aht_s", "--by", "queue",
                 "--format", "json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [set(r) for r in rows] == [{"queue", "offered", "service_level(threshold_s=20)", "aht_s"}] * 2
    billing = next(r for r in rows if r["queue"] == "Billing")
    # Billing: answered within 20 s = 2 (5 s and exactly 20 s, inclusive); denominator
    # answered 3 + abandoned 2 + flowed_out 0 - short abandoned 1 (2 s <= 5 s) = 4 -> 2/4 = 0.5
    assert billing["offered"] == 5
    assert billing["service_level(threshold_s=20)"] == pytest.approx(0.5)
    # AHT: 3 x (100 + 10 + 30) s / 3 handled = 140 s
    assert billing["aht_s"] == pytest.approx(140.0)
    # the resolved metric is named on stderr
    assert "service_level.callboard(threshold_s=20, short_abandon_s=5)" in result.stderr


def test_where_filter_and_csv(data_dir: Path) -> None:
    result = run("kpi", "-m", "handled,asa_s", "--by", "agent", "--where", "channel=chat", "-f", "csv",
                 data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    # only the chat contact s0: a2 handled 1, ASA = 10 s / 1 answered
    assert result.stdout.splitlines() == ["agent,handled,asa_s", "a2,1,10.0"]


def test_period_outside_data_gives_nulls_not_zero(data_dir: Path) -> None:
    day = (T0.date().replace(year=T0.year - 1)).isoformat()
    result = run("kpi", "-m", "service_level,offered", "--from", day, "--to", day, "-f", "json", data_dir=data_dir)
    assert json.loads(result.stdout) == [{"service_level": None, "offered": 0}]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["kpi", "-m", "servce_level"], "unknown metric 'servce_level' (did you mean service_level"),
        (["kpi", "-m", "offered", "--by", "agnet"], "unknown dimension 'agnet' (did you mean agent?"),
        (["kpi", "-m", "service_level(treshold_s=3)"], "has no parameter 'treshold_s'"),
        (["kpi", "-m", "offered", "--from", "2026-02-30"], "--from '2026-02-30' is not a date"),
        (["kpi", "-m", "offered", "--where", "queue"], "is not DIMENSION=VALUE"),
        (["kpi", "-m", "offered", "--by", "day,day"], "dimension 'day' is grouped by twice"),
        (["kpi", "-m", "offered", "--by", "date,queue,day"], "dimension 'day' is grouped by twice (as 'date' and 'day')"),
        (["kpi", "-m", "offered", "--where", "channel=phone"],
         "unknown channel value 'phone' (valid channel values: chat, email, messaging, social, voice)"),
        (["kpi", "-m", "offered", "--where", "direction=in"], "unknown direction value 'in'"),
        (["kpi", "-m", "service_level(threshold_s=-5)"], "parameter threshold_s=-5 of service_level.callboard is negative"),
        (["kpi", "-m", "fcr(window_days=-1)"], "parameter window_days=-1 of fcr.repeat_7d is negative"),
        (["kpi", "-m", "service_level(threshold_s=inf)"], "is not a finite number"),
    ],
)
def test_bad_requests_give_one_line_and_exit_1(data_dir: Path, args: list[str], needle: str) -> None:
    result = run(*args, data_dir=data_dir)
    assert result.returncode == 1
    assert needle in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_queue_filter_ignores_letter_case_without_a_names_table(data_dir: Path) -> None:
    """The fixture's queue ids are "Billing" and "Sales" and it has no queues table (as after a CSV load):
    docs/metrics.md says a queue value matches in any letter case. Billing offered 5, Sales 1."""
    result = run("kpi", "-m", "offered", "--where", "queue=billing", "-f", "csv", data_dir=data_dir)
    assert result.stdout.splitlines() == ["offered", "5"], result.stderr
    result = run("kpi", "-m", "offered", "--where", "queue=BILLING,sales", "-f", "csv", data_dir=data_dir)
    assert result.stdout.splitlines() == ["offered", "6"], result.stderr


def test_channel_filter_ignores_letter_case(data_dir: Path) -> None:
    result = run("kpi", "-m", "offered", "--where", "channel=Chat", "-f", "csv", data_dir=data_dir)
    assert result.stdout.splitlines() == ["offered", "1"], result.stderr  # s0, the only chat contact


WIDE = ["kpi", "-m", "offered,handled,service_level(threshold_s=20),aht_s,asa_s,abandon_rate,transfer_rate,"
        "avg_hold", "--by", "day,queue,agent"]


def _numbers(data_dir: Path) -> list[str]:
    """Every value of the wide request, formatted as the table formats it (render.format_value)."""
    from callboard.cli.render import format_value

    rows = json.loads(run(*WIDE, "-f", "json", data_dir=data_dir).stdout)
    units = {"service_level(threshold_s=20)": "ratio", "abandon_rate": "ratio", "transfer_rate": "ratio",
             "aht_s": "seconds", "asa_s": "seconds", "avg_hold": "seconds"}
    return [format_value(r[k], units.get(k, "")) for r in rows for k in r if k not in ("day", "queue", "agent")
            and r[k] is not None]


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "narrow-terminal"])
def test_table_never_cuts_a_number(data_dir: Path, terminal: bool) -> None:
    """Rich assumes 80 columns when stdout is not a terminal and ended cells in `…` (20 and 200 both `20…`).
    Piped, the table is laid out at its natural width; on a 60-column terminal the headers fold but every
    number stays whole on one line."""
    import os
    import re

    env = {**os.environ, "COLUMNS": "60" if terminal else "80", "NO_COLOR": "1"}
    if terminal:
        env["TTY_COMPATIBLE"] = "1"  # Rich treats the pipe as a terminal
    result = subprocess.run([*CLI, *WIDE, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=120,
                            env=env)
    assert result.returncode == 0, result.stderr
    out = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert "…" not in out
    cells = [c.strip() for line in out.splitlines() for c in line.split("│")]
    for number in _numbers(data_dir):
        assert number in cells, (number, out)
    assert f"{T0.date().isoformat()}" in cells  # the day whole too


def test_connectors_list_is_not_cut() -> None:
    result = subprocess.run([*CLI, "connectors", "list"], capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert "…" not in result.stdout
    assert "connect-agent-events" in result.stdout and "--open-state-retention-days" in result.stdout


def test_explain_shows_formula_and_sql(data_dir: Path) -> None:
    result = run("kpi", "explain", "abandon_rate", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "abandon_rate.callboard" in result.stdout
    assert "SELECT" in result.stdout


def test_provisional_days_follow_the_longest_window(tmp_path: Path) -> None:
    """Reference §2.10: a day stays provisional until its FCR and survey windows pass.
    Today 2026-03-20 (UTC): fcr_rate waits 7 days -> provisional from 2026-03-13;
    fcr.repeat_Wd(window_days=14) -> from 2026-03-06; queue metrics alone wait on nothing -> None."""
    import datetime as dt

    from callboard.core.settings import Settings
    from callboard.metrics.catalog import Catalog
    from callboard.metrics.service import KpiService

    store = DuckDBStore(tmp_path / "analytics.duckdb")
    service = KpiService(store=store, catalog=Catalog.load(), settings=Settings(data_dir=tmp_path),
                         clock=lambda: dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.timezone.utc))
    try:
        assert service.query(metrics="fcr_rate").provisional_from == dt.date(2026, 3, 13)
        assert service.query(metrics="offered,fcr.repeat_Wd(window_days=14)").provisional_from == dt.date(2026, 3, 6)
        assert service.query(metrics="csat_top2_rate").provisional_from == dt.date(2026, 3, 13)
        assert service.query(metrics="offered,service_level").provisional_from is None
    finally:
        store.close()


def test_surveys_from_their_own_source_attach_to_contacts(tmp_path: Path) -> None:
    """A survey export is its own source (reference §9: late surveys attach to their contact whenever they
    arrive). Contacts c1, c2 from source 'pbx', answered by a1; CSAT responses from source 'survey_tool':
    c1 = 5, c2 = 2 -> top-2-box 1 of 2 = 50%, credited to a1."""
    from callboard.core.settings import Settings
    from callboard.metrics.catalog import Catalog
    from callboard.metrics.service import KpiService

    d = Dataset(source="pbx")
    for cid, score in [("c1", 5), ("c2", 2)]:
        d.entry(d.contact(cid), wait_s=5, agent="a1")
        d.segment(cid, "a1", talk_s=60)
        d.survey(cid, "csat", score)
    for row in d.survey_responses:
        row["source"] = "survey_tool"
    store = DuckDBStore(tmp_path / "analytics.duckdb")
    store.load(d.batch())
    try:
        service = KpiService(store=store, catalog=Catalog.load(), settings=Settings(data_dir=tmp_path))
        assert service.query(metrics="csat_top2_rate", by="agent").rows == ({"agent": "a1", "csat_top2_rate": 0.5},)
    finally:
        store.close()
