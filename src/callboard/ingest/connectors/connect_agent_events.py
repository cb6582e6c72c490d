"""Amazon Connect agent event stream -> Callboard agent state intervals.

`callboard ingest connect-agent-events FILE...` reads agent events (JSON lines, an array or Firehose's
concatenated objects, gzip too), checks each event in one DuckDB pass, and runs each agent's events
through the state machine in connect_agent_states. An agent's last state in a file stays open
(`ended_at` NULL, record id = agent ARN + start) and the next file closes it: the open state is
remembered in the connector ledger (connect_ledger) and in the file's cursor.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import duckdb
import pyarrow as pa

from callboard.ingest.connector import ConnectorOption, OptionValue, ReadContext
from callboard.ingest.connectors import connect_sql as q
from callboard.ingest.connectors.connect_agent_states import Contact, Event, Interval, Snapshot, intervals
from callboard.ingest.connectors.connect_json import Records, finish, open_records, recheck
from callboard.ingest.connectors.connect_ledger import Entry, Ledger
from callboard.records.batch import Cursor, LoadBatch, Rejection

LEDGER_KIND = "agent_open"
EVENT_TYPES = ("STATE_CHANGE", "HEART_BEAT", "LOGIN", "LOGOUT")
_CONTACTS = '[{"ContactId": "VARCHAR", "State": "VARCHAR", "StateStartTimestamp": "VARCHAR"}]'
_STATUS = '{"Name": "VARCHAR", "Type": "VARCHAR", "StartTimestamp": "VARCHAR"}'
_STRUCTURE = (
    '{"AgentARN": "VARCHAR", "EventId": "VARCHAR", "EventType": "VARCHAR", "EventTimestamp": "VARCHAR", '
    f'"CurrentAgentSnapshot": {{"AgentStatus": {_STATUS}, "Contacts": {_CONTACTS}}}, '
    f'"PreviousAgentSnapshot": {{"AgentStatus": {_STATUS}, "Contacts": {_CONTACTS}}}}}'
)


def looks_like_event(value: object) -> bool:
    return isinstance(value, dict) and ("EventType" in value or "AgentARN" in value)


def _snapshot_sql(name: str) -> str:
    contact = (f"list_transform(r.{name}.Contacts, c -> {{'id': c.ContactId, 'state': upper(trim(c.State)), "
               f"'start': {q.ts('c.StateStartTimestamp')}}})")
    return (f"{{'present': r.{name} IS NOT NULL, 'name': nullif(trim(r.{name}.AgentStatus.Name), ''), "
            f"'type': upper(nullif(trim(r.{name}.AgentStatus.Type), '')), "
            f"'start': {q.ts(f'r.{name}.AgentStatus.StartTimestamp')}, 'contacts': {contact}}}")


_COLUMNS = f"""nullif(trim(r.AgentARN), '') AS agent_id, nullif(trim(r.EventId), '') AS event_id,
  upper(nullif(trim(r.EventType), '')) AS event_type, {q.ts('r.EventTimestamp')} AS event_at,
  {_snapshot_sql('CurrentAgentSnapshot')} AS cur, {_snapshot_sql('PreviousAgentSnapshot')} AS prev"""


def _checks() -> list[tuple[str, str, str]]:
    known = ", ".join(q.quote(t) for t in EVENT_TYPES)
    return [
        ("agent_id IS NULL", "AgentARN", "'missing AgentARN'"),
        ("event_type IS NULL", "EventType", "'missing EventType'"),
        (f"event_type NOT IN ({known})", "EventType",
         "'unknown EventType ' || r.EventType || ' (Callboard reads STATE_CHANGE, HEART_BEAT, LOGIN, LOGOUT)'"),
        ("r.EventTimestamp IS NULL", "EventTimestamp", "'missing EventTimestamp'"),
        ("event_at IS NULL", "EventTimestamp", "'not an ISO 8601 time: ' || r.EventTimestamp"),
        ("event_type <> 'LOGOUT' AND r.CurrentAgentSnapshot.AgentStatus.Name IS NULL", "CurrentAgentSnapshot.AgentStatus",
         "'missing CurrentAgentSnapshot.AgentStatus.Name'"),
    ]


@dataclass(frozen=True)
class ConnectAgentEventsConnector:
    name: str = "connect-agent-events"
    default_source: str = "amazon_connect"
    summary: str = "Amazon Connect agent event stream (Kinesis / Firehose export) -> agent state intervals"
    valid_record: str = (
        "one JSON object with AgentARN, EventType (STATE_CHANGE, HEART_BEAT, LOGIN or LOGOUT) and EventTimestamp "
        "(ISO 8601); every event but LOGOUT needs CurrentAgentSnapshot.AgentStatus.Name"
    )
    options: tuple[ConnectorOption, ...] = (
        ConnectorOption("open_state_retention_days", "days an agent's open state is remembered for later files",
                        kind="int", default=30, minimum=0),
    )
    follows: bool = False

    def read(
        self, path: Path, *, cursor: Cursor | None, options: Mapping[str, OptionValue], context: ReadContext
    ) -> LoadBatch:
        opened = open_records(path, cursor, context.source, looks_like_event)
        text, where, records, batch = opened.text, opened.where, opened.records, opened.batch
        con = q.connection()
        try:
            events, batch.rejections, records = _parse(con, records, str(path), lambda: recheck(text.data, **where))  # type: ignore[arg-type]
        finally:
            con.close()
        text.digest.start()  # the file's sha256 runs beside the state machine below
        batch.rows_read = records.rows_read
        continuing = text.start_position > 0  # an appended file: its own earlier open states count
        retention = int(options["open_state_retention_days"])  # type: ignore[arg-type]
        rows: list[Interval] = []
        if events:
            with Ledger.open(context.settings.data_dir) as ledger:
                rows = _run(events, ledger, context, continuing, retention)
        if rows:
            batch.add("agent_states", _table(rows, context.source))
        return finish(opened, self.name, context.stream, records)


def _parse(con: object, records: Records, file: str, again: object) -> tuple[list[Event], list[Rejection], Records]:
    rejections = list(records.rejections)
    table = records.table
    try:
        q.typed_rows(con, table, structure=_STRUCTURE, columns=_COLUMNS, checks=_checks())  # type: ignore[arg-type]
    except duckdb.Error:  # some line is not JSON: check line by line
        if not records.checked:
            records = again()  # type: ignore[operator]
            rejections = list(records.rejections)
        table, invalid = q.drop_invalid(con, records.table, file)  # type: ignore[arg-type]
        rejections += invalid
        q.typed_rows(con, table, structure=_STRUCTURE, columns=_COLUMNS, checks=_checks())  # type: ignore[arg-type]
    rejections += q.field_rejections(con, file)  # type: ignore[arg-type]
    good = q.arrow(con.sql("SELECT * FROM _good ORDER BY record"))  # type: ignore[attr-defined]
    events = [_event(row) for row in good.to_pylist()]
    return events, sorted(rejections, key=lambda r: (r.line or 0, r.reason)), records


def _snapshot(value: dict[str, object] | None) -> Snapshot | None:
    if not value or not value.get("present"):
        return None
    contacts = tuple(Contact(c.get("id"), c.get("state") or "", c.get("start"))  # type: ignore[union-attr]
                     for c in (value.get("contacts") or []) if c)  # type: ignore[union-attr]
    return Snapshot(value.get("name"), value.get("type"), value.get("start"), contacts)  # type: ignore[arg-type]


def _event(row: dict[str, object]) -> Event:
    current = _snapshot(row["cur"]) or Snapshot(None, None, None, ())  # type: ignore[arg-type]
    event = Event(row["agent_id"], row["event_type"], row["event_at"], current, _snapshot(row["prev"]))  # type: ignore[arg-type]
    return event


def _run(events: list[Event], ledger: Ledger, context: ReadContext, continuing: bool, retention_days: int) -> list[Interval]:
    """Each agent's events, deduplicated and in time order, from the state an earlier file left open."""
    out: list[Interval] = []
    remembered: list[Entry] = []
    ordered = sorted(events, key=lambda e: (e.agent_id, e.at))
    newest = max(e.at for e in events)
    for agent_id, group in groupby(ordered, key=lambda e: e.agent_id):
        mine = list(group)
        known = ledger.latest_before(LEDGER_KIND, context.source, agent_id, stamp_us=_micros(mine[0].at),
                                     not_stream="" if continuing else context.stream)
        start = _interval(agent_id, known.body) if known else None
        found = list(intervals(mine, start))
        out.extend(found)
        last = found[-1]
        body = json.dumps({"state": last.state, "reason": last.reason, "started_us": _micros(last.started_at)})
        remembered.append(Entry(agent_id, agent_id, _micros(mine[-1].at), body, context.stream))
    ledger.replace(LEDGER_KIND, context.source, remembered)
    ledger.prune(LEDGER_KIND, context.source,
                 older_than_us=_micros(newest) - retention_days * 86_400_000_000)
    return out


def _interval(agent_id: str, body: str) -> Interval:
    data = json.loads(body)
    started = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(data["started_us"]))
    return Interval(agent_id, data["state"], data.get("reason"), started)


def _micros(value: dt.datetime) -> int:
    return (value - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)


def _table(rows: list[Interval], source: str) -> pa.Table:
    return pa.table({
        "source": [source] * len(rows),
        "record_id": [r.record_id for r in rows],
        "agent_id": [r.agent_id for r in rows],
        "state": [r.state for r in rows],
        "reason": pa.array([r.reason for r in rows], pa.string()),
        "paid": pa.array([None] * len(rows), pa.bool_()),
        "started_at": pa.array([r.started_at for r in rows], pa.timestamp("us")),
        "ended_at": pa.array([r.ended_at for r in rows], pa.timestamp("us")),
    })


CONNECTOR = ConnectAgentEventsConnector()
