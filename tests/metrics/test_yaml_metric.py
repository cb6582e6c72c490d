"""A new ratio metric added by YAML alone (in `<data_dir>/metrics/`), read through the CLI.

The data dir and the YAML come from the `custom_metric_data_dir` fixture in tests/conftest.py, which the
API tests reuse for the same metric through HTTP.
"""

from __future__ import annotations

import json

import httpx
import subprocess
import sys

from tests.conftest import CustomMetricDataDir

CLI = [sys.executable, "-m", "callboard.cli.main"]


def _kpi(custom: CustomMetricDataDir, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "kpi", *args, "--format", "json", "--data-dir", str(custom.data_dir)],
                          capture_output=True, text=True, timeout=180)


def test_yaml_metric_through_the_cli(custom_metric_data_dir: CustomMetricDataDir) -> None:
    custom = custom_metric_data_dir
    result = _kpi(custom, "--metrics", "long_call_rate,handled")
    assert result.returncode == 0, result.stderr
    # talk 400, 100, 301, 300 s; long = talk > 300 s: 400 and 301 -> 2 of 4 handled
    assert json.loads(result.stdout) == [{"long_call_rate": custom.expected, "handled": 4}]

    by_agent = _kpi(custom, "--metrics", "long_call_rate", "--by", "agent")
    assert by_agent.returncode == 0, by_agent.stderr
    # a1: 400 long, 100 not -> 1/2; a2: 301 long, 300 exactly is not (> is strict) -> 1/2
    assert [(r["agent"], r["long_call_rate"]) for r in json.loads(by_agent.stdout)] == list(custom.expected_by_agent)

    tuned = _kpi(custom, "--metrics", "long_call_rate(long_call_s=120)")
    assert tuned.returncode == 0, tuned.stderr
    # talk > 120 s: 400, 301, 300 -> 3/4
    assert json.loads(tuned.stdout) == [{"long_call_rate(long_call_s=120)": custom.expected_with_120s}]


def test_broken_yaml_metric_is_one_clear_error(custom_metric_data_dir: CustomMetricDataDir) -> None:
    custom = custom_metric_data_dir
    custom.yaml_path.write_text(custom.yaml_path.read_text().replace("long_calls / handled", "long_calls / handeld"))
    result = _kpi(custom, "--metrics", "long_call_rate")
    assert result.returncode == 1
    assert "handeld" in result.stderr and "Traceback" not in result.stderr


def test_yaml_metric_through_the_api(custom_metric_data_dir: CustomMetricDataDir) -> None:
    """The same YAML-only metric over real HTTP from a server built on that data dir."""
    from callboard.core.settings import load_settings
    from callboard.runtime import build_runtime
    from callboard.core.viewer import LOCAL_OWNER
    from tests.web.web_live import sign_in, start_server

    custom = custom_metric_data_dir
    runtime = build_runtime(load_settings(custom.data_dir))
    if "metrics-admin" not in {u.username for u in runtime.users.users(LOCAL_OWNER)}:
        runtime.users.create_user(LOCAL_OWNER, username="metrics-admin", password="admin-password", role="admin")
    server, thread, url, _ = start_server(runtime)
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            sign_in(client, "metrics-admin", "admin-password")
            body = client.get("/api/v1/kpi", params={"metrics": "long_call_rate", "by": "agent"}).json()
            listed = client.get("/api/v1/metrics").json()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        runtime.close()
    # same expectations as the CLI test: a1 1/2, a2 1/2
    assert [(r["agent"], r["long_call_rate"]) for r in body["rows"]] == list(custom.expected_by_agent)
    assert body["metrics"][0]["resolved"] == "long_call_rate(long_call_s=300)"
    assert "long_call_rate" in str(listed)
