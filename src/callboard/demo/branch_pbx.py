"""A branch office on Asterisk: the demo writes its `queue_log` and loads it with the real connector.

Six branch sales agents (b001-b006, in the Sales team) take calls on the branch PBX, where they are
PJSIP/2001..2006. The demo ties those identities to the agents (`callboard identities list --source
asterisk_branch`) and loads the log through `callboard ingest queue-log`'s code path, so the connector, its
cursor and the identity map show up populated: the branch queue appears beside the contact-center queues.
(They are their own agents: the same person logged in on two platforms at once would count their state
time twice, see docs/demo.md.)

Callers are real people: ENTERQUEUE carries the caller id in data2, which the connector keeps as the
contact's customer. About one caller in four is not sorted out and rings again (mostly within the week,
some after the 7-day FCR window), half of those who hang up in the queue try again soon after, and a few
withhold their number (an empty data2: no customer, so left out of FCR).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from callboard.ingest.service import IngestService
from callboard.records.batch import LoadBatch, LoadReport

BRANCH_SOURCE = "asterisk_branch"
BRANCH_QUEUE = "branch_sales"
AGENTS = {f"PJSIP/20{i:02d}": f"b00{i}" for i in range(1, 7)}  # PJSIP/2001 -> b001 ... PJSIP/2006 -> b006
NAMES = ("Rui Almeida", "Sofia Matos", "Tiago Nunes", "Inês Cardoso", "Bruno Lopes", "Marta Reis")
BRANCH_TEAM = "t_sales"
DAYS = 7
OPEN_H, CLOSE_H = 9, 17


UNRESOLVED = 0.25  # answered callers whose issue is not sorted out: they call again
RETRY = 0.5  # callers who hang up in the queue and try again
WITHHELD = 0.04  # callers who withhold their number (empty caller id)
HOUR_S, DAY_S = 3600.0, 86400.0


@dataclass
class _Agent:
    interface: str
    free_at: float


class _Callers:
    """Who is on the line: a caller due to ring again takes the next call that arrives after their time,
    anyone else is a new number (or a withheld one)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.due: list[tuple[float, str]] = []  # (earliest time they ring again, number)

    def next(self, t: float) -> str:
        if self.due and self.due[0][0] <= t:
            return heapq.heappop(self.due)[1]
        if self.rng.random() < WITHHELD:
            return ""
        return f"+35121{self.rng.randint(1000000, 9999999)}"

    def unresolved(self, caller: str, t: float) -> None:
        """An answered caller whose issue is open rings again: a third the same day, most within the week,
        some only after the 7-day FCR window."""
        if not caller or self.rng.random() >= UNRESOLVED:
            return
        kind = self.rng.random()
        lag = (self.rng.expovariate(1 / (3 * HOUR_S)) if kind < 0.35 else
               self.rng.uniform(0.5 * DAY_S, 7 * DAY_S) if kind < 0.9 else self.rng.uniform(7 * DAY_S, 12 * DAY_S))
        heapq.heappush(self.due, (t + 60 + lag, caller))

    def gave_up(self, caller: str, t: float) -> None:
        if caller and self.rng.random() < RETRY:
            heapq.heappush(self.due, (t + 60 + self.rng.expovariate(1 / 1200), caller))


def _day_lines(rng: random.Random, day: dt.date, first_id: int, callers: _Callers) -> list[tuple[float, str]]:
    start = dt.datetime.combine(day, dt.time(OPEN_H), tzinfo=dt.timezone.utc).timestamp()
    close = start + (CLOSE_H - OPEN_H) * 3600
    lines: list[tuple[float, str]] = []
    agents = [_Agent(i, start) for i in AGENTS]
    for agent in agents:
        lines.append((start - 60, f"NONE|{BRANCH_QUEUE}|{agent.interface}|ADDMEMBER|"))
        lunch = start + rng.randint(3 * 3600, 4 * 3600)
        lines.append((lunch, f"NONE|{BRANCH_QUEUE}|{agent.interface}|PAUSE|Lunch"))
        lines.append((lunch + 1800, f"NONE|{BRANCH_QUEUE}|{agent.interface}|UNPAUSE|"))
        agent.free_at = start
        lines.append((close + 600, f"NONE|{BRANCH_QUEUE}|{agent.interface}|REMOVEMEMBER|"))
    t, n = start, first_id
    while True:
        t += rng.expovariate(1 / 420)  # a call every 7 minutes on average
        if t >= close:
            break
        n += 1
        callid = f"{int(t)}.{n}"
        caller = callers.next(t)
        lines.append((t, f"{callid}|{BRANCH_QUEUE}|NONE|ENTERQUEUE||{caller}|1"))
        patience = rng.expovariate(1 / 90)
        agent = min(agents, key=lambda a: a.free_at)
        answer_at = max(t + rng.uniform(3, 12), agent.free_at)
        wait = answer_at - t
        if wait > patience:
            lines.append((t + patience, f"{callid}|{BRANCH_QUEUE}|NONE|ABANDON|1|1|{int(patience)}"))
            callers.gave_up(caller, t + patience)
            continue
        ring_s = rng.randint(2, 9)
        if rng.random() < 0.1:  # the first agent rung let it ring out
            other = rng.choice([a for a in agents if a is not agent])
            lines.append((t + 1, f"{callid}|{BRANCH_QUEUE}|{other.interface}|RINGNOANSWER|15000"))
        talk = int(max(40, rng.gauss(260, 90)))
        lines.append((answer_at, f"{callid}|{BRANCH_QUEUE}|{agent.interface}|CONNECT|{int(wait)}|{callid}|{ring_s}"))
        end = answer_at + talk
        ended_by = "COMPLETECALLER" if rng.random() < 0.6 else "COMPLETEAGENT"
        lines.append((end, f"{callid}|{BRANCH_QUEUE}|{agent.interface}|{ended_by}|{int(wait)}|{talk}|1"))
        callers.unresolved(caller, end)
        agent.free_at = end + rng.uniform(20, 60)  # Asterisk logs no wrap-up: the agent is simply busy
    return lines


def write_branch_log(path: Path, *, last_day: dt.date, days: int = DAYS, seed: int = 7) -> int:
    """Write `days` (at most DAYS) days of branch calls ending on `last_day`; returns the number of lines."""
    rng = random.Random(seed)
    callers = _Callers(rng)
    lines: list[tuple[float, str]] = []
    for offset in range(min(days, DAYS) - 1, -1, -1):
        day = last_day - dt.timedelta(days=offset)
        if day.weekday() < 6:  # the branch is closed on Sundays
            lines += _day_lines(rng, day, first_id=len(lines), callers=callers)
    lines.sort(key=lambda item: item[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{int(t)}|{text}\n" for t, text in lines), encoding="utf-8")
    return len(lines)


def branch_agents(first_day: dt.date) -> tuple[pa.Table, list[tuple[str, str, dt.datetime]]]:
    """The branch agents' display names (an `agents` table) and (agent, team, since) memberships."""
    agents = pa.table({"agent_id": list(AGENTS.values()), "display_name": list(NAMES)})
    since = dt.datetime.combine(first_day, dt.time()) - dt.timedelta(days=365)
    return agents, [(agent, BRANCH_TEAM, since) for agent in AGENTS.values()]


def load_branch_pbx(ingest: IngestService, data_dir: Path, *, last_day: dt.date, days: int = DAYS,
                    seed: int = 7) -> LoadReport:
    """Map the branch identities, write the branch queue_log under `data_dir/samples/` and load it."""
    ingest.map_identities([(BRANCH_SOURCE, interface, agent) for interface, agent in AGENTS.items()])
    log = data_dir / "samples" / "branch_queue_log"
    write_branch_log(log, last_day=last_day, days=days, seed=seed)
    [report] = ingest.ingest("queue-log", [log], source=BRANCH_SOURCE)
    names = LoadBatch(source=BRANCH_SOURCE, file="demo:branch agents", file_sha256=None)
    names.add("agents", branch_agents(last_day)[0])
    names.add("queues", pa.table({"queue_id": [BRANCH_QUEUE], "display_name": ["Sales (branch office)"],
                                  "channel": ["voice"]}))
    ingest.store.load(names)
    return report
