"""Amazon Connect contact records (CTRs) -> Callboard contacts, queue entries and agent segments.

`callboard ingest connect-ctr FILE...` reads CTR exports as JSON lines, a JSON array, or objects
concatenated as Kinesis Data Firehose writes them (gzip too). Steps: split into records
(connect_json) -> parse and check every record in one DuckDB pass (connect_ctr_parse) -> keep the
newest copy of each record -> join the legs of transfer chains, including legs read from earlier files
(connect_chains, a DuckDB file of chain legs attached to the parse's connection) -> build the canonical
tables (connect_ctr_build).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors import connect_chains, connect_sql
from callboard.ingest.connectors.connect_ctr_build import build, dedupe_sql
from callboard.ingest.connectors.connect_ctr_parse import AttributeKeys, parse_parts
from callboard.ingest.connectors.connect_json import finish, open_records, recheck
from callboard.records.batch import Cursor, LoadBatch

_DEFAULTS = AttributeKeys()


def looks_like_ctr(value: object) -> bool:
    """A decoded object shaped like a top-level contact record (used to resume after a broken record)."""
    return isinstance(value, dict) and ("ContactId" in value or "AWSContactTraceRecordFormatVersion" in value)


@dataclass(frozen=True)
class ConnectCtrConnector:
    name: str = "connect-ctr"
    default_source: str = "amazon_connect"
    summary: str = "Amazon Connect contact records (CTR stream / Firehose export: JSON lines, array or concatenated)"
    valid_record: str = (
        "one JSON object with ContactId, InitiationMethod (not MONITOR), Channel (VOICE, CHAT, TASK or EMAIL), "
        "InitiationTimestamp and LastUpdateTimestamp as ISO 8601 times; every time, duration (seconds >= 0) and "
        "NumberOfHolds that is present must parse; a queued record names its queue, a connected one its Agent.ARN"
    )
    options: tuple[ConnectorOption, ...] = (
        ConnectorOption("topic_attributes", "contact attribute(s) holding the topic, comma-separated, first wins",
                        default=",".join(_DEFAULTS.topic)),
        ConnectorOption("disposition_attributes", "contact attribute(s) holding the disposition code",
                        default=",".join(_DEFAULTS.disposition)),
        ConnectorOption("resolved_attributes", "contact attribute(s) flagging resolution (true/yes/1, false/no/0)",
                        default=",".join(_DEFAULTS.resolved)),
        ConnectorOption("customer_attributes", "contact attribute(s) holding a customer id (else the phone number)",
                        default=""),
        ConnectorOption("queue_id", "queue identity: 'name' (Queue.Name, else ARN) or 'arn'", default="name"),
        ConnectorOption("chain_retention_days", "days the legs of transfer chains are remembered for later files",
                        kind="int", default=30, minimum=0),
    )
    follows: bool = False

    def read(
        self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue], context: ReadContext
    ) -> LoadBatch:
        opened = open_records(path, cursor, context.source, looks_like_ctr)
        text, where, records, batch = opened.text, opened.where, opened.records, opened.batch
        keys = AttributeKeys(
            topic=AttributeKeys.parse(options.get("topic_attributes")),
            disposition=AttributeKeys.parse(options.get("disposition_attributes")),
            resolved=AttributeKeys.parse(options.get("resolved_attributes")),
            customer=AttributeKeys.parse(options.get("customer_attributes")),
        )
        queue_by = str(options.get("queue_id") or "name").strip().lower()
        if queue_by not in ("name", "arn"):
            raise InvalidInput(f"--queue-id {queue_by!r} is not a queue identity", hint="use name or arn")
        retention_days = int(options["chain_retention_days"])  # type: ignore[arg-type]
        if context.progress:
            context.progress(0, records.rows_read)
        con = connect_sql.connection()
        try:
            parts, batch.rejections, records = parse_parts(
                con, records, file=str(path), keys=keys, queue_by=queue_by,
                recheck=lambda: recheck(text.data, **where),  # type: ignore[arg-type]
            )
            text.digest.start()  # the file's sha256 runs beside the chain join, build and store write
            if parts:
                remember = _join_chains(con, parts, context.settings.data_dir, context.source, retention_days)
                writing = _CHAIN_WRITER.submit(remember) if remember else None  # beside the build, on its own cursor
                try:
                    tables = build(con, context.source)
                finally:
                    if writing is not None:
                        writing.result()  # written before the store load; its failure fails the read
                for name, table in tables.items():
                    if table.num_rows:
                        batch.add(name, table)
        finally:
            con.close()
        batch.rows_read = records.rows_read
        if context.progress:
            context.progress(records.rows_read, records.rows_read)
        return finish(opened, self.name, context.stream, records)


def _join_chains(con: duckdb.DuckDBPyConnection, count: int, data_dir: Path, source: str,
                 retention_days: int) -> Callable[[], None] | None:
    """Define `_parts`: this file's newest copy of each part (`_good`) plus every remembered leg of its chains,
    one row per ContactId. Returns the update of the chain file (remember this file's chained legs, forget old
    ones) for the caller to run before the store load, or None when the file has no chained leg."""
    distinct = con.execute("SELECT count(DISTINCT contact_id) FROM _good").fetchone()
    batch = "_good" if distinct and distinct[0] == count else f"({dedupe_sql('_good')})"
    # a table of the in-memory database (not TEMP): the update reads it from its own cursor
    con.execute(
        f"""CREATE OR REPLACE TABLE _chained AS SELECT * EXCLUDE (line) FROM {batch}
        WHERE chain_id <> contact_id OR next_contact_id IS NOT NULL"""
    )
    chained = con.execute("SELECT count(*) FROM _chained").fetchone()
    known = 0
    if chained and chained[0]:
        connect_chains.attach(con, data_dir)
        columns = connect_chains.prepare(con, "_good", data_dir)
        known = connect_chains.known_legs(con, columns, source, "_chained")
    if known:
        union = f"(SELECT * FROM {batch} UNION ALL BY NAME SELECT * FROM _ledger_parts)"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _parts AS {dedupe_sql(union)}")
    elif batch == "_good":
        con.execute("CREATE OR REPLACE TEMP VIEW _parts AS SELECT * FROM _good")
    else:  # a table, not a view: the build reads `_parts` several times
        con.execute(f"CREATE OR REPLACE TEMP TABLE _parts AS SELECT * FROM {batch}")
    if not (chained and chained[0]):
        return None
    writer = con.cursor()

    def remember() -> None:
        try:
            connect_chains.remember(writer, source, "_chained", retention_days)
        finally:
            writer.close()

    return remember


_CHAIN_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="connect-chains")


CONNECTOR = ConnectCtrConnector()
