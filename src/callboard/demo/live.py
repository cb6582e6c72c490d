"""A live demo feed: a synthetic Asterisk queue_log written in real time, for the wallboard.

`synthetic_lines` simulates a small contact centre (Poisson arrivals, agents who answer, talk, pause
for a break, callers who give up) and returns its queue_log lines in time order; `write_live` appends
them to a file as their time comes, as Asterisk would. Follow the file with the server
(`callboard serve --follow-queue-log FILE`, or `POST /api/v1/wallboard/follow`) and the wallboard
shows callers waiting, agents changing state and today's service level moving.

    uv run python -m callboard.demo.live /tmp/demo/live/queue_log --minutes 30

Agents and queues default to the demo's (a001.. and q_billing, q_tech, q_sales...), so the board
shows the demo's names. Deterministic for a seed and start time.
"""

from __future__ import annotations

import argparse
import heapq
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# queue -> agents who serve it (the demo's voice teams: Care, Tech, Sales)
DEMO_ROSTER: dict[str, tuple[str, ...]] = {
    "q_billing": tuple(f"a{i:03d}" for i in range(1, 10)),
    "q_retention": ("a010", "a011", "a013"),
    "q_tech": tuple(f"a{i:03d}" for i in range(14, 24)),
    "q_sales": tuple(f"a{i:03d}" for i in range(24, 29)),
}
PAUSE_REASONS = ("Break", "Break", "Lunch", "Coaching")


@dataclass(frozen=True)
class LiveProfile:
    calls_per_minute: float = 6.0  # across all queues
    talk_mean_s: float = 110.0
    patience_mean_s: float = 100.0  # a caller's wait before hanging up (exponential)
    pause_chance: float = 0.08  # after a call, an agent pauses with this probability
    pause_mean_s: float = 240.0
    logged_in_share: float = 0.6  # agents logged in at the start (the rest stay offline)


@dataclass(order=True)
class _Event:
    at: float
    seq: int
    kind: str = field(compare=False)
    data: tuple[str, ...] = field(compare=False)


def synthetic_lines(start: float, seconds: float, *, roster: dict[str, tuple[str, ...]] | None = None,
                    profile: LiveProfile = LiveProfile(), seed: int = 7) -> list[tuple[float, str]]:
    """(epoch, queue_log line) pairs for `seconds` of activity from `start`, in time order."""
    rng = random.Random(seed)
    roster = roster or DEMO_ROSTER
    out: list[tuple[float, str]] = []
    events: list[_Event] = []
    seq = 0

    def line(at: float, callid: str, queue: str, agent: str, event: str, *data: object) -> None:
        out.append((at, "|".join([str(int(at)), callid, queue, agent, event, *map(str, data)])))

    def schedule(at: float, kind: str, *data: str) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, _Event(at, seq, kind, data))

    free: dict[str, bool] = {}
    queues_of: dict[str, list[str]] = {}
    for queue, agents in roster.items():
        for agent in agents:
            queues_of.setdefault(agent, []).append(queue)
    for agent, queues in sorted(queues_of.items()):
        if rng.random() > profile.logged_in_share:
            continue
        for queue in queues:
            line(start, "NONE", queue, agent, "ADDMEMBER", "")
        free[agent] = True
    waiting: dict[str, list[tuple[str, float]]] = {q: [] for q in roster}  # queue -> [(callid, entered)]
    gap = 60.0 / profile.calls_per_minute
    schedule(start + rng.expovariate(1 / gap), "arrive")
    n = 0

    def try_connect(now: float) -> None:
        for queue, callers in waiting.items():
            while callers:
                idle = [a for a in roster[queue] if free.get(a)]
                if not idle:
                    break
                agent = rng.choice(idle)
                callid, entered = callers.pop(0)
                free[agent] = False
                hold = int(now - entered)
                line(now, callid, queue, agent, "CONNECT", hold, f"{callid}-b", rng.randint(2000, 9000))
                talk = max(20.0, rng.expovariate(1 / profile.talk_mean_s))
                schedule(now + talk, "end", callid, queue, agent, str(hold), str(int(talk)))

    while events and events[0].at < start + seconds:
        event = heapq.heappop(events)
        now = event.at
        if event.kind == "arrive":
            n += 1
            queue = rng.choices(list(roster), weights=[len(a) for a in roster.values()])[0]
            callid = f"live-{int(start)}-{n:05d}"
            line(now, callid, queue, "NONE", "ENTERQUEUE", "", f"07{rng.randint(100000000, 999999999)}", 1)
            waiting[queue].append((callid, now))
            schedule(now + rng.expovariate(1 / profile.patience_mean_s), "give_up", callid, queue)
            schedule(now + rng.expovariate(1 / gap), "arrive")
        elif event.kind == "give_up":
            callid, queue = event.data
            match = [c for c in waiting[queue] if c[0] == callid]
            if match:
                waiting[queue].remove(match[0])
                line(now, callid, queue, "NONE", "ABANDON", 1, 1, int(now - match[0][1]))
        elif event.kind == "end":
            callid, queue, agent, hold, talk = event.data
            line(now, callid, queue, agent, "COMPLETECALLER", hold, talk, 1)
            if rng.random() < profile.pause_chance:
                line(now + 1, "NONE", queue, agent, "PAUSE", rng.choice(PAUSE_REASONS))
                schedule(now + 1 + rng.expovariate(1 / profile.pause_mean_s), "unpause", agent, queue)
            else:
                free[agent] = True
        elif event.kind == "unpause":
            agent, queue = event.data
            line(now, "NONE", queue, agent, "UNPAUSE", "")
            free[agent] = True
        try_connect(now)
    out.sort(key=lambda item: item[0])
    return out


def write_live(path: Path, seconds: float, *, roster: dict[str, tuple[str, ...]] | None = None,
               profile: LiveProfile = LiveProfile(), seed: int = 7, stop: threading.Event | None = None,
               clock: Callable[[], float] = time.time) -> int:
    """Append the simulation's lines to `path` as their time comes; returns how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    start = clock()
    lines = synthetic_lines(start, seconds, roster=roster, profile=profile, seed=seed)
    stop = stop or threading.Event()
    written = 0
    with path.open("a", encoding="utf-8") as out:
        for at, text in lines:
            if stop.wait(max(0.0, at - clock())):
                break
            out.write(text + "\n")
            out.flush()
            written += 1
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic Asterisk queue_log in real time.")
    parser.add_argument("file", type=Path, help="the queue_log to append to (its name must start with queue_log "
                                                "for the server's follower)")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--calls-per-minute", type=float, default=LiveProfile.calls_per_minute)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    profile = LiveProfile(calls_per_minute=args.calls_per_minute)
    print(f"appending to {args.file} for {args.minutes:g} minutes (Ctrl-C stops)", flush=True)
    try:
        written = write_live(args.file, args.minutes * 60, profile=profile, seed=args.seed)
    except KeyboardInterrupt:
        return
    print(f"{written} lines written", flush=True)


if __name__ == "__main__":
    main()
