"""Turn contact-record parts into Callboard's contacts, queue entries and agent segments (SQL, in bulk).

A chain of parts (the legs of a transferred contact, grouped by the initial contact id) is ONE contact:
each leg that was queued is a queue entry, each leg connected to an agent is an agent segment, numbered
in time order (so the numbers are stable however the legs arrive). The rules are documented in
docs/connectors/amazon-connect.md.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from callboard.ingest.connectors.connect_ctr_parse import CHAINED_METHODS
from callboard.ingest.connectors.connect_sql import arrow

_TRANSFERS = "('TRANSFER', 'QUEUE_TRANSFER')"
_ABANDON_REASONS = "('CUSTOMER_DISCONNECT', 'TELECOM_PROBLEM')"


def dedupe_sql(table: str) -> str:
    """One row per part ContactId: the highest LastUpdateTimestamp wins, then the later record in the file."""
    return f"""SELECT * FROM {table}
      QUALIFY row_number() OVER (PARTITION BY contact_id ORDER BY last_update DESC, record DESC) = 1"""


def build(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, pa.Table]:
    """`_parts` (deduplicated parts of every chain in the batch) -> canonical tables."""
    chained = ", ".join(f"'{m}'" for m in CHAINED_METHODS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _p AS
        SELECT p.*, n.method AS next_method,
          row_number() OVER (PARTITION BY p.chain_id ORDER BY p.initiated_at, p.contact_id) AS part_seq,
          count(*) OVER (PARTITION BY p.chain_id) AS parts
        FROM _parts p LEFT JOIN _parts n ON n.contact_id = p.next_contact_id"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _c AS
        WITH root AS (
          SELECT * FROM _p QUALIFY row_number() OVER (
            PARTITION BY chain_id
            ORDER BY (contact_id = chain_id) DESC, (method NOT IN ({chained})) DESC, initiated_at, contact_id) = 1)
        SELECT r.chain_id AS contact_id, r.channel,
          CASE WHEN r.method LIKE '%OUTBOUND%' OR r.method = 'CALLBACK' THEN 'outbound'
               WHEN r.method = 'API' AND r.channel = 'voice' THEN 'outbound'
               ELSE 'inbound' END AS direction,
          coalesce(r.attribute_customer, r.endpoint_customer) AS customer_id,
          CASE WHEN r.method = 'CALLBACK' AND coalesce(r.previous_contact_id, r.initial_contact_id) <> r.contact_id
               THEN coalesce(r.previous_contact_id, r.initial_contact_id) END AS callback_of,
          a.*
        FROM root r JOIN (
          SELECT chain_id,
            min(initiated_at) AS arrived_at, max(disconnected_at) AS ended_at,
            max(last_update) + to_microseconds(CAST(count(*) - 1 AS BIGINT)) AS updated_at,
            arg_max(topic, part_seq) FILTER (WHERE topic IS NOT NULL) AS topic,
            arg_max(disposition, part_seq) FILTER (WHERE disposition IS NOT NULL) AS disposition,
            arg_max(resolved_text, part_seq) FILTER (WHERE resolved_text IS NOT NULL) AS resolved_text,
            bool_and(enqueued_at IS NULL AND connected_at IS NULL) AS bot_only
          FROM _p GROUP BY chain_id) a ON a.chain_id = r.chain_id"""
    )
    dims = "c.channel, c.direction, c.customer_id, c.bot_only, c.topic"
    contacts = arrow(con.sql(
        f"""SELECT '{_esc(source)}' AS source, c.contact_id, {dims}, c.arrived_at, c.ended_at, c.disposition,
          CASE WHEN lower(c.resolved_text) IN ('true', 'yes', 'y', '1') THEN true
               WHEN lower(c.resolved_text) IN ('false', 'no', 'n', '0') THEN false END AS resolved,
          c.callback_of, false AS is_open, c.updated_at
        FROM _c c"""
    ))
    entries = arrow(con.sql(
        f"""SELECT '{_esc(source)}' AS source, p.chain_id AS contact_id,
          CAST(row_number() OVER (PARTITION BY p.chain_id ORDER BY p.enqueued_at, p.contact_id) - 1 AS INTEGER)
            AS entry_seq,
          p.queue_id, {dims}, p.enqueued_at, p.dequeued_at,
          coalesce(epoch_ms(p.dequeued_at) - epoch_ms(p.enqueued_at), p.queue_duration_ms) AS wait_ms,
          CASE WHEN p.connected_at IS NOT NULL THEN 'answered'
               WHEN p.next_contact_id IS NOT NULL AND p.next_method IN {_TRANSFERS} THEN 'flowed_out'
               WHEN p.next_contact_id IS NOT NULL AND coalesce(p.next_method, '') <> 'DISCONNECT'
                 THEN 'callback_requested'
               WHEN p.disconnect_reason IS NULL OR p.disconnect_reason IN {_ABANDON_REASONS} THEN 'abandoned'
               ELSE 'flowed_out' END AS outcome,
          p.disconnect_reason AS raw_exit_reason, p.agent_id
        FROM _p p JOIN _c c ON c.contact_id = p.chain_id
        WHERE p.enqueued_at IS NOT NULL"""
    ))
    segments = arrow(con.sql(
        f"""SELECT '{_esc(source)}' AS source, p.chain_id AS contact_id,
          CAST(row_number() OVER (PARTITION BY p.chain_id ORDER BY p.connected_at, p.contact_id) - 1 AS INTEGER)
            AS segment_seq,
          p.agent_id, p.queue_id, {dims}, p.connected_at,
          coalesce(p.acw_ended_at,
                   p.acw_started_at + to_milliseconds(coalesce(p.acw_ms, 0)),
                   p.disconnected_at + to_milliseconds(coalesce(p.acw_ms, 0)),
                   p.connected_at + to_milliseconds(coalesce(p.talk_ms, 0) + coalesce(p.hold_ms, 0)
                                                    + coalesce(p.acw_ms, 0))) AS acw_ended_at,
          p.talk_ms, coalesce(p.hold_ms, 0) AS hold_ms, coalesce(p.hold_count, 0) AS hold_count,
          coalesce(p.acw_ms, epoch_ms(p.acw_ended_at) - epoch_ms(p.acw_started_at), 0) AS acw_ms,
          CAST(NULL AS BIGINT) AS dial_ms, CAST(NULL AS BIGINT) AS contacting_ms, CAST(NULL AS BIGINT) AS voicemail_ms,
          p.transferred_external
            OR (p.next_contact_id IS NOT NULL AND coalesce(p.next_method, 'TRANSFER') IN {_TRANSFERS})
            AS transferred_out
        FROM _p p JOIN _c c ON c.contact_id = p.chain_id
        WHERE p.connected_at IS NOT NULL"""
    ))
    return {"contacts": contacts, "queue_entries": entries, "agent_segments": segments}


def _esc(text: str) -> str:
    return text.replace("'", "''")
