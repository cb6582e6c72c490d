"""Callers waiting now, read from the Asterisk queue_log connector's cursor state.

The connector loads an unfinished call as an open contact but writes its queue entry only when the
visit ends (answered, abandoned, flowed out). The lines of every call still in progress travel in
the cursor state (see docs/connectors/asterisk.md), saved in the same transaction as each load. So
the callers waiting now are the visits in those carried lines with an ENTERQUEUE and no CONNECT,
exit or end yet. This works for any load path: `callboard serve --follow-queue-log`, the follower
started through the API, or `callboard ingest queue-log --follow` routed through a running server.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from callboard.ingest.connectors import asterisk_cursor
from callboard.ingest.connectors import asterisk_events as ev
from callboard.store.base import AnalyticsStore
from callboard.wallboard.data import fetch
from callboard.wallboard.live import Waiting

CONNECTOR = "queue-log"
SOURCE = "asterisk"
_CLOSES = frozenset({ev.CONNECT, *ev.EXITS, *ev.ENDS})


@dataclass(frozen=True)
class QueueLogLive:
    waiting: tuple[Waiting, ...]
    members: dict[str, frozenset[str]]  # source identity -> queues it is a member of now


def _instant(epoch: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(float(epoch), dt.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None


def waiting_from_lines(carried: tuple[tuple[str, int, str], ...], bad: frozenset[str] = frozenset()
                       ) -> list[Waiting]:
    """Visits entered and not yet connected or ended, from queue_log lines `epoch|callid|queue|agent|event|...`."""
    calls: dict[str, list[tuple[dt.datetime, int, int, str, str]]] = defaultdict(list)
    for order, (_file, _line, text) in enumerate(carried):
        parts = text.split("|")
        if len(parts) < 5 or parts[1] in bad or parts[1] in ev.NOT_A_CALL:
            continue
        at = _instant(parts[0])
        if at is None:
            continue
        calls[parts[1]].append((at, ev.RANK.get(parts[4], 1), order, parts[2], parts[4]))
    waiting = []
    for callid, lines in calls.items():
        open_since: dict[str, dt.datetime] = {}
        for at, _rank, _order, queue, event in sorted(lines):
            if event == ev.ENTER:
                open_since[queue] = at
            elif event in _CLOSES:
                open_since.pop(queue, None)
        waiting += [Waiting(SOURCE, callid, queue, since) for queue, since in open_since.items()]
    return waiting


def queue_log_live(store: AnalyticsStore) -> QueueLogLive:
    """Waiting callers and queue memberships from every queue_log stream's saved cursor state."""
    table = store.table("connector_cursors")
    rows = fetch(store, table.filter(table.connector == CONNECTOR).select("stream", "state"))
    waiting: list[Waiting] = []
    members: dict[str, set[str]] = defaultdict(set)
    for state_text in (r["state"] for r in rows):
        state = asterisk_cursor.decode(state_text)
        waiting += waiting_from_lines(state.carry, frozenset(state.bad))
        for identity, context in state.agents.items():
            if context.state != "offline":
                members[identity].update(q for q in context.queues if q != ev.AGENT_LOGIN_QUEUE)
    return QueueLogLive(tuple(waiting), {k: frozenset(v) for k, v in members.items()})
