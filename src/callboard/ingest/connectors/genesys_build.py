"""Build Callboard's canonical contacts, queue entries and agent segments from flattened conversations.

Checks that need the whole conversation (a channel, a direction, a userId for every agent, a queue for
every ACD session) quarantine it first; then every table is computed for all conversations at once.
"""

from __future__ import annotations

import dataclasses

import polars as pl
import pyarrow as pa

from callboard.ingest.connectors.genesys_flatten import Flat
from callboard.ingest.connectors.genesys_sessions import AGENT_PURPOSES, agent_sessions, queue_entries, queue_stays
from callboard.ingest.connectors.genesys_times import drop_rejected, problems
from callboard.records.schemas import DIRECTIONS

# Genesys mediaType -> Callboard channel. cobrowse / screenshare / video accompany another session and
# never decide the channel.
CHANNEL_OF_MEDIA: dict[str, str] = {
    "voice": "voice", "callback": "voice", "chat": "chat", "webchat": "chat", "email": "email",
    "message": "messaging", "sms": "messaging",
}
CUSTOMER_PURPOSES = ("customer", "external")
BOT_PURPOSES = ("ivr", "workflow", "bot")
HUMAN_OR_QUEUE = ("acd", *AGENT_PURPOSES)
_CONTACT_DIMS = ("channel", "direction", "customer_id", "bot_only", "topic")


def _sessions_with_channel(flat: Flat) -> pl.DataFrame:
    return flat.sessions.with_columns(
        pl.col("media").str.to_lowercase().replace_strict(CHANNEL_OF_MEDIA, default=None).alias("channel"),
        pl.col("purpose").str.to_lowercase().alias("purpose"),
    )


def check(flat: Flat, file: str) -> Flat:
    """Quarantine conversations Callboard cannot place: no known channel or direction, an agent without
    a userId, an ACD session that names no queue."""
    sessions = _sessions_with_channel(flat)
    with_channel = sessions.filter(pl.col("channel").is_not_null()).select("conv").unique()
    conv = flat.conversations.with_columns(
        pl.col("conv").is_in(with_channel.get_column("conv").implode()).alias("has_channel"),
        pl.col("direction").str.to_lowercase().alias("dir"),
    )
    acd = sessions.filter(pl.col("purpose") == "acd").join(
        flat.segments.group_by("sess").agg(pl.col("queue_id").drop_nulls().len().alias("queues")), on="sess",
        how="inner",
    )
    found = pl.concat([
        problems(conv, [
            (~pl.col("has_channel"), pl.lit("participants[].sessions[].mediaType"),
             pl.lit("no session has a media type Callboard knows (voice, callback, chat, email, message)")),
            (pl.col("dir").is_null() | ~pl.col("dir").is_in(DIRECTIONS), pl.lit("originatingDirection"),
             pl.format("originatingDirection must be inbound or outbound, got {}", pl.col("direction").fill_null("nothing"))),
        ], 0),
        problems(sessions, [
            (pl.col("purpose").is_in(AGENT_PURPOSES) & pl.col("user_id").is_null(),
             pl.col("path").str.replace(r"sessions\[\d+\]\.$", "userId"),
             pl.lit("an agent participant names no userId (the agent's identity)")),
        ], 10),
        problems(acd, [
            (pl.col("queues") == 0, pl.col("path") + "segments[].queueId", pl.lit("an ACD session names no queueId")),
        ], 20),
    ], how="vertical")
    checked = drop_rejected(flat, found, file)
    return dataclasses.replace(checked, sessions=_sessions_with_channel(checked))


def _contacts(flat: Flat, agents: pl.DataFrame) -> pl.DataFrame:
    s = flat.sessions
    channel = s.filter(pl.col("channel").is_not_null()).sort(
        pl.col("purpose").is_in(CUSTOMER_PURPOSES), "sess", descending=[True, False]
    ).group_by("conv", maintain_order=True).agg(pl.col("channel").first())
    purposes = s.group_by("conv").agg(
        pl.col("purpose").is_in(HUMAN_OR_QUEUE).any().alias("has_human"),
        pl.col("purpose").is_in(BOT_PURPOSES).any().alias("has_bot"),
    )
    disposition = agents.filter(pl.col("wrapup").is_not_null()).sort("wrapup_at", "sess").group_by(
        "conv", maintain_order=True).agg(pl.col("wrapup").last().alias("disposition"))
    stamps = pl.concat([
        flat.segments.select("conv", pl.max_horizontal("start_at", "end_at").alias("t")),
        flat.metrics.select("conv", pl.col("emit_at").alias("t")),
        flat.conversations.select("conv", pl.max_horizontal("start_at", "end_at").alias("t")),
    ]).group_by("conv").agg(pl.col("t").max().alias("updated_at"))
    return (
        flat.conversations.join(channel, on="conv", how="left")
        .join(_customers(flat, s), on="conv", how="left")
        .join(purposes, on="conv", how="left")
        .join(disposition, on="conv", how="left")
        .join(stamps, on="conv", how="left")
        .with_columns(
            pl.col("direction").str.to_lowercase(),
            (pl.col("has_bot").fill_null(False) & ~pl.col("has_human").fill_null(False)).alias("bot_only"),
            pl.col("disposition").alias("topic"),
            pl.col("end_at").is_null().alias("is_open"),
        )
    )


def _customers(flat: Flat, s: pl.DataFrame) -> pl.DataFrame:
    """The customer: the participant's external contact id, else the caller's address (ANI inbound, DNIS
    outbound) without its `tel:` / `sip:` scheme."""
    direction = flat.conversations.select("conv", pl.col("direction").str.to_lowercase().alias("dir"))
    address = pl.when(pl.col("dir") == "outbound").then(pl.coalesce("dnis", "ani")).otherwise(pl.coalesce("ani", "dnis"))
    return (
        s.filter(pl.col("purpose").is_in(CUSTOMER_PURPOSES))
        .join(direction, on="conv", how="left")
        .with_columns(pl.coalesce("contact_ref", address.str.replace(r"^(tel|sip|mailto):", "")).alias("customer_id"))
        .filter(pl.col("customer_id").is_not_null() & (pl.col("customer_id") != ""))
        .sort("sess")
        .group_by("conv", maintain_order=True)
        .agg(pl.col("customer_id").first())
    )


def build_tables(flat: Flat, source: str) -> dict[str, pa.Table]:
    """contacts, queue_entries and agent_segments for every conversation left in `flat`."""
    agents = agent_sessions(flat.sessions, flat.segments, flat.metrics)
    contacts = _contacts(flat, agents)
    # A file may hold several versions of one conversation (open, then closed). Every contact row goes to
    # the store, which keeps the newest and counts the rest as duplicates; the entries and segments come
    # from that same newest version only (latest stamp, closed before open, then the last in the file).
    winners = contacts.sort(
        "updated_at", "is_open", "conv", descending=[True, False, True], nulls_last=True
    ).unique("conversation_id", keep="first").select("conv", "conversation_id", *_CONTACT_DIMS)
    dims = winners
    src = pl.lit(source).alias("source")
    segments = (
        agents.filter(pl.col("handled")).join(dims, on="conv", how="inner")
        .sort("conv", "connected_at", "sess")
        .with_columns(pl.int_range(pl.len()).over("conv").cast(pl.Int32).alias("segment_seq"))
        .select(src, pl.col("conversation_id").alias("contact_id"), "segment_seq", pl.col("user_id").alias("agent_id"),
                "queue_id", *_CONTACT_DIMS, "connected_at", pl.col("ended_at").alias("acw_ended_at"), "talk_ms",
                "hold_ms", "hold_count", "acw_ms", "dial_ms", "contacting_ms", "voicemail_ms", "transferred_out")
    )
    entries = (
        queue_entries(queue_stays(flat.sessions, flat.segments, flat.metrics), agents)
        .join(dims, on="conv", how="inner")
        .sort("conv", "enqueued_at", "sess")
        .with_columns(pl.int_range(pl.len()).over("conv").cast(pl.Int32).alias("entry_seq"))
        .select(src, pl.col("conversation_id").alias("contact_id"), "entry_seq", "queue_id", *_CONTACT_DIMS,
                "enqueued_at", "dequeued_at", "wait_ms", "outcome", "raw_exit_reason", "agent_id")
    )
    contact_rows = contacts.select(
        src, pl.col("conversation_id").alias("contact_id"), *_CONTACT_DIMS, pl.col("start_at").alias("arrived_at"),
        pl.col("end_at").alias("ended_at"), "disposition", pl.lit(None, pl.Boolean).alias("resolved"),
        pl.lit(None, pl.String).alias("callback_of"), "is_open", "updated_at",
    )
    return {"contacts": contact_rows.to_arrow(), "queue_entries": entries.to_arrow(),
            "agent_segments": segments.to_arrow()}
