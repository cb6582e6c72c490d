"""Amazon Connect agent events -> Callboard agent state intervals (the state machine, one agent at a time).

Each event's current snapshot gives the agent's state; the contacts win over the status the agent set:

| snapshot | Callboard state |
|---|---|
| a contact CONNECTED or CONNECTED_ONHOLD | `on_contact` |
| else a contact INCOMING, PENDING or CONNECTING | `connecting` |
| else a contact MISSED, REJECTED or ERROR | `error` |
| else a contact ENDED (the agent is in after-contact work) | `acw` |
| else status type ROUTABLE (or name Available) | `available` |
| else status type OFFLINE (or name Offline), or a LOGOUT event | `offline` |
| else (a custom status: Break, Lunch, Training...) | `aux`, reason = the status name |

A new interval starts at the event's time, except after-contact work, which starts at the
StateStartTimestamp of the contact's ENDED state (Amazon's own rule, determine-acw-time.md); the
interval before it ends there. An agent's first event with no earlier state also yields the state of
its PreviousAgentSnapshot, from that snapshot's own start time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_TALKING = {"CONNECTED", "CONNECTED_ONHOLD"}
_RINGING = {"INCOMING", "PENDING", "CONNECTING"}
_FAILED = {"MISSED", "REJECTED", "ERROR"}


@dataclass(frozen=True)
class Contact:
    contact_id: str | None
    state: str
    started_at: dt.datetime | None


@dataclass(frozen=True)
class Snapshot:
    status_name: str | None
    status_type: str | None
    status_start: dt.datetime | None
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class Event:
    agent_id: str
    event_type: str
    at: dt.datetime
    current: Snapshot
    previous: Snapshot | None


@dataclass(frozen=True)
class Interval:
    agent_id: str
    state: str
    reason: str | None
    started_at: dt.datetime
    ended_at: dt.datetime | None = None

    @property
    def record_id(self) -> str:
        """Stable: the agent ARN and the start, so a later file closes the same row."""
        return f"{self.agent_id}|{self.started_at.isoformat(timespec='microseconds')}"


def derive(snapshot: Snapshot, event_type: str = "") -> tuple[str, str | None]:
    """(state, reason) of one snapshot, by the table in the module docstring."""
    states = {c.state for c in snapshot.contacts}
    if event_type == "LOGOUT":
        return "offline", None
    for group, state in ((_TALKING, "on_contact"), (_RINGING, "connecting"), (_FAILED, "error")):
        if states & group:
            return state, None
    if "ENDED" in states:
        return "acw", None
    kind = (snapshot.status_type or "").upper()
    name = snapshot.status_name
    if kind == "ROUTABLE" or (not kind and name == "Available"):
        return "available", None
    if kind == "OFFLINE" or (not kind and name == "Offline"):
        return "offline", None
    return "aux", name


def _start(snapshot: Snapshot, state: str, fallback: dt.datetime, *, first: bool) -> dt.datetime:
    """When the snapshot's state began: ACW from the ENDED contact; a first state from its own stamps."""
    wanted = {"on_contact": _TALKING, "connecting": _RINGING, "error": _FAILED, "acw": {"ENDED"}}.get(state)
    if wanted is not None and (state == "acw" or first):
        stamps = [c.started_at for c in snapshot.contacts if c.state in wanted and c.started_at is not None]
        stamps = [s for s in stamps if s <= fallback]
        if stamps:
            return max(stamps)
    if wanted is None and first and snapshot.status_start is not None and snapshot.status_start <= fallback:
        return snapshot.status_start
    return fallback


def intervals(events: Iterable[Event], current: Interval | None) -> Iterator[Interval]:
    """Closed intervals in time order, then the still-open one (ended_at None) last.

    `events` belong to one agent, sorted by time; `current` is the state an earlier file left open.
    """
    for event in events:
        if current is not None and event.at < current.started_at:
            continue  # older than what is already known: a late duplicate
        state, reason = derive(event.current, event.event_type)
        if current is None:
            if event.previous is not None:
                before = derive(event.previous)
                if before != (state, reason):
                    start = _start(event.previous, before[0], event.at, first=True)
                    current = Interval(event.agent_id, before[0], before[1], start)
            start = _start(event.current, state, event.at, first=True)
            if current is not None and current.started_at < start:
                yield Interval(current.agent_id, current.state, current.reason, current.started_at, start)
            current = Interval(event.agent_id, state, reason, start)
            continue
        if (state, reason) == (current.state, current.reason):
            continue
        start = max(_start(event.current, state, event.at, first=False), current.started_at)
        if start > current.started_at:
            yield Interval(current.agent_id, current.state, current.reason, current.started_at, start)
        current = Interval(event.agent_id, state, reason, start)
    if current is not None:
        yield current
