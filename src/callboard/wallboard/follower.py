"""A server-side follower: a thread that polls a growing file, loads what is new and rings the hub.

The web app builds it with a `load` function that loads new lines under the analytics lock (one
DuckDB connection serves every request thread) and returns how many loads it made, as the
`callboard ingest queue-log --follow` loop does; each load then publishes a wallboard event.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("callboard.wallboard")


@dataclass(frozen=True)
class FollowerStatus:
    path: str
    connector: str
    running: bool
    loads: int
    polls: int
    started_at: dt.datetime
    last_load_at: dt.datetime | None
    last_error: str | None


class Follower:
    def __init__(self, path: Path, *, connector: str, load: Callable[[], int], on_loaded: Callable[[int], None],
                 poll_s: float = 0.25) -> None:
        self.path = path
        self.connector = connector
        self._load = load
        self._on_loaded = on_loaded
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"callboard-follow-{path.name}", daemon=True)
        self._loads = 0
        self._polls = 0
        self._started_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self._last_load_at: dt.datetime | None = None
        self._last_error: str | None = None

    def start(self) -> Follower:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=timeout_s)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def status(self) -> FollowerStatus:
        return FollowerStatus(str(self.path), self.connector, self.running, self._loads, self._polls,
                              self._started_at, self._last_load_at, self._last_error)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._polls += 1
            if self.path.exists():  # between logrotate's rename and the PBX reopening the file
                try:
                    loads = self._load()
                    self._last_error = None
                except Exception as exc:  # noqa: BLE001 - keep following; the status shows the error
                    self._last_error = str(exc)
                    log.warning("following %s: %s", self.path, exc)
                    loads = 0
                if loads:
                    self._loads += loads
                    self._last_load_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
                    self._on_loaded(loads)
            self._stop.wait(self.poll_s)
