"""The queue_log connector's cursor state: what one read hands the next, saved as JSON with the load.

- `carry`: the lines of calls not finished yet (and of calls finished in the last few minutes of log
  time, so a caller moved on to a second queue is rebuilt whole), with their file and line number;
- `agents`: each agent's open state interval and what it is made of (asterisk_states.AgentContext);
- `bad`: calls quarantined for a malformed line, so their later lines are quarantined too;
- `horizon_us`: the latest log time seen, which ages the carried calls;
- `lines`: complete lines of the current file read so far, for line numbers in quarantine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from callboard.ingest.connectors.asterisk_states import AgentContext

VERSION = 1


@dataclass(frozen=True)
class CarryState:
    carry: tuple[tuple[str, int, str], ...] = ()
    agents: dict[str, AgentContext] = field(default_factory=dict)
    bad: dict[str, int] = field(default_factory=dict)  # callid -> last log time seen (µs)
    horizon_us: int = 0
    lines: int = 0


def decode(text: str | None) -> CarryState:
    """The state saved by the last read; a missing or foreign state starts afresh (lines are re-read)."""
    if not text:
        return CarryState()
    try:
        raw = json.loads(text)
        if raw.get("v") != VERSION:
            return CarryState()
        files = raw["files"]
        carry = tuple((files[f], int(line), str(text_)) for f, line, text_ in raw["carry"])
        agents = {a: AgentContext(s, r, int(t), b, br, int(n), tuple(q)) for a, (s, r, t, b, br, n, q)
                  in raw["agents"].items()}
        return CarryState(carry, agents, {k: int(v) for k, v in raw["bad"].items()}, int(raw["horizon_us"]),
                          int(raw["lines"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return CarryState()


def encode(state: CarryState) -> str:
    files: dict[str, int] = {}
    carry = [[files.setdefault(f, len(files)), line, text] for f, line, text in state.carry]
    agents = {a: [c.state, c.reason, c.since_us, c.base, c.base_reason, c.active_calls, list(c.queues)]
              for a, c in sorted(state.agents.items())}
    return json.dumps({"v": VERSION, "files": list(files), "carry": carry, "agents": agents,
                       "bad": dict(sorted(state.bad.items())), "horizon_us": state.horizon_us,
                       "lines": state.lines}, separators=(",", ":"), ensure_ascii=False)
