"""An in-process event hub: whoever changes the data publishes, every open wallboard stream wakes up.

Publishers are threads (the queue_log follower, request handlers); subscribers are the server's
asyncio streams (server-sent events) or plain threads (benchmarks). The hub only says *something
changed* and counts versions; each stream then builds its own snapshot for its own viewer and scope.
"""

from __future__ import annotations

import asyncio
import threading


class Subscription:
    """One stream's doorbell: `await wait(timeout)` is True when the hub published since the last wait."""

    def __init__(self, hub: EventHub, loop: asyncio.AbstractEventLoop) -> None:
        self._hub = hub
        self._loop = loop
        self._event = asyncio.Event()

    def _ring(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._event.set)
        except RuntimeError:  # the loop is closed: the stream is gone
            self._hub.unsubscribe(self)

    async def wait(self, timeout_s: float) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout_s)
        except asyncio.TimeoutError:
            return False
        self._event.clear()
        return True

    def close(self) -> None:
        self._hub.unsubscribe(self)


class EventHub:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._version = 0
        self._subscribers: set[Subscription] = set()
        self.last_reason = ""

    @property
    def version(self) -> int:
        with self._cond:
            return self._version

    @property
    def subscribers(self) -> int:
        with self._cond:
            return len(self._subscribers)

    def publish(self, reason: str) -> int:
        """Something changed (`reason` is for logs and the snapshot's debug field); returns the new version."""
        with self._cond:
            self._version += 1
            self.last_reason = reason
            version = self._version
            ring = list(self._subscribers)
            self._cond.notify_all()
        for subscription in ring:
            subscription._ring()
        return version

    def subscribe(self, loop: asyncio.AbstractEventLoop | None = None) -> Subscription:
        subscription = Subscription(self, loop or asyncio.get_running_loop())
        with self._cond:
            self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._cond:
            self._subscribers.discard(subscription)

    def wait_for_version(self, after: int, timeout_s: float) -> int:
        """Block a thread until the version passes `after` (or the timeout); returns the version then."""
        with self._cond:
            self._cond.wait_for(lambda: self._version > after, timeout=timeout_s)
            return self._version
