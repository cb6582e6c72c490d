"""The Asterisk queue_log connector: `callboard ingest queue-log FILE... [--follow]`.

Reads `epoch|callid|queue|agent|event|data...` lines from where the cursor stopped (asterisk_files),
splits and checks them in bulk (asterisk_parse), builds contacts, queue entries, agent segments and
agent states for all calls and agents at once (asterisk_read, asterisk_calls, asterisk_states), and
hands the next read the lines of calls still in progress (asterisk_cursor). A gzip-compressed file
(`queue_log.1.gz`) is read as its text; a UTF-8 byte-order mark and Windows line ends are ignored. See
docs/connectors/asterisk.md for the mapping and its choices.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors import asterisk_cursor, asterisk_files
from callboard.ingest.connectors.asterisk_parse import parse_lines, raw_lines
from callboard.ingest.connectors.asterisk_read import process
from callboard.ingest.connectors.gzip_files import is_gzip
from callboard.records.batch import Cursor, LoadBatch


def _members(path: OptionValue) -> dict[str, str]:
    """`--members`: a CSV `interface,member_name` (PJSIP/1001,Alice) folding interfaces into names."""
    if path is None or path == "":
        return {}
    try:
        frame = pl.read_csv(Path(str(path)), infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InvalidInput(f"cannot read the members file {path}: {exc}",
                           hint="a CSV with header interface,member_name") from exc
    if {"interface", "member_name"} - set(frame.columns):
        raise InvalidInput(f"{path}: the members file needs the columns interface,member_name",
                           hint="one line per queue member, e.g. PJSIP/1001,Alice")
    pairs = frame.select("interface", "member_name").drop_nulls().iter_rows()
    return {interface.strip(): name.strip() for interface, name in pairs}


@dataclass(frozen=True)
class QueueLogConnector:
    name: str = "queue-log"
    default_source: str = "asterisk"
    summary: str = "Asterisk queue_log (app_queue): calls, queue entries, agent segments and agent states."
    valid_record: str = (
        "a call (all lines sharing its callid) whose lines are all intact; a broken line is quarantined "
        "with its line number and takes its call with it; other calls and agent lines are unaffected")
    options: tuple[ConnectorOption, ...] = (
        ConnectorOption("members", "CSV interface,member_name: read lines naming an interface (PJSIP/1001) "
                                   "as that member's name, so membership and call lines share one agent.", "path"),
    )
    follows: bool = True

    def check_follow(self, path: Path) -> None:
        """`--follow` tails a growing file: a gzip-compressed one (`queue_log.1.gz`) never grows, so following it
        is refused in one line before anything is read."""
        try:
            packed = is_gzip(path)
        except OSError:
            return  # missing or unreadable: the read says so
        if packed:
            raise InvalidInput(f"{path} is gzip-compressed: a compressed queue_log does not grow, so --follow "
                               "cannot tail it", hint="load the .gz files without --follow, then follow the live "
                               "queue_log (e.g. /var/log/asterisk/queue_log)")

    def read(self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue],
             context: ReadContext) -> LoadBatch:
        batch = LoadBatch(source=context.source, file=str(path), file_sha256=None)
        carried = asterisk_cursor.decode(cursor.state if cursor else None)
        position = cursor.position if cursor else 0
        fingerprint = cursor.fingerprint if cursor else None
        try:
            if cursor is not None and asterisk_files.unchanged(path, position, fingerprint):
                batch.cursor = cursor  # nothing new: the follow loop writes nothing
                return batch
            found = asterisk_files.read_new(path, position=position, fingerprint=fingerprint, lines=carried.lines)
        except (OSError, UnicodeError) as exc:
            raise InvalidInput(f"cannot read {path}: {exc}", hint="name a readable Asterisk queue_log file") from exc
        new_bytes = sum(len(c.data) for c in found.chunks)
        if context.progress:
            context.progress(0, new_bytes)
        if new_bytes == 0:
            state = dataclasses.replace(carried, lines=found.lines)
            batch.cursor = Cursor(self.name, context.stream, found.position, found.fingerprint,
                                  cursor.state if cursor and state == carried else asterisk_cursor.encode(state))
            return batch
        lines = parse_lines(raw_lines(found.chunks, carried.carry))
        members = _members(options.get("members"))
        if members:
            lines = lines.with_columns(pl.col("agent").replace(members))
        batch.rows_read = int(lines.get_column("new").sum())
        result = process(lines, carried, context.source)
        for name, frame in result.tables.items():
            if frame.height:  # in one chunk: the store writes a table of many small Arrow chunks 40% slower
                batch.add(name, frame.rechunk().to_arrow())
        batch.rejections = result.rejections
        state = dataclasses.replace(result.state, lines=found.lines)
        batch.cursor = Cursor(self.name, context.stream, found.position, found.fingerprint,
                              asterisk_cursor.encode(state))
        if context.progress:
            context.progress(new_bytes, new_bytes)
        return batch


CONNECTOR = QueueLogConnector()
