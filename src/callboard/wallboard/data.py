"""The wallboard's reads from the analytics store (Ibis): states at an instant, waits, memberships.

Every function takes naive UTC instants, as the store holds them, and bounds its scan to a few days
around the instant so a large store answers quickly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis

from callboard.org.members_now import team_members_at
from callboard.store.base import AnalyticsStore
from callboard.wallboard.live import Waiting

STATE_LOOKBACK = dt.timedelta(days=3)  # an interval still running began at most this long ago
WAIT_LOOKBACK = dt.timedelta(hours=12)
QUEUE_HISTORY = dt.timedelta(days=28)  # a team serves the queues its agents answered in these days


@dataclass(frozen=True)
class StoredState:
    agent_id: str
    state: str
    reason: str | None
    since: dt.datetime


def fetch(store: AnalyticsStore, expr: Any) -> list[dict[str, Any]]:
    to_arrow = getattr(store, "to_pyarrow", None)  # DuckDB: Arrow straight away, no pandas
    if to_arrow is not None:
        return to_arrow(expr).to_pylist()  # type: ignore[no-any-return]
    return store.execute(expr).to_dict("records")  # type: ignore[attr-defined,no-any-return]


def _ts(value: Any) -> dt.datetime:
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value  # type: ignore[no-any-return]


def data_version(store: AnalyticsStore) -> tuple[int, str]:
    """Changes with every load (a follow poll that finds nothing writes no batch)."""
    t = store.table("load_batches")
    rows = fetch(store, t.aggregate(n=t.count(), last=t.finished_at.max()))
    row = rows[0] if rows else {"n": 0, "last": None}
    return int(row["n"] or 0), str(row["last"])


def latest_entry_before(store: AnalyticsStore, end: dt.datetime) -> dt.datetime | None:
    t = store.table("queue_entries")
    rows = fetch(store, t.filter(t.enqueued_at < end).aggregate(last=t.enqueued_at.max()))
    value = rows[0]["last"] if rows else None
    return None if value is None or value != value else _ts(value)


def busiest_hour(store: AnalyticsStore, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    """The start of the UTC hour with the most queue entries in [start, end)."""
    t = store.table("queue_entries").filter(lambda t: (t.enqueued_at >= start) & (t.enqueued_at < end))
    hour = t.enqueued_at.truncate("h").name("hour")
    rows = fetch(store, t.group_by(hour).aggregate(n=t.count()).order_by([ibis.desc("n"), "hour"]).limit(1))
    return _ts(rows[0]["hour"]) if rows else None


def states_at(store: AnalyticsStore, instant: dt.datetime, agents: frozenset[str] | None) -> list[StoredState]:
    """Each agent's interval covering `instant` (an open interval covers every later instant)."""
    t = store.table("agent_states")
    covering = t.filter((t.started_at <= instant) & (t.started_at >= instant - STATE_LOOKBACK)
                        & (t.ended_at.isnull() | (t.ended_at > instant)))
    if agents is not None:
        covering = covering.filter(t.agent_id.isin(sorted(agents)))
    rows = fetch(store, covering.select("agent_id", "state", "reason", "started_at"))
    latest: dict[str, StoredState] = {}
    for row in rows:
        since = _ts(row["started_at"])
        known = latest.get(row["agent_id"])
        if known is None or since > known.since:
            reason = row["reason"] if isinstance(row["reason"], str) else None
            latest[row["agent_id"]] = StoredState(row["agent_id"], row["state"], reason, since)
    return list(latest.values())


def waiting_at(store: AnalyticsStore, instant: dt.datetime, queues: frozenset[str] | None) -> list[Waiting]:
    """Contacts in a queue at `instant` by the loaded entries (enqueued, not yet dequeued)."""
    t = store.table("queue_entries")
    inside = t.filter((t.enqueued_at <= instant) & (t.enqueued_at >= instant - WAIT_LOOKBACK)
                      & (t.dequeued_at.isnull() | (t.dequeued_at > instant)))
    if queues is not None:
        inside = inside.filter(t.queue_id.isin(sorted(queues)))
    rows = fetch(store, inside.select("source", "contact_id", "queue_id", "enqueued_at"))
    return [Waiting(r["source"], r["contact_id"], r["queue_id"], _ts(r["enqueued_at"])) for r in rows]


def members_at(store: AnalyticsStore, team_id: str, instant: dt.datetime) -> frozenset[str]:
    return team_members_at(store, [team_id], instant)


def agent_names(store: AnalyticsStore) -> dict[str, str]:
    t = store.table("agents")
    return {r["agent_id"]: r["display_name"] or "" for r in fetch(store, t.select("agent_id", "display_name"))}


def queues_seen(store: AnalyticsStore, end: dt.datetime, agents: frozenset[str] | None) -> frozenset[str]:
    """Queues with entries in the 28 days before `end`; with `agents`, only those the agents answered."""
    start = end - QUEUE_HISTORY
    if agents is None:
        t = store.table("queue_entries")
        recent = t.filter((t.enqueued_at >= start) & (t.enqueued_at < end))
        return frozenset(r["queue_id"] for r in fetch(store, recent.select("queue_id").distinct()))
    if not agents:
        return frozenset()
    s = store.table("agent_segments")
    served = s.filter((s.connected_at >= start) & (s.connected_at < end) & s.agent_id.isin(sorted(agents))
                      & s.queue_id.notnull())
    return frozenset(r["queue_id"] for r in fetch(store, served.select("queue_id").distinct()))


def identities_of(store: AnalyticsStore, source: str) -> dict[str, str]:
    """Source identity -> Callboard agent id (identities never mapped stand for themselves)."""
    return {identity: agent for _src, identity, agent in store.identity_rows(source)}


def agents_serving(store: AnalyticsStore, queues: frozenset[str], end: dt.datetime) -> frozenset[str]:
    """Agents who answered any of `queues` in the 28 days before `end`."""
    if not queues:
        return frozenset()
    s = store.table("agent_segments")
    served = s.filter((s.connected_at >= end - QUEUE_HISTORY) & (s.connected_at < end) & s.queue_id.isin(sorted(queues)))
    return frozenset(r["agent_id"] for r in fetch(store, served.select("agent_id").distinct()))


CHANNEL_LOOKBACK = dt.timedelta(days=7)


def queue_channels(store: AnalyticsStore, queues: frozenset[str], end: dt.datetime) -> dict[str, str]:
    """Each queue's channel: the one most of its entries in the 7 days up to `end` came in on (ties: by name)."""
    if not queues:
        return {}
    t = store.table("queue_entries")
    recent = t.filter((t.enqueued_at >= end - CHANNEL_LOOKBACK) & (t.enqueued_at <= end)
                      & t.queue_id.isin(sorted(queues)))
    rows = fetch(store, recent.group_by(["queue_id", "channel"]).aggregate(n=recent.count()))
    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        queue, channel, n = row["queue_id"], row["channel"], int(row["n"])
        known = best.get(queue)
        if known is None or n > known[0] or (n == known[0] and channel < known[1]):
            best[queue] = (n, channel)
    return {queue: channel for queue, (_, channel) in best.items()}
