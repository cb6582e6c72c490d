"""WallboardService: what a live wallboard shows now, for one viewer and one queue, team or everything.

A snapshot joins three feeds:

- loaded data (the analytics store): today's service level and abandon rate per queue through the
  KPI service (catalog defaults, organisation time zone), agents' current state intervals;
- the queue_log connector's cursor state: callers waiting now (see wallboard/queue_log.py);
- events pushed to the HTTP endpoint (wallboard/live.py): waiting contacts and agent states.

With nothing today (the demo, a quiet night) it *replays* the latest day with data at the current
time of day (or that day's busiest hour when nobody worked at that time): that day's figures, who
was waiting and each agent's state at that moment. `hub` wakes the open streams after every change.

Callers that share the analytics connection with other threads (the web app) hold its lock around
`snapshot`, `check_for_loads` and loads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from callboard.core.settings import Settings
from callboard.core.timeutil import period, zone
from callboard.core.viewer import Viewer
from callboard.metrics.names import queue_names
from callboard.store.base import AnalyticsStore
from callboard.wallboard import data
from callboard.wallboard import scope as scopes
from callboard.wallboard.hub import EventHub
from callboard.wallboard.live import AgentStateChanged, ContactLeftQueue, ContactQueued, LiveState
from callboard.wallboard.model import Thresholds, WallboardSnapshot
from callboard.wallboard.queue_log import queue_log_live
from callboard.wallboard.tiles import QueueInfo, agent_rows, queue_tiles, state_counts

KPI_METRICS = ("offered", "answered", "abandoned", "service_level", "abandon_rate")
TOKEN_FILE = "wallboard-events.token"
QUEUE_FACTS_TTL_S = 300.0  # re-read queue channels and names this often
VERSION_CHECK_S = 1.0  # look for loads made by other paths (e.g. the CLI through the server) this often


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class WallboardService:
    def __init__(self, store: AnalyticsStore, settings: Settings, kpi: Any | None = None,
                 clock: Callable[[], dt.datetime] = _utc_now, org_settings: Any | None = None) -> None:
        self.store = store
        self.settings = settings
        self._kpi = kpi
        # callboard.org.settings_service.OrgSettingsService: each queue's thresholds (its own, else its
        # channel's, else the organisation default). Without it every queue uses `settings`' threshold.
        self.org_settings = org_settings
        self._queue_facts: dict[str, tuple[float, Any]] = {}  # "channels"/"names" -> (monotonic time, value)
        self.clock = clock
        self.hub = EventHub()
        self.live = LiveState()
        self.thresholds = Thresholds.for_threshold(settings.service_level_threshold_s)
        self.followers: dict[str, Any] = {}  # path -> wallboard.follower.Follower
        self._seen_version: tuple[int, str] | None = None
        self._checked_at = 0.0
        self._cache: dict[tuple[Any, ...], WallboardSnapshot] = {}
        self._cache_lock = threading.Lock()

    @property
    def kpi(self) -> Any:
        """The KPI service (the runtime's when given; otherwise one of our own on the same store)."""
        if self._kpi is None:
            from callboard.metrics.catalog import Catalog
            from callboard.metrics.service import KpiService

            catalog = Catalog.load([self.settings.data_dir / "metrics"])
            self._kpi = KpiService(store=self.store, catalog=catalog, settings=self.settings, clock=self.clock)
        return self._kpi

    # -- changes -------------------------------------------------------------------------------------
    def data_changed(self, reason: str = "load") -> int:
        """Tell the open wallboards that data changed (after a load); returns the hub's version."""
        return self.hub.publish(reason)

    def check_for_loads(self) -> bool:
        """Publish when a load happened by any path since the last look (at most once a second)."""
        if time.monotonic() - self._checked_at < VERSION_CHECK_S:
            return False
        self._checked_at = time.monotonic()
        version = data.data_version(self.store)
        if self._seen_version is None:
            self._seen_version = version
            return False
        if version == self._seen_version:
            return False
        self._seen_version = version
        self.hub.publish("load")
        return True

    def push_events(self, viewer: Viewer,
                    events: Sequence[ContactQueued | ContactLeftQueue | AgentStateChanged]) -> int:
        """Apply events pushed by a platform (admin or the event token); returns how many changed the state."""
        viewer.require("ingest")
        changed = self.live.apply(list(events), self._now())
        if changed:
            self.hub.publish("events")
        return changed

    # -- the board -----------------------------------------------------------------------------------
    def _now(self) -> dt.datetime:
        return self.clock().astimezone(dt.timezone.utc).replace(tzinfo=None)

    def snapshot(self, viewer: Viewer, queue_ids: Sequence[str] | None = None,
                 team_id: str | None = None) -> WallboardSnapshot:
        now = self._now()
        key = (viewer.role, viewer.agent_ids, viewer.team_ids, tuple(queue_ids or ()), team_id,
               self.hub.version, now.replace(microsecond=0))
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self._build(viewer, list(queue_ids or []), team_id, now)
        with self._cache_lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = result
        return result

    def _moment(self, now: dt.datetime, live_feed: bool) -> tuple[str, dt.datetime, dt.date]:
        """(mode, as_of, day): today now, or the latest day with data replayed at this time of day."""
        tz = zone(self.settings.time_zone)
        today = now.replace(tzinfo=dt.timezone.utc).astimezone(tz).date()
        day_start, day_end = _day_bounds(today, self.settings.time_zone)
        latest = data.latest_entry_before(self.store, day_end)
        if live_feed or latest is None or latest >= day_start:
            return "live", now, today
        day = latest.replace(tzinfo=dt.timezone.utc).astimezone(tz).date()
        start, end = _day_bounds(day, self.settings.time_zone)
        local_now = now.replace(tzinfo=dt.timezone.utc).astimezone(tz)
        wall = dt.datetime.combine(day, local_now.time().replace(microsecond=0), tz)
        as_of = wall.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if not any(s.state != "offline" for s in data.states_at(self.store, as_of, None)):
            busiest = data.busiest_hour(self.store, start, end)
            as_of = busiest + dt.timedelta(minutes=30) if busiest else as_of
        return "replay", as_of, day

    def _build(self, viewer: Viewer, queue_ids: list[str], team_id: str | None,
               now: dt.datetime) -> WallboardSnapshot:
        version = self.hub.version
        feed = queue_log_live(self.store)
        pushed_waiting = self.live.waiting(now)
        pushed_agents = self.live.agents()
        live_feed = bool(feed.waiting or feed.members or pushed_waiting or pushed_agents)
        mode, as_of, day = self._moment(now, live_feed)
        waiting = [*feed.waiting, *pushed_waiting] if mode == "live" else data.waiting_at(self.store, as_of, None)
        membership = scopes.Membership.from_queue_log(self.store, feed) if mode == "live" else scopes.Membership({})
        scope = scopes.resolve(self.store, viewer, queue_ids=queue_ids, team_id=team_id, as_of=as_of,
                               membership=membership, waiting_queues=frozenset(w.queue_id for w in waiting))
        waiting = [w for w in waiting if w.queue_id in scope.queues]
        per_queue, total = self._kpis(scope.queues, day)
        default_t, info = self._queue_info(scope.queues, as_of)
        tiles, total_tile, mixed = queue_tiles(scope.queues, waiting, per_queue, total, as_of, default_t, info)
        stored = data.states_at(self.store, as_of, scope.agents)
        overlay = {a: s for a, s in pushed_agents.items() if scope.agents is None or a in scope.agents} \
            if mode == "live" else {}
        names = data.agent_names(self.store)
        rows = agent_rows(stored, overlay, names, as_of, self.thresholds)
        notes = []
        title = scope.title
        if scope.kind == "queue":
            shown = sorted(info[q].name for q in scope.queues)
            title = f"Queue {shown[0]}" if len(shown) == 1 else f"Queues {', '.join(shown)}"
        if mode == "replay":
            notes.append(f"No contacts today yet: replaying {day.isoformat()} (the latest day with data) "
                         f"at {as_of:%H:%M} UTC.")
        return WallboardSnapshot(
            scope=scope.kind, scope_id=scope.scope_id, title=title, mode=mode, as_of=as_of, day=day,
            time_zone=self.settings.time_zone, total=total_tile, queues=tiles, states=state_counts(rows),
            agents=() if viewer.aggregates_only else tuple(r for r in rows if r.state != "offline"),
            agents_hidden=viewer.aggregates_only, thresholds=total_tile.thresholds or default_t, version=version,
            notes=tuple(notes), mixed_thresholds=mixed)

    def _cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """Queue channels and names change rarely: read them at most every QUEUE_FACTS_TTL_S seconds."""
        known = self._queue_facts.get(key)
        if known is not None and time.monotonic() - known[0] < QUEUE_FACTS_TTL_S:
            return known[1]
        value = compute()
        self._queue_facts[key] = (time.monotonic(), value)
        return value

    def _queue_info(self, queues: frozenset[str], as_of: dt.datetime) -> tuple[Thresholds, dict[str, QueueInfo]]:
        """The default thresholds and each queue's name, channel and thresholds (organisation settings:
        the queue's own, else its channel's, else the default)."""
        key = ",".join(sorted(queues))
        channels = self._cached(f"channels:{key}", lambda: data.queue_channels(self.store, queues, as_of))
        names = self._cached("names", lambda: queue_names(self.store))
        if self.org_settings is None:
            return self.thresholds, {q: QueueInfo(names.get(q, q), channels.get(q), self.thresholds, "settings")
                                     for q in queues}
        document = self.org_settings.current().document
        default = self.org_settings.thresholds_for(document=document)
        info = {}
        for q in queues:
            found = self.org_settings.thresholds_for(queue=q, channel=channels.get(q), document=document)
            t = Thresholds.for_target(found.service_level_target_ratio, found.service_level_threshold_s)
            info[q] = QueueInfo(names.get(q, q), channels.get(q), t, found.source)
        return Thresholds.for_target(default.service_level_target_ratio, default.service_level_threshold_s), info

    def _kpis(self, queues: frozenset[str], day: dt.date) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        """Today's counts and rates per queue and for all of them (ratio of sums), from the KPI service.

        Queue figures are aggregates of the whole queue; the scope was checked before (viewer=None)."""
        if not queues:
            return {}, {}
        where = {"queue": sorted(queues)}
        by_queue = self.kpi.query(metrics=list(KPI_METRICS), by=["queue"], from_date=day, to_date=day, where=where)
        total = self.kpi.query(metrics=list(KPI_METRICS), from_date=day, to_date=day, where=where)
        return {r["queue"]: r for r in by_queue.rows}, (total.rows[0] if total.rows else {})

    # -- the event endpoint's token ---------------------------------------------------------------------
    def issue_event_token(self, viewer: Viewer) -> str:
        """A new bearer token for `POST /api/v1/wallboard/events` (replaces the old one). Only its SHA-256
        is kept, in `<data_dir>/wallboard-events.token`; the token itself is shown once."""
        viewer.require("ingest")
        token = secrets.token_urlsafe(32)
        path = self.settings.data_dir / TOKEN_FILE
        path.write_text(_sha256(token) + "\n", encoding="utf-8")
        path.chmod(0o600)
        return token

    def event_token_valid(self, token: str) -> bool:
        path = self.settings.data_dir / TOKEN_FILE
        if not token or not path.is_file():
            return False
        return secrets.compare_digest(_sha256(token), path.read_text(encoding="utf-8").strip())

    def stop_followers(self) -> None:
        for follower in list(self.followers.values()):
            follower.stop()
        self.followers.clear()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _day_bounds(day: dt.date, time_zone: str) -> tuple[dt.datetime, dt.datetime]:
    p = period(day, day, time_zone)
    assert p.start_utc is not None and p.end_utc is not None
    return p.start_utc, p.end_utc
