"""Run any connector the same way: cursor in, identities mapped, one transaction, report out."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from callboard.core.errors import InvalidInput
from callboard.core.settings import Settings
from callboard.ingest.connector import Connector, OptionValue, Progress, ReadContext, option_values
from callboard.ingest.identities import apply_identity_map
from callboard.records.batch import LoadBatch, LoadReport
from callboard.store.base import AnalyticsStore


def stream_key(path: Path) -> str:
    return str(path.resolve())


def read_stream(
    connector: Connector, path: Path, *, store: AnalyticsStore, settings: Settings,
    options: Mapping[str, OptionValue], source: str | None, progress: Progress | None = None,
) -> LoadBatch:
    if not path.exists():
        raise InvalidInput(f"{path} does not exist", hint=f"name a file {connector.name} can read")
    stream = stream_key(path)
    context = ReadContext(settings=settings, source=source or connector.default_source, stream=stream,
                          progress=progress)
    cursor = store.read_cursor(connector.name, stream)
    return connector.read(path, cursor=cursor, options=option_values(connector, options), context=context)


def load_batch(batch: LoadBatch, store: AnalyticsStore) -> LoadReport:
    unmapped = apply_identity_map(batch, store)
    report = store.load(batch)
    return dataclasses.replace(report, unmapped_identities=unmapped)


def has_news(batch: LoadBatch, before: object) -> bool:
    """Worth a load: rows, rejections or a moved cursor (a follow poll that found nothing writes nothing)."""
    return bool(batch.rows_read or batch.rejections or any(t.num_rows for t in batch.tables.values())
                or batch.cursor != before)


def check_follow(connector: Connector, paths: list[Path]) -> None:
    """Refuse `--follow` before anything is read: a connector that cannot tail, or a file its connector says cannot
    grow (its optional `check_follow(path)`, e.g. a gzip-compressed queue_log)."""
    if not connector.follows:
        raise InvalidInput(f"connector {connector.name} cannot follow a file", hint="drop --follow")
    check = getattr(connector, "check_follow", None)
    if check is not None:
        for path in paths:
            check(path)


def follow(
    connector: Connector, paths: list[Path], *, store: AnalyticsStore, settings: Settings,
    options: Mapping[str, OptionValue], source: str | None, on_report: Callable[[LoadReport], None],
    stop: threading.Event, poll_s: float = 0.5,
) -> None:
    """Poll each file and load what is new until `stop` is set (Ctrl-C in the CLI).

    The connector's cursor handles the rest: a partial last line stays unread until it is complete, a
    rotated file (new fingerprint) is read from its start.
    """
    check_follow(connector, paths)
    while not stop.is_set():
        for path in paths:
            if not path.exists():  # between logrotate's rename and the PBX reopening the file
                continue
            before = store.read_cursor(connector.name, stream_key(path))
            batch = read_stream(connector, path, store=store, settings=settings, options=options, source=source)
            if has_news(batch, before):
                on_report(load_batch(batch, store))
        stop.wait(poll_s)
