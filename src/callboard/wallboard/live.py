"""Events a contact platform pushes to `POST /api/v1/wallboard/events`, and the live state they build.

Three event types (JSON, `type` tells them apart):

- `contact_queued`: a contact entered a queue (`contact_id`, `queue_id`, `at`);
- `contact_left_queue`: it left the queue (answered, abandoned, flowed out...);
- `agent_state`: an agent's state changed (`agent_id`, `state`, `reason` for aux, `at`).

The live state lives in memory, in the server process: waiting contacts and agents' current states.
It drives the real-time parts of the board (waiting now, longest wait, agents by state); today's
service level and abandon rate come from loaded data only, so a pushed event is never counted twice
when the platform's records are loaded later.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from callboard.records.schemas import AGENT_STATES, OUTCOMES

STALE_WAIT_S = 4 * 3600.0  # a pushed contact with no news for 4 hours is dropped (its end was lost)
AgentStateName = Literal[AGENT_STATES]  # type: ignore[valid-type]
OutcomeName = Literal[OUTCOMES]  # type: ignore[valid-type]

_ID = Field(min_length=1, max_length=200)


class ContactQueued(BaseModel):
    type: Literal["contact_queued"]
    contact_id: Annotated[str, _ID]
    queue_id: Annotated[str, _ID]
    at: dt.datetime | None = Field(default=None, description="when (ISO 8601; no offset = UTC); default: receipt")
    source: Annotated[str, Field(min_length=1, max_length=100)] = "events"


class ContactLeftQueue(BaseModel):
    type: Literal["contact_left_queue"]
    contact_id: Annotated[str, _ID]
    queue_id: Annotated[str, _ID]
    outcome: OutcomeName | None = None  # type: ignore[valid-type]
    at: dt.datetime | None = None
    source: Annotated[str, Field(min_length=1, max_length=100)] = "events"


class AgentStateChanged(BaseModel):
    type: Literal["agent_state"]
    agent_id: Annotated[str, _ID]
    state: AgentStateName  # type: ignore[valid-type]
    reason: Annotated[str, Field(max_length=200)] | None = None
    at: dt.datetime | None = None


WallboardEvent = Annotated[ContactQueued | ContactLeftQueue | AgentStateChanged, Field(discriminator="type")]


class EventBatch(BaseModel):
    """The body of `POST /api/v1/wallboard/events`."""

    events: list[WallboardEvent] = Field(min_length=1, max_length=1000)


@dataclass(frozen=True)
class Waiting:
    source: str
    contact_id: str
    queue_id: str
    since: dt.datetime  # naive UTC


@dataclass(frozen=True)
class LiveAgent:
    agent_id: str
    state: str
    reason: str | None
    since: dt.datetime  # naive UTC


def naive_utc(value: dt.datetime | None, default: dt.datetime) -> dt.datetime:
    if value is None:
        return default
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


class LiveState:
    """Waiting contacts and agent states pushed by platforms; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[tuple[str, str], Waiting] = {}
        self._agents: dict[str, LiveAgent] = {}

    def apply(self, events: list[ContactQueued | ContactLeftQueue | AgentStateChanged], now: dt.datetime) -> int:
        """Apply events in order; returns how many changed the state (older news is ignored)."""
        changed = 0
        with self._lock:
            for event in events:
                at = naive_utc(event.at, now)
                if isinstance(event, ContactQueued):
                    self._waiting[(event.source, event.contact_id)] = Waiting(
                        event.source, event.contact_id, event.queue_id, at)
                    changed += 1
                elif isinstance(event, ContactLeftQueue):
                    known = self._waiting.get((event.source, event.contact_id))
                    if known is not None and known.queue_id == event.queue_id and known.since <= at:
                        del self._waiting[(event.source, event.contact_id)]
                        changed += 1
                else:
                    known_agent = self._agents.get(event.agent_id)
                    if known_agent is None or known_agent.since <= at:
                        reason = event.reason if event.state == "aux" else None
                        self._agents[event.agent_id] = LiveAgent(event.agent_id, event.state, reason, at)
                        changed += 1
        return changed

    def waiting(self, now: dt.datetime) -> list[Waiting]:
        with self._lock:
            stale = [k for k, w in self._waiting.items() if (now - w.since).total_seconds() > STALE_WAIT_S]
            for key in stale:
                del self._waiting[key]
            return list(self._waiting.values())

    def agents(self) -> dict[str, LiveAgent]:
        with self._lock:
            return dict(self._agents)

    def empty(self) -> bool:
        with self._lock:
            return not self._waiting and not self._agents
