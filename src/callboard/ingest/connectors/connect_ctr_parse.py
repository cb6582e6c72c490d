"""Parse Amazon Connect contact records (CTRs) into one typed row per record ("part"), in bulk.

One DuckDB pass extracts the fields Callboard uses (json_transform to text), parses times and
durations, and checks each record; a record that fails a check is quarantined with the field and the
reason, the others continue. See docs/connectors/amazon-connect.md for the field mapping and for what
a valid record is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from callboard.ingest.connectors import connect_sql as q
from callboard.ingest.connectors.connect_json import Records
from callboard.records.batch import Rejection

CHANNELS = {"VOICE": "voice", "CHAT": "chat", "TASK": "messaging", "EMAIL": "email"}
CHAINED_METHODS = ("TRANSFER", "QUEUE_TRANSFER", "DISCONNECT")

_STRUCTURE = """{
 "ContactId": "VARCHAR", "InitialContactId": "VARCHAR", "PreviousContactId": "VARCHAR",
 "NextContactId": "VARCHAR", "Channel": "VARCHAR", "InitiationMethod": "VARCHAR",
 "InitiationTimestamp": "VARCHAR", "DisconnectTimestamp": "VARCHAR", "DisconnectReason": "VARCHAR",
 "LastUpdateTimestamp": "VARCHAR", "TransferCompletedTimestamp": "VARCHAR", "TransferredToEndpoint": "JSON",
 "CustomerEndpoint": {"Address": "VARCHAR"},
 "Queue": {"ARN": "VARCHAR", "Name": "VARCHAR", "EnqueueTimestamp": "VARCHAR", "DequeueTimestamp": "VARCHAR",
           "Duration": "VARCHAR"},
 "Agent": {"ARN": "VARCHAR", "ConnectedToAgentTimestamp": "VARCHAR", "AgentInteractionDuration": "VARCHAR",
           "CustomerHoldDuration": "VARCHAR", "NumberOfHolds": "VARCHAR", "AfterContactWorkDuration": "VARCHAR",
           "AfterContactWorkStartTimestamp": "VARCHAR", "AfterContactWorkEndTimestamp": "VARCHAR"},
 "Attributes": ATTRIBUTES
}"""


@dataclass(frozen=True)
class AttributeKeys:
    """Contact attribute names read for Callboard fields, first present one wins (case-sensitive)."""

    topic: tuple[str, ...] = ("topic", "Topic", "contact_reason", "ContactReason")
    disposition: tuple[str, ...] = ("disposition", "Disposition", "disposition_code", "DispositionCode")
    resolved: tuple[str, ...] = ("resolved", "Resolved")
    customer: tuple[str, ...] = ()

    @staticmethod
    def none() -> AttributeKeys:
        return AttributeKeys((), (), (), ())

    @staticmethod
    def parse(text: object) -> tuple[str, ...]:
        return tuple(k.strip() for k in str(text or "").split(",") if k.strip())


def _structure(keys: AttributeKeys) -> str:
    """The json_transform structure. Attributes are read as a map: its keys are case-sensitive (a struct's
    are not, and contacts may carry both `topic` and `Topic`)."""
    return _STRUCTURE.replace("ATTRIBUTES", '"MAP(VARCHAR, VARCHAR)"' if keys != AttributeKeys.none() else '"JSON"')


def _attribute(keys: tuple[str, ...]) -> str:
    if not keys:
        return "CAST(NULL AS VARCHAR)"
    picks = ", ".join(q.text(f"r.Attributes[{q.quote(k)}]") for k in keys)
    return f"coalesce({picks})"


def _checks() -> list[tuple[str, str, str]]:
    """(condition, field, reason SQL) in the order they are reported; the first one that holds wins.

    Conditions read the raw text (`r.X`) and the typed columns (see _columns)."""
    checks = [
        ("contact_id IS NULL", "ContactId", "'missing ContactId'"),
        ("method IS NULL", "InitiationMethod", "'missing InitiationMethod'"),
        ("method = 'MONITOR'", "InitiationMethod",
         "'a MONITOR record is a supervisor listening in, not a customer contact: not loaded'"),
        (f"{q.text('r.Channel')} IS NULL", "Channel", "'missing Channel'"),
        ("channel IS NULL", "Channel",
         "'unknown Channel ' || r.Channel || ' (Callboard reads VOICE, CHAT, TASK, EMAIL)'"),
        ("r.InitiationTimestamp IS NULL", "InitiationTimestamp", "'missing InitiationTimestamp'"),
        ("r.LastUpdateTimestamp IS NULL", "LastUpdateTimestamp", "'missing LastUpdateTimestamp'"),
    ]
    times = [
        ("r.InitiationTimestamp", "initiated_at", "InitiationTimestamp"),
        ("r.LastUpdateTimestamp", "last_update", "LastUpdateTimestamp"),
        ("r.DisconnectTimestamp", "disconnected_at", "DisconnectTimestamp"),
        ("r.TransferCompletedTimestamp", "transfer_completed_at", "TransferCompletedTimestamp"),
        ("r.Queue.EnqueueTimestamp", "enqueued_at", "Queue.EnqueueTimestamp"),
        ("r.Queue.DequeueTimestamp", "dequeued_at", "Queue.DequeueTimestamp"),
        ("r.Agent.ConnectedToAgentTimestamp", "connected_at", "Agent.ConnectedToAgentTimestamp"),
        ("r.Agent.AfterContactWorkStartTimestamp", "acw_started_at", "Agent.AfterContactWorkStartTimestamp"),
        ("r.Agent.AfterContactWorkEndTimestamp", "acw_ended_at", "Agent.AfterContactWorkEndTimestamp"),
    ]
    for raw, typed, name in times:
        checks.append((f"{raw} IS NOT NULL AND {typed} IS NULL", name, f"'not an ISO 8601 time: ' || {raw}"))
    seconds = [
        ("r.Queue.Duration", "queue_duration_ms", "Queue.Duration"),
        ("r.Agent.AgentInteractionDuration", "talk_ms", "Agent.AgentInteractionDuration"),
        ("r.Agent.CustomerHoldDuration", "hold_ms", "Agent.CustomerHoldDuration"),
        ("r.Agent.AfterContactWorkDuration", "acw_ms", "Agent.AfterContactWorkDuration"),
    ]
    for raw, typed, name in seconds:
        checks.append((f"{raw} IS NOT NULL AND coalesce({typed} < 0, true)", name,
                       f"'not a number of seconds >= 0: ' || {raw}"))
    checks += [
        ("r.Agent.NumberOfHolds IS NOT NULL AND coalesce(hold_count < 0, true)", "Agent.NumberOfHolds",
         "'not a whole number >= 0: ' || r.Agent.NumberOfHolds"),
        ("enqueued_at IS NOT NULL AND queue_id IS NULL", "Queue.ARN",
         "'a queued contact needs its queue (Queue.ARN or Queue.Name)'"),
        ("connected_at IS NOT NULL AND agent_id IS NULL", "Agent.ARN", "'connected to an agent but Agent.ARN is missing'"),
    ]
    return checks


def _columns(keys: AttributeKeys, queue_by: str) -> str:
    """The typed part columns, computed once from the extracted struct `r`."""
    queue_id = f"coalesce({q.text('r.Queue.Name')}, {q.text('r.Queue.ARN')})"
    if queue_by == "arn":
        queue_id = f"coalesce({q.text('r.Queue.ARN')}, {q.text('r.Queue.Name')})"
    chained = ", ".join(q.quote(m) for m in CHAINED_METHODS)
    channel = f"CASE upper({q.text('r.Channel')}) " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CHANNELS.items()) + " END"
    return f"""{q.text('r.ContactId')} AS contact_id,
      CASE WHEN upper({q.text('r.InitiationMethod')}) IN ({chained})
           THEN coalesce({q.text('r.InitialContactId')}, {q.text('r.PreviousContactId')},
                         {q.text('r.ContactId')})
           ELSE {q.text('r.ContactId')} END AS chain_id,
      {q.text('r.InitialContactId')} AS initial_contact_id,
      {q.text('r.PreviousContactId')} AS previous_contact_id,
      {q.text('r.NextContactId')} AS next_contact_id,
      {channel} AS channel,
      upper({q.text('r.InitiationMethod')}) AS method,
      {q.ts('r.InitiationTimestamp')} AS initiated_at,
      {q.ts('r.DisconnectTimestamp')} AS disconnected_at,
      upper({q.text('r.DisconnectReason')}) AS disconnect_reason,
      {q.ts('r.LastUpdateTimestamp')} AS last_update,
      {q.text('r.CustomerEndpoint.Address')} AS endpoint_customer,
      {_attribute(keys.customer)} AS attribute_customer,
      {queue_id} AS queue_id,
      {q.ts('r.Queue.EnqueueTimestamp')} AS enqueued_at,
      {q.ts('r.Queue.DequeueTimestamp')} AS dequeued_at,
      {q.seconds_to_ms('r.Queue.Duration')} AS queue_duration_ms,
      {q.text('r.Agent.ARN')} AS agent_id,
      {q.ts('r.Agent.ConnectedToAgentTimestamp')} AS connected_at,
      {q.seconds_to_ms('r.Agent.AgentInteractionDuration')} AS talk_ms,
      {q.seconds_to_ms('r.Agent.CustomerHoldDuration')} AS hold_ms,
      {q.count('r.Agent.NumberOfHolds')} AS hold_count,
      {q.seconds_to_ms('r.Agent.AfterContactWorkDuration')} AS acw_ms,
      {q.ts('r.Agent.AfterContactWorkStartTimestamp')} AS acw_started_at,
      {q.ts('r.Agent.AfterContactWorkEndTimestamp')} AS acw_ended_at,
      {q.ts('r.TransferCompletedTimestamp')} AS transfer_completed_at,
      coalesce(r.TransferredToEndpoint IS NOT NULL AND r.TransferredToEndpoint <> 'null', false) AS transferred_external,
      {_attribute(keys.topic)} AS topic,
      {_attribute(keys.disposition)} AS disposition,
      {_attribute(keys.resolved)} AS resolved_text"""


def parse_parts(
    con: duckdb.DuckDBPyConnection, records: Records, *, file: str, keys: AttributeKeys, queue_by: str,
    recheck: Callable[[], Records],
) -> tuple[int, list[Rejection], Records]:
    """Parse into DuckDB view `_good` (typed parts, one per valid record); return how many parts, every
    record rejected in file order, and the records as finally split (they differ from the input when a
    line held several records or none).

    JSON lines are parsed optimistically in one pass; if some line is not valid JSON the file's lines are
    checked one by one (`recheck`) and the parse runs again on the good ones.
    """
    rejections = list(records.rejections)
    table = records.table
    try:
        _typed(con, table, keys, queue_by)
    except duckdb.Error:
        if not records.checked:
            records = recheck()
            rejections = list(records.rejections)
        table, invalid = q.drop_invalid(con, records.table, file)
        rejections += invalid
        _typed(con, table, keys, queue_by)
    rejections += q.field_rejections(con, file)
    good = con.execute("SELECT count(*) FROM _good").fetchone()
    return int(good[0]) if good else 0, sorted(rejections, key=lambda r: (r.line or 0, r.reason)), records


def _typed(con: duckdb.DuckDBPyConnection, table: pa.Table, keys: AttributeKeys, queue_by: str) -> None:
    q.typed_rows(con, table, structure=_structure(keys), columns=_columns(keys, queue_by), checks=_checks())
