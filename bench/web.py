"""Web benchmark: overview, agent and scorecard pages under 20 concurrent signed-in clients, plus the
wallboard's event latency, on the KPI benchmark's synthetic contact centre.

    cd /work/main && uv run python bench/web.py                       # 10M contacts (first run prepares ~6 min)
    cd /work/main && uv run python bench/web.py --rows 1000000        # quicker: 1M contacts
    options: --data-dir DIR (kept and reused; default /tmp/callboard-bench-web-<rows>), --clients N (20),
             --rounds N (10), --seed S, --no-wallboard, --server-src DIR (serve another checkout's src/,
             e.g. `git archive` of an older commit, to measure before/after)

1. Data (bench/web_data.py): `bench/synth.py` contacts (200 agents, 10 queues, 90 days) loaded through
   `DuckDBStore.load`, plus two sites, nine teams with effective-dated memberships and 20 sign-ins of
   every role (admin, manager, QA analyst, planner, 8 supervisors, 10 agents). Prepared once per
   --data-dir and reused.
2. `callboard serve` in its own process on loopback (so the clients' threads do not share its GIL).
3. `--clients` threads (httpx), each signed in as a different user, request in a loop: the overview
   `/`, and for roles that see agents the agent page `/agents/{id}` and the scorecard page
   `/scorecards/agent/{id}` of an agent in their scope (agents: their own; supervisors: three of
   their team's agents in turn; manager/admin/QA: two or three agents of their sites). Planners see
   aggregates only, so they load the overview. Every response must be 200.
   Phase "first visit": each client opens each of its pages once (the server computes them: a cold
   cache). Phase "measured": `--rounds` rounds over the same pages (what users reopening and
   refreshing their dashboards get; the result cache is keyed on the data version, so a load in
   between would make these cold again). Latency = request sent to response body read.
4. The wallboard's append-to-SSE latency with 20 open streams (`bench/web_wallboard.measure`) on the
   same data directory (it follows a fresh queue_log, which adds about 20 contacts in a queue named
   `bench-...`).

Last line: one JSON object with p50/p95 per page (measured phase and first visits), the wallboard
latency, the load average, and whether the targets (p95 < 150 ms per page, wallboard p95 < 2 s) hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.web_data import PASSWORD, BenchUser, prepare, users  # noqa: E402

TARGET_P95_MS = 150.0
TARGET_WALLBOARD_P95_S = 2.0
PAGES = ("overview", "agent", "scorecard")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, server_src: Path | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ)
    if server_src is not None:
        env["PYTHONPATH"] = str(server_src / "src") + os.pathsep + env.get("PYTHONPATH", "")
    code = "import sys; from callboard.cli.main import app; sys.argv[0] = 'callboard'; app()"
    log = open(data_dir / "bench-web-server.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--data-dir", str(data_dir), "--port", str(port),
                             "--no-open"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped (exit {proc.returncode}); see {data_dir / 'bench-web-server.log'}")
        try:
            if httpx.get(url + "/login", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.terminate()
    raise SystemExit("the server did not start within 300 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def pages_of(user: BenchUser, agent: str | None) -> list[tuple[str, str]]:
    out = [("overview", "/")]
    if agent is not None:
        out += [("agent", f"/agents/{agent}"), ("scorecard", f"/scorecards/agent/{agent}")]
    return out


class Client(threading.Thread):
    """One signed-in user requesting their pages; records (phase, page, seconds)."""

    def __init__(self, url: str, user: BenchUser, rounds: int, start: threading.Barrier,
                 between: threading.Barrier) -> None:
        super().__init__(name=f"bench-{user.username}", daemon=True)
        self.url, self.user, self.rounds = url, user, rounds
        self.start_barrier, self.between = start, between
        self.samples: list[tuple[str, str, float]] = []
        self.errors: list[str] = []

    def _get(self, client: httpx.Client, phase: str, page: str, path: str) -> None:
        started = time.perf_counter()
        try:
            response = client.get(path)
            body = response.content
        except httpx.HTTPError as exc:
            self.errors.append(f"{self.user.username} {path}: {type(exc).__name__}: {exc}")
            return
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or b"<html" not in body[:500].lower():
            self.errors.append(f"{self.user.username} {path}: HTTP {response.status_code}")
            return
        self.samples.append((phase, page, elapsed))

    def run(self) -> None:
        agents: list[str | None] = list(self.user.agents) or [None]
        try:
            with closing(httpx.Client(base_url=self.url, timeout=httpx.Timeout(600))) as client:
                response = client.post("/api/v1/session", json={"username": self.user.username, "password": PASSWORD})
                response.raise_for_status()
                self.start_barrier.wait()
                for agent in agents:  # first visit: every page of the working set once
                    for page, path in pages_of(self.user, agent):
                        if page == "overview" and agent != agents[0]:
                            continue
                        self._get(client, "first", page, path)
                self.between.wait()
                for r in range(self.rounds):
                    for page, path in pages_of(self.user, agents[r % len(agents)]):
                        self._get(client, "measured", page, path)
        except threading.BrokenBarrierError:
            self.errors.append(f"{self.user.username}: a barrier broke (another client failed)")
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"{self.user.username}: {type(exc).__name__}: {exc}")
            self.start_barrier.abort()
            self.between.abort()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.999999) - 1))]


def summarise(samples: list[tuple[str, str, float]], phase: str) -> dict[str, dict[str, float]]:
    by_page: dict[str, list[float]] = defaultdict(list)
    for ph, page, seconds in samples:
        if ph == phase:
            by_page[page].append(seconds * 1000)
    return {page: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 0.95), 1),
                   "max_ms": round(max(v), 1), "n": len(v)}
            for page in PAGES if (v := by_page.get(page))}


def run_pages(url: str, clients: int, rounds: int) -> tuple[list[tuple[str, str, float]], list[str], float]:
    chosen = users()[:clients]
    if clients > len(chosen):
        raise SystemExit(f"--clients {clients}: the benchmark data has {len(chosen)} sign-ins")
    start, between = threading.Barrier(len(chosen)), threading.Barrier(len(chosen))
    threads = [Client(url, user, rounds, start, between) for user in chosen]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ([s for t in threads for s in t.samples], [e for t in threads for e in t.errors],
            time.perf_counter() - started)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000, help="contacts (default 10,000,000)")
    ap.add_argument("--seed", type=int, default=20260105)
    ap.add_argument("--data-dir", type=Path, help="kept and reused (default /tmp/callboard-bench-web-<rows>)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=10, help="measured rounds per client after the first visit")
    ap.add_argument("--no-wallboard", action="store_true", help="skip the wallboard event latency")
    ap.add_argument("--wallboard-events", type=int, default=20)
    ap.add_argument("--server-src", type=Path, help="serve the callboard package from DIR/src (another checkout)")
    args = ap.parse_args()

    data_dir = (args.data_dir or Path(f"/tmp/callboard-bench-web-{args.rows}")).resolve()
    load_start = os.getloadavg()
    print(f"Callboard web benchmark: {args.rows:,} contacts, {args.clients} clients, {args.rounds} rounds, "
          f"{os.cpu_count()} cores, load average {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    started = time.perf_counter()
    info = prepare(data_dir, args.rows, args.seed)
    print(f"data: {data_dir} ({'reused' if info['reused'] else f'prepared in {time.perf_counter() - started:.0f} s'})")

    proc, url = start_server(data_dir, args.server_src)
    try:
        samples, errors, wall_s = run_pages(url, args.clients, args.rounds)
    finally:
        stop_server(proc)
    load_pages = os.getloadavg()
    if errors:
        print("\n".join(["!!! errors:", *errors[:20]]), file=sys.stderr)
    measured, first = summarise(samples, "measured"), summarise(samples, "first")
    print(f"\n{'page':<10} {'phase':<12} {'n':>5} {'p50':>10} {'p95':>10} {'max':>10}")
    for phase, table in (("first visit", first), ("measured", measured)):
        for page, s in table.items():
            print(f"{page:<10} {phase:<12} {s['n']:>5} {s['p50_ms']:>8.1f}ms {s['p95_ms']:>8.1f}ms {s['max_ms']:>8.1f}ms")
    print(f"pages: {len(samples)} responses in {wall_s:.1f} s, {len(errors)} errors; "
          f"load average after: {load_pages[0]:.2f}")

    wallboard: dict[str, Any] = {}
    if not args.no_wallboard:
        from bench.web_wallboard import measure

        wallboard = measure(clients=20, events=args.wallboard_events, data_dir=data_dir)
        print(f"wallboard: event latency p50 {wallboard['wallboard_event_latency_p50_s']} s, "
              f"p95 {wallboard['wallboard_event_latency_p95_s']} s over {wallboard['wallboard_deliveries']} deliveries")

    pages_met = bool(measured) and all(s["p95_ms"] < TARGET_P95_MS for s in measured.values()) and not errors
    wb_p95 = wallboard.get("wallboard_event_latency_p95_s")
    summary = {
        "benchmark": "web", "date": dt.date.today().isoformat(), "rows": args.rows, "clients": args.clients,
        "rounds": args.rounds, "seed": args.seed,
        "pages": measured, "first_visit": first, "errors": len(errors), "pages_wall_s": round(wall_s, 1),
        **wallboard,
        "target_p95_ms": TARGET_P95_MS, "pages_target_met": pages_met,
        "wallboard_target_met": None if wb_p95 is None else wb_p95 < TARGET_WALLBOARD_P95_S,
        "load_avg_start": [round(x, 2) for x in load_start], "load_avg_after_pages": [round(x, 2) for x in load_pages],
        "server_src": str(args.server_src) if args.server_src else None,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
    }
    print(json.dumps(summary))
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
