"""Real-time adherence: who is out of adherence now, since when, in which state and reason (pure).

An agent is listed when, at `now`, they are in a tracked scheduled activity, not inside an approved
exception, and their state does not match it; `out_since` is the start of the unbroken non-adherent
run ending at `now` (looking back at most `lookback`). Runs shorter than the grace threshold are held back
(`grace_s`, default 5 minutes), so a late click does not alarm a supervisor.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from callboard.workforce.adherence import (
    CALLBOARD,
    AdherenceVariant,
    ApprovedException,
    ScheduledSpan,
    StateSpan,
    timeline,
)

DEFAULT_GRACE_S = 300


@dataclass(frozen=True)
class AgentNow:
    agent_id: str
    scheduled_activity: str | None
    state: str | None
    reason: str | None
    status: str  # adherent | non_adherent | exception | unscheduled
    out_since: dt.datetime | None
    out_for_s: float
    alarm: bool  # non-adherent for at least the grace threshold


def agent_now(agent_id: str, activities: list[ScheduledSpan], states: list[StateSpan],
              exceptions: list[ApprovedException], now: dt.datetime, *, grace_s: float = DEFAULT_GRACE_S,
              variant: AdherenceVariant = CALLBOARD, lookback: dt.timedelta = dt.timedelta(hours=12)) -> AgentNow:
    # the instant `now` is the one-second piece [now, now + 1 s): a shift starting at `now` is on, one ending
    # at `now` is over; a state reaching `now` (open intervals are ended at `now` by the caller) is current
    tick = now + dt.timedelta(seconds=1)
    current_states = [StateSpan(s.agent_id, s.state, s.start, tick if s.end >= now else s.end, s.reason)
                      for s in states]
    segs = timeline(activities, current_states, exceptions, variant, now - lookback, tick)
    if not segs:
        return AgentNow(agent_id, None, None, None, "unscheduled", None, 0.0, False)
    current = segs[-1]
    since: dt.datetime | None = None
    if current.status == "non_adherent":
        since = current.start
        for seg in reversed(segs[:-1]):
            if seg.status != "non_adherent" or seg.end != since:
                break
            since = seg.start
    out_for = (now - since).total_seconds() if since else 0.0
    return AgentNow(agent_id, current.activity, current.state, current.reason, current.status, since, out_for,
                    since is not None and out_for >= grace_s)


def board(activities: list[ScheduledSpan], states: list[StateSpan], exceptions: list[ApprovedException],
          agent_ids: list[str], now: dt.datetime, *, grace_s: float = DEFAULT_GRACE_S,
          variant: AdherenceVariant = CALLBOARD) -> list[AgentNow]:
    """Every agent in `agent_ids`; alarms first, longest out first."""
    acts: dict[str, list[ScheduledSpan]] = defaultdict(list)
    sts: dict[str, list[StateSpan]] = defaultdict(list)
    exc: dict[str, list[ApprovedException]] = defaultdict(list)
    for a in activities:
        acts[a.agent_id].append(a)
    for s in states:
        sts[s.agent_id].append(s)
    for e in exceptions:
        exc[e.agent_id].append(e)
    rows = [agent_now(a, acts[a], sts[a], exc[a], now, grace_s=grace_s, variant=variant) for a in agent_ids]
    return sorted(rows, key=lambda r: (not r.alarm, -r.out_for_s, r.agent_id))
