"""Amazon Connect contact records (CTRs) -> Callboard contacts, queue entries and agent segments.

`callboard ingest connect-ctr FILE...` reads CTR exports as JSON lines, a JSON array, or objects
concatenated as Kinesis Data Firehose writes them (gzip too). Steps: split into records
(connect_json) -> parse and check every record in one DuckDB pass (connect_ctr_parse) -> keep the
newest copy of each record -> join the legs of transfer chains, including legs read from earlier files
(connect_ledger, whose update is written in a thread while DuckDB builds) -> build the canonical tables
(connect_ctr_build).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from callboard.core.errors import InvalidInput
from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors import connect_sql
from callboard.ingest.connectors.connect_ctr_build import build, dedupe_sql
from callboard.ingest.connectors.connect_ctr_parse import AttributeKeys, parse_parts
from callboard.ingest.connectors.connect_json import finish, open_records, recheck
from callboard.ingest.connectors.connect_ledger import Ledger
from callboard.records.batch import Cursor, LoadBatch

LEDGER_KIND = "ctr_part"
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
                        kind="int", default=30),
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
        if context.progress:
            context.progress(0, records.rows_read)
        con = connect_sql.connection()
        try:
            parts, batch.rejections, records = parse_parts(
                con, records, file=str(path), keys=keys, queue_by=queue_by,
                recheck=lambda: recheck(text.data, **where),  # type: ignore[arg-type]
            )
            if parts:
                retention = int(options.get("chain_retention_days") or 30)  # type: ignore[arg-type]
                with Ledger.open(context.settings.data_dir) as ledger:
                    remember = _join_chains(con, parts, ledger, context.source, retention)
                    writing = _LEDGER_WRITER.submit(remember)  # SQLite writes beside DuckDB's build
                    try:
                        tables = build(con, context.source)
                    except BaseException:
                        wait([writing])  # the ledger is closed only once its writer is done
                        raise
                    writing.result()
                    for name, table in tables.items():
                        if table.num_rows:
                            batch.add(name, table)
        finally:
            con.close()
        batch.rows_read = records.rows_read
        if context.progress:
            context.progress(records.rows_read, records.rows_read)
        return finish(opened, self.name, context.stream, records)


def _join_chains(con: duckdb.DuckDBPyConnection, count: int, ledger: Ledger, source: str,
                 retention_days: int) -> Callable[[], None]:
    """Define `_parts`: this file's newest copy of each part (`_good`) plus every remembered leg of its chains,
    one row per ContactId. Returns the ledger update (remember this file's chained legs, forget old ones),
    for the caller to run before the load."""
    distinct = con.execute("SELECT count(DISTINCT contact_id) FROM _good").fetchone()
    batch = "_good" if distinct and distinct[0] == count else f"({dedupe_sql('_good')})"
    chained = con.execute(
        f"""SELECT contact_id, chain_id, epoch_us(last_update), to_json(p) FROM (SELECT * EXCLUDE (line) FROM {batch}
            WHERE chain_id <> contact_id OR next_contact_id IS NOT NULL) p"""
    ).fetchall()
    known = ledger.groups(LEDGER_KIND, source, {row[1] for row in chained}) if chained else []
    if known:
        con.register("_ledger_bodies", pa.table({"body": pa.array([e.body for e in known], pa.string())}))
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _ledger_parts AS
            SELECT unnest(json_transform(body, {connect_sql.quote(_structure(connect_sql.arrow(con.sql("SELECT * FROM _good LIMIT 0")).schema))})), 0 AS line
            FROM _ledger_bodies"""
        )
        union = f"(SELECT * FROM {batch} UNION ALL BY NAME SELECT * FROM _ledger_parts)"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _parts AS {dedupe_sql(union)}")
    elif batch == "_good":
        con.execute("CREATE OR REPLACE TEMP VIEW _parts AS SELECT * FROM _good")
    else:  # a table, not a view: the build reads `_parts` several times
        con.execute(f"CREATE OR REPLACE TEMP TABLE _parts AS SELECT * FROM {batch}")

    def remember() -> None:
        if chained:
            ledger.keep_newest_rows(LEDGER_KIND, source, chained)
            newest = max(row[2] for row in chained)
            ledger.prune(LEDGER_KIND, source, older_than_us=newest - retention_days * 86_400_000_000)

    return remember


_LEDGER_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="connect-ledger")
_SQL_TYPES = {pa.string(): "VARCHAR", pa.large_string(): "VARCHAR", pa.int64(): "BIGINT", pa.int32(): "INTEGER",
              pa.bool_(): "BOOLEAN", pa.timestamp("us"): "TIMESTAMP"}


def _structure(schema: pa.Schema) -> str:
    """The json_transform structure reading back a remembered part (written by DuckDB's to_json)."""
    fields = {f.name: _SQL_TYPES.get(f.type, "VARCHAR") for f in schema if f.name != "line"}
    return json.dumps(fields)


CONNECTOR = ConnectCtrConnector()
