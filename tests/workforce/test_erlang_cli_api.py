"""`callboard erlang` and /api/v1/erlang: the issue's contract, the same JSON both ways, view_forecasts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from typer.testing import CliRunner

from callboard.cli.main import app as cli_app
from callboard.core.viewer import Viewer
from callboard.web.api import erlang as erlang_api
from callboard.web.auth import current_viewer
from callboard.web.errors import install_error_handlers

CLI = [sys.executable, "-m", "callboard.cli.main", "erlang"]
EXAMPLE = ["--calls", "100", "--interval-s", "1800", "--aht-s", "180", "--answer-within-s", "20"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess (used once: process start-up is slow on a busy machine)."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def run(*args: str) -> tuple[int, str, str]:
    """In-process through the same Typer app."""
    result = CliRunner().invoke(cli_app, ["erlang", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_worked_example_json() -> None:
    """Reference §15 worked example: 14 agents, 20 after 30% shrinkage, SL 0.8883500191794669."""
    done = cli(*EXAMPLE, "--target-sl", "0.8", "--max-occupancy", "0.85", "--shrinkage", "0.3", "--format", "json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["agents_raw"] == 14 and out["agents"] == 20
    assert out["service_level"] == pytest.approx(0.8883500191794669, abs=1e-12)
    assert out["wait_probability"] == pytest.approx(0.1741319335950498, abs=1e-12)
    assert out["occupancy"] == pytest.approx(0.7142857142857143, abs=1e-15)
    assert out["asa_s"] == pytest.approx(0.1741319335950498 * 45, rel=1e-12)
    assert "abandon_probability" not in out


def test_cli_evaluate_agents_and_patience() -> None:
    """--agents 21 --shrinkage 0.3: 21·10/7 = 30 scheduled (not 31); with patience the abandon key appears."""
    out = json.loads(run(*EXAMPLE, "--agents", "21", "--shrinkage", "0.3", "--patience-s", "120",
                         "--format", "json")[1])
    assert out["mode"] == "evaluate" and out["model"] == "erlang_a"
    assert out["agents_raw"] == 21 and out["agents"] == 30
    assert 0 <= out["abandon_probability"] < 0.01


def test_cli_understaffed_zero_volume_and_errors() -> None:
    under = json.loads(run(*EXAMPLE, "--agents", "8", "--format", "json")[1])
    assert under["service_level"] == 0.0 and under["wait_probability"] == 1.0 and under["asa_s"] is None
    zero = json.loads(run("--calls", "0", *EXAMPLE[2:], "--target-sl", "0.8", "--format", "json")[1])
    assert zero["agents"] == 0 and zero["agents_raw"] == 0 and zero["service_level"] is None
    code, _, err = run(*EXAMPLE, "--target-sl", "80", "--format", "json")
    assert code == 1 and "fraction" in err
    code, text, _ = run(*EXAMPLE, "--target-sl", "0.8")  # the default table names every measure
    assert code == 0 and "agents_raw" in text and "service_level" in text


@pytest.fixture()
def api() -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(erlang_api.router)
    role = {"role": "planner"}
    app.dependency_overrides[current_viewer] = lambda: Viewer(username="u", role=role["role"])
    with TestClient(app) as client:
        yield client, role


def test_api_get_and_post_match_the_cli(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    params = {"calls": 100, "interval_s": 1800, "aht_s": 180, "answer_within_s": 20, "target_sl": 0.8,
              "max_occupancy": 0.85, "shrinkage": 0.3}
    got = client.get("/api/v1/erlang", params=params)
    assert got.status_code == 200, got.text
    posted = client.post("/api/v1/erlang", json=params)
    assert posted.status_code == 200, posted.text
    via_cli = json.loads(run(*EXAMPLE, "--target-sl", "0.8", "--max-occupancy", "0.85", "--shrinkage", "0.3",
                             "--format", "json")[1])
    assert got.json() == posted.json() == via_cli


def test_api_errors_and_capability(api: tuple[TestClient, dict[str, str]]) -> None:
    client, role = api
    bad = client.get("/api/v1/erlang", params={"calls": 100, "interval_s": 1800, "aht_s": 180,
                                               "answer_within_s": 20, "max_abandon": 0.05})
    assert bad.status_code == 422 and "patience" in bad.text
    role["role"] = "agent"  # agents lack view_forecasts
    denied = client.get("/api/v1/erlang", params={"calls": 1, "interval_s": 1800, "aht_s": 180,
                                                  "answer_within_s": 20, "target_sl": 0.8})
    assert denied.status_code == 403
