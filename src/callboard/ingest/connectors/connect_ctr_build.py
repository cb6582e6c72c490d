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


def _direction(r: str) -> str:
    return f"""CASE WHEN {r}.method LIKE '%OUTBOUND%' OR {r}.method = 'CALLBACK' THEN 'outbound'
               WHEN {r}.method = 'API' AND {r}.channel = 'voice' THEN 'outbound'
               ELSE 'inbound' END"""


def _callback_of(r: str) -> str:
    return f"""CASE WHEN {r}.method = 'CALLBACK' AND coalesce({r}.previous_contact_id, {r}.initial_contact_id) <> {r}.contact_id
               THEN coalesce({r}.previous_contact_id, {r}.initial_contact_id) END"""


def _before(column: str) -> str:
    """Leg b comes before leg a in `column` order, then ContactId (NULL `column`s are in no order)."""
    return f"(b.{column} < a.{column} OR (b.{column} = a.{column} AND b.contact_id < a.contact_id))"


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Define view `_all`: every part with its contact's columns (`c_*`), whether it is the chain's root
    part, and its queue-entry and agent-segment numbers.

    Most chains are one part: their contact is the part itself, numbered 0, with no sorting at all. Only
    the parts of chains with several legs (`_sizes`) are ranked and aggregated (`_m`, `_mc`)."""
    chained = ", ".join(f"'{m}'" for m in CHAINED_METHODS)
    con.execute("CREATE OR REPLACE TEMP TABLE _sizes AS SELECT chain_id FROM _parts GROUP BY chain_id HAVING count(*) > 1")
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _next AS
        SELECT p.contact_id, n.method AS next_method FROM _parts p JOIN _parts n ON n.contact_id = p.next_contact_id"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _m AS
        WITH multi AS (
          SELECT contact_id, chain_id, initiated_at, enqueued_at, connected_at
          FROM _parts p SEMI JOIN _sizes s ON s.chain_id = p.chain_id),
        seq AS (  -- each leg's rank among its chain's legs (a chain has a few: pairs, not a sort)
          SELECT a.contact_id,
            1 + count(*) FILTER (WHERE {_before('initiated_at')}) AS part_seq,
            CASE WHEN a.enqueued_at IS NOT NULL THEN count(*) FILTER (WHERE {_before('enqueued_at')}) END AS entry_seq,
            CASE WHEN a.connected_at IS NOT NULL THEN count(*) FILTER (WHERE {_before('connected_at')}) END
              AS segment_seq
          FROM multi a JOIN multi b ON b.chain_id = a.chain_id
          GROUP BY a.contact_id, a.enqueued_at, a.connected_at)
        SELECT p.*, x.next_method, seq.* EXCLUDE (contact_id)
        FROM _parts p JOIN seq ON seq.contact_id = p.contact_id LEFT JOIN _next x ON x.contact_id = p.contact_id"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _mc AS
        WITH root AS (
          SELECT * FROM _m QUALIFY row_number() OVER (
            PARTITION BY chain_id
            ORDER BY (contact_id = chain_id) DESC, (method NOT IN ({chained})) DESC, initiated_at, contact_id) = 1)
        SELECT r.chain_id, r.contact_id AS root_id, r.channel AS c_channel, {_direction('r')} AS c_direction,
          coalesce(r.attribute_customer, r.endpoint_customer) AS c_customer_id, {_callback_of('r')} AS c_callback_of,
          a.* EXCLUDE (chain_id)
        FROM root r JOIN (
          SELECT chain_id,
            min(initiated_at) AS c_arrived_at, max(disconnected_at) AS c_ended_at,
            max(last_update) + to_microseconds(CAST(count(*) - 1 AS BIGINT)) AS c_updated_at,
            arg_max(topic, part_seq) FILTER (WHERE topic IS NOT NULL) AS c_topic,
            arg_max(disposition, part_seq) FILTER (WHERE disposition IS NOT NULL) AS c_disposition,
            arg_max(resolved_text, part_seq) FILTER (WHERE resolved_text IS NOT NULL) AS c_resolved_text,
            bool_and(enqueued_at IS NULL AND connected_at IS NULL) AS c_bot_only
          FROM _m GROUP BY chain_id) a ON a.chain_id = r.chain_id"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW _all AS
        SELECT m.* EXCLUDE (part_seq), c.* EXCLUDE (chain_id, root_id), m.contact_id = c.root_id AS is_root
        FROM _m m JOIN _mc c ON c.chain_id = m.chain_id
        UNION ALL BY NAME
        SELECT p.*, x.next_method, 0 AS entry_seq, 0 AS segment_seq,
          p.channel AS c_channel, {_direction('p')} AS c_direction,
          coalesce(p.attribute_customer, p.endpoint_customer) AS c_customer_id, {_callback_of('p')} AS c_callback_of,
          p.initiated_at AS c_arrived_at, p.disconnected_at AS c_ended_at, p.last_update AS c_updated_at,
          p.topic AS c_topic, p.disposition AS c_disposition, p.resolved_text AS c_resolved_text,
          p.enqueued_at IS NULL AND p.connected_at IS NULL AS c_bot_only, true AS is_root
        FROM (SELECT * FROM _parts p ANTI JOIN _sizes s ON s.chain_id = p.chain_id) p
          LEFT JOIN _next x ON x.contact_id = p.contact_id"""
    )


def build(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, pa.Table]:
    """`_parts` (deduplicated parts of every chain in the batch, unique by contact_id) -> canonical tables."""
    _prepare(con)
    dims = ("c_channel AS channel, c_direction AS direction, c_customer_id AS customer_id, c_bot_only AS bot_only, "
            "c_topic AS topic")
    contacts = arrow(con.sql(
        f"""SELECT '{_esc(source)}' AS source, chain_id AS contact_id, {dims}, c_arrived_at AS arrived_at,
          c_ended_at AS ended_at, c_disposition AS disposition,
          CASE WHEN lower(c_resolved_text) IN ('true', 'yes', 'y', '1') THEN true
               WHEN lower(c_resolved_text) IN ('false', 'no', 'n', '0') THEN false END AS resolved,
          c_callback_of AS callback_of, false AS is_open, c_updated_at AS updated_at
        FROM _all WHERE is_root"""
    ))
    entries = arrow(con.sql(
        f"""SELECT '{_esc(source)}' AS source, chain_id AS contact_id, CAST(entry_seq AS INTEGER) AS entry_seq,
          queue_id, {dims}, enqueued_at, dequeued_at,
          coalesce(epoch_ms(dequeued_at) - epoch_ms(enqueued_at), queue_duration_ms) AS wait_ms,
          CASE WHEN connected_at IS NOT NULL THEN 'answered'
               WHEN next_contact_id IS NOT NULL AND next_method IN {_TRANSFERS} THEN 'flowed_out'
               WHEN next_contact_id IS NOT NULL AND coalesce(next_method, '') <> 'DISCONNECT'
                 THEN 'callback_requested'
               WHEN disconnect_reason IS NULL OR disconnect_reason IN {_ABANDON_REASONS} THEN 'abandoned'
               ELSE 'flowed_out' END AS outcome,
          disconnect_reason AS raw_exit_reason, agent_id
        FROM _all WHERE enqueued_at IS NOT NULL"""
    ))
    segments = arrow(con.sql(
        f"""SELECT '{_esc(source)}' AS source, chain_id AS contact_id, CAST(segment_seq AS INTEGER) AS segment_seq,
          agent_id, queue_id, {dims}, connected_at,
          coalesce(acw_ended_at,
                   acw_started_at + to_milliseconds(coalesce(acw_ms, 0)),
                   disconnected_at + to_milliseconds(coalesce(acw_ms, 0)),
                   connected_at + to_milliseconds(coalesce(talk_ms, 0) + coalesce(hold_ms, 0)
                                                  + coalesce(acw_ms, 0))) AS acw_ended_at,
          talk_ms, coalesce(hold_ms, 0) AS hold_ms, coalesce(hold_count, 0) AS hold_count,
          coalesce(acw_ms, epoch_ms(acw_ended_at) - epoch_ms(acw_started_at), 0) AS acw_ms,
          CAST(NULL AS BIGINT) AS dial_ms, CAST(NULL AS BIGINT) AS contacting_ms, CAST(NULL AS BIGINT) AS voicemail_ms,
          transferred_external
            OR (next_contact_id IS NOT NULL AND coalesce(next_method, 'TRANSFER') IN {_TRANSFERS})
            AS transferred_out
        FROM _all WHERE connected_at IS NOT NULL"""
    ))
    return {"contacts": contacts, "queue_entries": entries, "agent_segments": segments}


def _esc(text: str) -> str:
    return text.replace("'", "''")
