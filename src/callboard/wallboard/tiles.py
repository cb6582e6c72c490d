"""Turn waiting contacts, KPI rows and state intervals into queue tiles, agent rows and state counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from callboard.wallboard.data import StoredState
from callboard.wallboard.live import LiveAgent, Waiting
from callboard.wallboard.model import (
    STATE_ORDER,
    AgentRow,
    QueueTile,
    StateCount,
    Thresholds,
    higher_is_better,
    lower_is_better,
    state_colour,
    worst,
)


@dataclass(frozen=True)
class QueueInfo:
    """What the board knows about a queue besides its figures: name, channel and thresholds (and their source)."""

    name: str
    channel: str | None
    thresholds: Thresholds
    source: str


def _count(row: dict[str, Any], name: str) -> int:
    value = row.get(name)
    return int(value) if isinstance(value, (int, float)) else 0


def _rate(row: dict[str, Any], name: str) -> float | None:
    value = row.get(name)
    return float(value) if isinstance(value, (int, float)) else None


def tile(queue_id: str, waiting: list[Waiting], row: dict[str, Any], as_of: dt.datetime, t: Thresholds,
         info: QueueInfo | None = None) -> QueueTile:
    oldest = min((w.since for w in waiting), default=None)
    longest = max((as_of - oldest).total_seconds(), 0.0) if oldest is not None else None
    sl, abandon = _rate(row, "service_level"), _rate(row, "abandon_rate")
    return QueueTile(
        queue_id=queue_id, waiting=len(waiting), longest_wait_s=longest, oldest_since=oldest,
        offered=_count(row, "offered"), answered=_count(row, "answered"), abandoned=_count(row, "abandoned"),
        service_level=sl, abandon_rate=abandon,
        service_level_colour=higher_is_better(sl, t.service_level_target, t.service_level_amber_from),
        abandon_colour=lower_is_better(abandon, t.abandon_green_max, t.abandon_amber_max),
        wait_colour=lower_is_better(longest, t.wait_amber_s, t.wait_red_s) if longest is not None else "green",
        name=info.name if info else queue_id, channel=info.channel if info else None, thresholds=t,
        threshold_source=info.source if info else "",
    )


def queue_tiles(queues: frozenset[str], waiting: list[Waiting], per_queue: dict[str, dict[str, Any]],
                total: dict[str, Any], as_of: dt.datetime, t: Thresholds,
                info: dict[str, QueueInfo] | None = None) -> tuple[tuple[QueueTile, ...], QueueTile, bool]:
    """One tile per queue (busiest first: most waiting, then most offered), each judged against its own
    thresholds (`info`, else `t`), and the scope's total; True when the queues' thresholds differ.

    The total is judged against the queues' common thresholds, or `t` (the default) when they differ; its
    longest-wait colour is then the worst of the queues' (a chat wait of 1 min is late, an email's is not)."""
    info = info or {}
    tiles = [tile(q, [w for w in waiting if w.queue_id == q], per_queue.get(q, {}), as_of,
                  info[q].thresholds if q in info else t, info.get(q)) for q in queues]
    tiles.sort(key=lambda x: (-x.waiting, -x.offered, x.queue_id))
    used = {x.thresholds for x in tiles}
    mixed = len(used) > 1
    common = next(iter(used)) if len(used) == 1 and None not in used else t
    total_tile = tile("total", waiting, total, as_of, common)
    if mixed:
        wait = worst([x.wait_colour for x in tiles if x.waiting])
        total_tile = replace(total_tile, name="", wait_colour="green" if wait == "none" else wait)
    else:
        total_tile = replace(total_tile, name="")
    return tuple(tiles), total_tile, mixed


def agent_rows(stored: list[StoredState], pushed: dict[str, LiveAgent], names: dict[str, str],
               as_of: dt.datetime, t: Thresholds) -> list[AgentRow]:
    """Each agent's current state: the newer of the loaded interval and the pushed event."""
    current: dict[str, tuple[str, str | None, dt.datetime, str]] = {
        s.agent_id: (s.state, s.reason, s.since, "store") for s in stored}
    for agent_id, event in pushed.items():
        known = current.get(agent_id)
        if known is None or event.since >= known[2]:
            current[agent_id] = (event.state, event.reason, event.since, "event")
    rows = []
    for agent_id, (state, reason, since, source) in current.items():
        seconds = max((as_of - since).total_seconds(), 0.0)
        rows.append(AgentRow(agent_id, names.get(agent_id, ""), state, reason if state == "aux" else None, since,
                             seconds, state_colour(state, seconds, t), source))
    order = {s: i for i, s in enumerate(STATE_ORDER)}
    rows.sort(key=lambda r: (order.get(r.state, len(order)), r.reason or "", -r.time_in_state_s, r.agent_id))
    return rows


def state_counts(rows: list[AgentRow]) -> tuple[StateCount, ...]:
    """Agents per state (aux split by pause reason), in board order."""
    counts = Counter((r.state, r.reason if r.state == "aux" else None) for r in rows)
    order = {s: i for i, s in enumerate(STATE_ORDER)}
    keys = sorted(counts, key=lambda k: (order.get(k[0], len(order)), k[1] or ""))
    return tuple(StateCount(state, reason, counts[(state, reason)]) for state, reason in keys)
