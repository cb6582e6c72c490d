"""What a wallboard shows: frozen results, threshold colours and their JSON form.

Colours are `green`, `amber`, `red`, or `none` when there is nothing to judge (no contacts yet).
Times are naive UTC instants, as in the analytics store; durations are seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
# Agent states in board order (reference §1), then anything a source invents.
STATE_ORDER = ("on_contact", "connecting", "acw", "available", "aux", "error", "offline")


@dataclass(frozen=True)
class Thresholds:
    """When a number turns amber or red. The service-level threshold T comes from the settings."""

    service_level_threshold_s: float = 20.0
    service_level_target: float = 0.80  # green at or above
    service_level_amber_from: float = 0.70  # amber from here up to the target, red below
    abandon_green_max: float = 0.05  # green at or below
    abandon_amber_max: float = 0.10  # amber up to here, red above
    wait_amber_s: float = 20.0  # longest wait: green up to T
    wait_red_s: float = 60.0  # red beyond 3 T
    aux_amber_s: float = 900.0  # an agent in aux (pause) for 15 min turns amber ...
    aux_red_s: float = 1800.0  # ... and red at 30 min
    acw_amber_s: float = 120.0
    acw_red_s: float = 300.0

    @classmethod
    def for_threshold(cls, threshold_s: float) -> Thresholds:
        return cls(service_level_threshold_s=threshold_s, wait_amber_s=threshold_s, wait_red_s=3 * threshold_s)

    @classmethod
    def for_target(cls, target_ratio: float, threshold_s: float) -> Thresholds:
        """A queue's thresholds from the organisation settings (`thresholds_for(queue, channel)`): service level
        green from the target, amber down to 10 points below it; a wait amber from T, red from 3 T."""
        return cls(service_level_threshold_s=threshold_s, service_level_target=target_ratio,
                   service_level_amber_from=max(target_ratio - 0.10, 0.0), wait_amber_s=threshold_s,
                   wait_red_s=3 * threshold_s)


def higher_is_better(value: float | None, green_from: float, amber_from: float) -> str:
    if value is None:
        return NONE
    return GREEN if value >= green_from else AMBER if value >= amber_from else RED


def lower_is_better(value: float | None, green_max: float, amber_max: float) -> str:
    if value is None:
        return NONE
    return GREEN if value <= green_max else AMBER if value <= amber_max else RED


def worst(colours: list[str]) -> str:
    """The most alarming of some colours (red, then amber, then green); none when there is nothing to judge."""
    for colour in (RED, AMBER, GREEN):
        if colour in colours:
            return colour
    return NONE


def state_colour(state: str, seconds: float, t: Thresholds) -> str:
    if state == "aux":
        return lower_is_better(seconds, t.aux_amber_s, t.aux_red_s)
    if state == "acw":
        return lower_is_better(seconds, t.acw_amber_s, t.acw_red_s)
    if state == "error":
        return RED
    return NONE


@dataclass(frozen=True)
class QueueTile:
    """One queue (or the scope's total): waiting now and today so far."""

    queue_id: str
    waiting: int
    longest_wait_s: float | None  # the longest current wait, None when nobody waits
    oldest_since: dt.datetime | None  # when the longest waiting contact entered the queue
    offered: int
    answered: int
    abandoned: int
    service_level: float | None  # service_level (catalog default), None when nothing was offered
    abandon_rate: float | None
    service_level_colour: str
    abandon_colour: str
    wait_colour: str
    name: str = ""  # the queue's display name where the store knows one, else its id
    channel: str | None = None  # the channel most of the queue's recent contacts came in on
    thresholds: Thresholds | None = None  # what its colours were judged against
    threshold_source: str = ""  # queue:<id>, channel:<name>, default (organisation settings) or settings


@dataclass(frozen=True)
class AgentRow:
    agent_id: str
    name: str
    state: str
    reason: str | None
    since: dt.datetime
    time_in_state_s: float
    colour: str
    source: str  # "store" (loaded data) or "event" (pushed to the event endpoint)


@dataclass(frozen=True)
class StateCount:
    state: str
    reason: str | None
    agents: int


@dataclass(frozen=True)
class WallboardSnapshot:
    scope: str  # "all", "queue" or "team"
    scope_id: str | None
    title: str
    mode: str  # "live": today's figures; "replay": no data today, the latest day at this time of day
    as_of: dt.datetime  # the instant shown (now when live)
    day: dt.date | None  # the day the figures are for (organisation time zone)
    time_zone: str
    total: QueueTile
    queues: tuple[QueueTile, ...]
    states: tuple[StateCount, ...]
    agents: tuple[AgentRow, ...]  # empty for viewers who see aggregates only (planners)
    agents_hidden: bool  # True when the viewer may not see agents one by one
    thresholds: Thresholds
    version: int  # changes whenever loaded or pushed data changes
    notes: tuple[str, ...] = field(default=())
    mixed_thresholds: bool = False  # queues with different thresholds: each judged against its own

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z") \
            if value.tzinfo is None else value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return None if value != value else round(value, 6)
    return value
