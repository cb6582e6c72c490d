"""`serve` (callboard.cli.serve_cmd) as a real process: it serves the API, refuses a busy port in one line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.web.web_live import LiveServer, free_port, sign_in

# The lead registers `serve` on the main app; the test mounts it on a bare Typer app of its own.
WRAPPER = ("import typer; from callboard.cli.serve_cmd import serve; "
           "app = typer.Typer(); app.command()(serve); app()")


def launch(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ}
    env.pop("CALLBOARD_DATA_DIR", None)
    return subprocess.Popen([sys.executable, "-c", WRAPPER, "--data-dir", str(data_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_serve_runs_the_app(live_server: LiveServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(live_server.cli_data_dir, data_dir)
    port = free_port()
    process = launch(data_dir, "--port", str(port), "--no-open")
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.communicate()
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.25)
        assert health.json()["data_dir"] == str(data_dir.resolve())
        # announced by a thread once uvicorn accepts connections: moments after the first answer, not before it
        while not (data_dir / "server.json").exists():
            assert time.monotonic() < deadline, "serve never announced itself in server.json"
            time.sleep(0.05)
        marker = json.loads((data_dir / "server.json").read_text())
        assert marker["url"] == f"http://127.0.0.1:{port}" and marker["token"] and marker["pid"] == process.pid
        params = {"metrics": "offered,service_level,aht_s", "by": "queue", "where": "channel=voice"}
        own = sign_in(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60), "admin", "admin-password")
        other = live_server.client()
        offered = own.get("/api/v1/kpi", params=params).json()
        served = other.get("/api/v1/kpi", params=params).json()
        own.close()
        other.close()
        assert offered == served
        # While serve holds the store, `callboard kpi` on the same data dir routes through it.
        cli = subprocess.run([sys.executable, "-m", "callboard.cli.main", "kpi", "--metrics", params["metrics"],
                              "--by", "queue", "--where", "channel=voice", "--format", "json",
                              "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=300, check=False)
        assert cli.returncode == 0, cli.stderr
        assert json.loads(cli.stdout) == offered["rows"]
        # ... and so does `callboard ingest csv`: two new calls and one bad row (impossible date).
        calls = tmp_path / "late_calls.csv"
        calls.write_text("Call ID,Start Time,Queue,Agent,Wait Time,Talk Time\n"
                         "L1,2026-03-02 10:00:00,Late,a1,12,100\n"
                         "L2,2026-02-30 10:05:00,Late,a1,3,50\n"
                         "L3,2026-03-02 10:10:00,Late,a2,30,200\n")
        mapping = tmp_path / "late_calls.yaml"
        mapping.write_text("source: late\nkind: contacts\nfields:\n  contact_id: Call ID\n"
                           "  arrived_at: {column: Start Time, format: '%Y-%m-%d %H:%M:%S'}\n  queue_id: Queue\n"
                           "  agent_id: Agent\n  wait_ms: {column: Wait Time, format: seconds}\n"
                           "  talk_ms: {column: Talk Time, format: seconds}\n")
        load = subprocess.run([sys.executable, "-m", "callboard.cli.main", "ingest", "csv", str(calls),
                               "--mapping", str(mapping), "--data-dir", str(data_dir)],
                              capture_output=True, text=True, timeout=300, check=False)
        assert load.returncode == 0, load.stderr
        assert "loading through it" in load.stdout
        assert "read 3, loaded 2, updated 0, duplicates skipped 0, rejected 1" in " ".join(load.stdout.split())
        assert "line 3" in load.stdout
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as again:
            late = sign_in(again, "admin", "admin-password").get(
                "/api/v1/kpi", params={"metrics": "offered", "where": "queue=Late"}).json()
        assert late["rows"] == [{"offered": 2}]
        # the local-only endpoint refuses a caller without the token from server.json
        denied = httpx.post(f"http://127.0.0.1:{port}/api/v1/local/ingest/csv", json={"paths": [str(calls)]})
        assert denied.status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert f":{port}/" in out
    assert not (data_dir / "server.json").exists()  # withdrawn on stop


def test_serve_on_a_busy_port_is_one_line_error(live_server: LiveServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(live_server.cli_data_dir, data_dir)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = launch(data_dir, "--port", str(port))
        _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.strip().startswith("error:") and "--port" in err and "Traceback" not in err
