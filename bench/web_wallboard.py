"""Wallboard event latency: from a line appended to a followed queue_log to the SSE snapshot showing it.

A real server (uvicorn on loopback) runs on a data directory: a fresh one with a small sample
contact centre, or `--data-dir` (e.g. the 10M-contact benchmark data; it needs no user, the bench
adds its own admin). The server follows a new queue_log (`POST /api/v1/wallboard/follow`, poll
0.25 s) and `clients` browsers hold the wallboard stream open. Then, `events` times, one ENTERQUEUE
line is appended; each stream's latency is the time until it receives the snapshot whose waiting
count includes the new caller. Latency covers the follower's poll, the load, the snapshot and the
delivery to every open stream.

    uv run python bench/web_wallboard.py --clients 20 --events 20 [--data-dir DIR]

Last line: one JSON object with wallboard_event_latency_p50_s / _p95_s (target p95 < 2 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

USER, PASSWORD = "wallboard-bench", "wallboard-bench-password"


def _prepare(data_dir: Path) -> None:
    from callboard.core.settings import load_settings
    from callboard.core.viewer import LOCAL_OWNER
    from callboard.runtime import build_runtime

    with build_runtime(load_settings(data_dir)) as runtime:
        if not any(u.username == USER for u in runtime.users.users(LOCAL_OWNER)):
            runtime.users.create_user(LOCAL_OWNER, username=USER, password=PASSWORD, role="admin",
                                      display_name="Wallboard bench")


def _client(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=httpx.Timeout(120, read=60))
    response = client.post("/api/v1/session", json={"username": USER, "password": PASSWORD})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def _listen(url: str, queue: str, seen: dict[int, float], ready: threading.Event, stop: threading.Event) -> None:
    """Hold one stream open; note when each waiting count is first seen."""
    with closing(_client(url)) as client, client.stream("GET", "/api/v1/wallboard/stream", params={"queue": queue}) as response:
        ready.set()
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("data:"):
                waiting = json.loads(line[5:])["total"]["waiting"]
                seen.setdefault(waiting, time.perf_counter())


def _run(url: str, work: Path, clients: int, events: int) -> list[float]:
    log = work / "queue_log"
    log.write_text("", encoding="utf-8")
    queue = f"bench-{int(time.time())}"
    with closing(_client(url)) as admin:
        admin.post("/api/v1/wallboard/follow", json={"path": str(log)}).raise_for_status()
        stop = threading.Event()
        seen: list[dict[int, float]] = [{} for _ in range(clients)]
        readies = [threading.Event() for _ in range(clients)]
        threads = [threading.Thread(target=_listen, args=(url, queue, seen[i], readies[i], stop), daemon=True)
                   for i in range(clients)]
        for thread in threads:
            thread.start()
        for ready in readies:
            ready.wait(120)
        time.sleep(1.0)
        latencies: list[float] = []
        for n in range(1, events + 1):
            with log.open("a", encoding="utf-8") as out:
                appended = time.perf_counter()
                out.write(f"{int(time.time())}|bench-{queue}-{n}|{queue}|NONE|ENTERQUEUE||0700{n}|1\n")
            deadline = time.monotonic() + 30
            while any(n not in s for s in seen) and time.monotonic() < deadline:
                time.sleep(0.01)
            latencies += [s[n] - appended for s in seen if n in s]
            time.sleep(0.3)
        stop.set()
        admin.delete("/api/v1/wallboard/follow", params={"path": str(log)})
    return latencies


def measure(clients: int = 20, events: int = 20, data_dir: Path | None = None) -> dict[str, Any]:
    from callboard.core.settings import load_settings
    from callboard.runtime import build_runtime
    from tests.web.web_live import start_server
    from tests.web.web_sample_data import fill_data_dir

    with tempfile.TemporaryDirectory(prefix="cb-bench-wallboard-") as tmp:
        work = Path(tmp)
        if data_dir is None:
            data_dir = fill_data_dir(work / "data", days=14)
        _prepare(data_dir)
        with build_runtime(load_settings(data_dir)) as runtime:
            server, thread, url, _ = start_server(runtime)
            try:
                latencies = _run(url, work, clients, events)
            finally:
                runtime.wallboard.stop_followers()
                server.should_exit = True
                thread.join(timeout=60)
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else None
    return {"wallboard_event_latency_p50_s": round(statistics.median(ordered), 3) if ordered else None,
            "wallboard_event_latency_p95_s": round(p95, 3) if p95 is not None else None,
            "wallboard_event_latency_max_s": round(ordered[-1], 3) if ordered else None,
            "wallboard_clients": clients, "wallboard_events": events,
            "wallboard_deliveries": len(ordered), "wallboard_missed": clients * events - len(ordered)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    print(json.dumps(measure(args.clients, args.events, args.data_dir)))
