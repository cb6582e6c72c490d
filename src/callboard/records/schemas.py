"""Canonical analytics tables (reference §1-§2). Times are naive UTC; durations are integer milliseconds.

Every fact row carries `source` and the id the source gave it, so re-ingesting is idempotent.
Queue entries and agent segments repeat a few contact-level fields (channel, direction, customer,
bot flag, topic) so KPIs group without a join; a contact is always replaced as a whole, so the
copies never disagree.
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

from callboard.records.quality_schemas import QUALITY_KEYS, QUALITY_TABLES

TS = pa.timestamp("us")

CHANNELS: Final = ("voice", "chat", "email", "messaging", "social")
DIRECTIONS: Final = ("inbound", "outbound", "internal")
OUTCOMES: Final = ("answered", "abandoned", "flowed_out", "callback_requested")
AGENT_STATES: Final = ("available", "connecting", "on_contact", "acw", "aux", "error", "offline")
SURVEY_QUESTIONS: Final = ("csat", "nps", "ces", "ces_effort", "resolved")

_CONTACT_DIMS = [
    pa.field("channel", pa.string(), nullable=False),
    pa.field("direction", pa.string(), nullable=False),
    pa.field("customer_id", pa.string()),
    pa.field("bot_only", pa.bool_(), nullable=False),
    pa.field("topic", pa.string()),
]

CONTACTS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("contact_id", pa.string(), nullable=False),
        *_CONTACT_DIMS,
        pa.field("arrived_at", TS, nullable=False),
        pa.field("ended_at", TS),
        pa.field("disposition", pa.string()),
        pa.field("resolved", pa.bool_()),  # agent- or system-flagged resolution (fcr.agent_flagged)
        pa.field("callback_of", pa.string()),  # the contact this callback fulfils: never an FCR repeat
        pa.field("is_open", pa.bool_(), nullable=False),  # an open conversation may be completed later
        pa.field("updated_at", TS),  # the source's last-update stamp; a newer version replaces an older
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

QUEUE_ENTRIES = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("contact_id", pa.string(), nullable=False),
        pa.field("entry_seq", pa.int32(), nullable=False),
        pa.field("queue_id", pa.string(), nullable=False),
        *_CONTACT_DIMS,
        pa.field("enqueued_at", TS, nullable=False),
        pa.field("dequeued_at", TS),
        pa.field("wait_ms", pa.int64()),  # dequeued_at - enqueued_at, queue only (not IVR)
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("raw_exit_reason", pa.string()),  # the source's own word, e.g. EXITWITHTIMEOUT
        pa.field("agent_id", pa.string()),  # answering agent, or the routed agent if the source names one
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

AGENT_SEGMENTS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("contact_id", pa.string(), nullable=False),
        pa.field("segment_seq", pa.int32(), nullable=False),
        pa.field("agent_id", pa.string(), nullable=False),
        pa.field("queue_id", pa.string()),
        *_CONTACT_DIMS,
        pa.field("connected_at", TS, nullable=False),
        pa.field("acw_ended_at", TS),  # handle time is bucketed here (reference §2.4)
        pa.field("talk_ms", pa.int64()),  # connected and not on hold
        pa.field("hold_ms", pa.int64()),  # null when the source logs no hold (Asterisk)
        pa.field("hold_count", pa.int32()),
        pa.field("acw_ms", pa.int64()),  # null when the source logs no wrap-up
        pa.field("dial_ms", pa.int64()),
        pa.field("contacting_ms", pa.int64()),
        pa.field("voicemail_ms", pa.int64()),
        pa.field("transferred_out", pa.bool_(), nullable=False),
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

AGENT_STATES_TABLE = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("agent_id", pa.string(), nullable=False),
        pa.field("state", pa.string(), nullable=False),
        pa.field("reason", pa.string()),
        pa.field("paid", pa.bool_()),
        pa.field("started_at", TS, nullable=False),
        pa.field("ended_at", TS),
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

SURVEY_RESPONSES = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("response_id", pa.string(), nullable=False),
        pa.field("contact_id", pa.string(), nullable=False),
        pa.field("question", pa.string(), nullable=False),  # csat | nps | ces | resolved
        pa.field("score", pa.float64()),  # raw score as the customer gave it (resolved: 1 yes, 0 no)
        pa.field("scale_min", pa.float64(), nullable=False),
        pa.field("scale_max", pa.float64(), nullable=False),
        pa.field("responded_at", TS, nullable=False),
        pa.field("comment", pa.string()),
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

INTERVAL_STATS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("interval_start", TS, nullable=False),
        pa.field("interval_s", pa.int32(), nullable=False),
        pa.field("queue_id", pa.string()),
        pa.field("channel", pa.string()),
        pa.field("agent_id", pa.string()),
        pa.field("offered", pa.int64()),
        pa.field("answered", pa.int64()),
        pa.field("abandoned", pa.int64()),
        pa.field("answered_within_threshold", pa.int64()),
        pa.field("threshold_s", pa.float64()),
        pa.field("wait_answered_ms", pa.int64()),  # sum of waits of answered contacts (avg x answered)
        pa.field("handled", pa.int64()),
        pa.field("handle_ms", pa.int64()),  # sum of handle time (avg x handled)
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

TRANSCRIPT_TURNS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("contact_id", pa.string(), nullable=False),
        pa.field("turn_seq", pa.int32(), nullable=False),  # order within the contact, from 0
        pa.field("participant", pa.string(), nullable=False),  # agent | customer | system | bot
        pa.field("agent_id", pa.string()),  # the speaking agent when the source names one
        pa.field("begin_offset_ms", pa.int64()),  # from the start of the contact (voice) ...
        pa.field("end_offset_ms", pa.int64()),
        pa.field("started_at", TS),  # ... or absolute times (chat)
        pa.field("text", pa.string(), nullable=False),
        pa.field("sentiment", pa.string()),  # positive | negative | neutral | mixed, as the platform said
        pa.field("sentiment_score", pa.float64()),  # the platform's own score and scale, unchanged
        pa.field("loudness_score", pa.float64()),
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

# Conversation characteristics as the platform reports them, one number per row (long format, so any
# platform's set fits): e.g. talk_time_ms for participant 'agent', sentiment_score for period 3.
CONVERSATION_METRICS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("contact_id", pa.string(), nullable=False),
        pa.field("metric", pa.string(), nullable=False),  # unit in the name: talk_time_ms, talk_speed_wpm
        pa.field("participant", pa.string(), nullable=False),  # agent | customer | all
        pa.field("period_seq", pa.int32(), nullable=False),  # 0 unless the figure is per period
        pa.field("value", pa.float64()),
        pa.field("batch_id", pa.string(), nullable=False),
    ]
)

AGENTS = pa.schema(
    [
        pa.field("agent_id", pa.string(), nullable=False),
        pa.field("display_name", pa.string()),
    ]
)

# Display names of queues (a dimension like `agents`): pages show "Billing" where the facts say q_billing.
QUEUES = pa.schema(
    [
        pa.field("queue_id", pa.string(), nullable=False),
        pa.field("display_name", pa.string()),
        pa.field("channel", pa.string()),  # the channel the queue serves, where the source says
    ]
)

TEAM_MEMBERSHIPS = pa.schema(
    [
        pa.field("agent_id", pa.string(), nullable=False),
        pa.field("team_id", pa.string(), nullable=False),
        pa.field("valid_from", TS, nullable=False),
        pa.field("valid_to", TS),  # null = still a member
    ]
)

QUARANTINE = pa.schema(
    [
        pa.field("batch_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("file", pa.string(), nullable=False),
        pa.field("line", pa.int64()),
        pa.field("field", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw", pa.string()),
        pa.field("quarantined_at", TS, nullable=False),
    ]
)

# Source identities (PJSIP/1001, an agent ARN, a Genesys userId) tied to Callboard agent ids.
IDENTITY_MAP = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_identity", pa.string(), nullable=False),
        pa.field("agent_id", pa.string(), nullable=False),
        pa.field("mapped_at", TS, nullable=False),
    ]
)

# Where each connector stopped in each stream (a file path): written in the load's own transaction.
CONNECTOR_CURSORS = pa.schema(
    [
        pa.field("connector", pa.string(), nullable=False),
        pa.field("stream", pa.string(), nullable=False),
        pa.field("position", pa.int64(), nullable=False),  # e.g. bytes consumed
        pa.field("fingerprint", pa.string()),  # tells a rotated or replaced file from the one read
        pa.field("state", pa.string()),  # connector-owned JSON, e.g. lines of calls still in progress
        pa.field("updated_at", TS, nullable=False),
    ]
)

LOAD_BATCHES = pa.schema(
    [
        pa.field("batch_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("file", pa.string()),
        pa.field("file_sha256", pa.string()),
        pa.field("started_at", TS, nullable=False),
        pa.field("finished_at", TS, nullable=False),
        pa.field("rows_read", pa.int64(), nullable=False),
        pa.field("loaded", pa.int64(), nullable=False),
        pa.field("updated", pa.int64(), nullable=False),
        pa.field("duplicates", pa.int64(), nullable=False),
        pa.field("rejected", pa.int64(), nullable=False),
        pa.field("dst_ambiguous", pa.int64(), nullable=False),
    ]
)

TABLES: Final[dict[str, pa.Schema]] = {
    "contacts": CONTACTS,
    "queue_entries": QUEUE_ENTRIES,
    "agent_segments": AGENT_SEGMENTS,
    "agent_states": AGENT_STATES_TABLE,
    "survey_responses": SURVEY_RESPONSES,
    "interval_stats": INTERVAL_STATS,
    "transcript_turns": TRANSCRIPT_TURNS,
    "conversation_metrics": CONVERSATION_METRICS,
    "agents": AGENTS,
    "queues": QUEUES,
    "team_memberships": TEAM_MEMBERSHIPS,
    "identity_map": IDENTITY_MAP,
    "connector_cursors": CONNECTOR_CURSORS,
    **QUALITY_TABLES,
    "quarantine": QUARANTINE,
    "load_batches": LOAD_BATCHES,
}

# The natural key of each fact table inside one source: a newer version replaces the older one.
KEYS: Final[dict[str, tuple[str, ...]]] = {
    "contacts": ("source", "contact_id"),
    "queue_entries": ("source", "contact_id", "entry_seq"),
    "agent_segments": ("source", "contact_id", "segment_seq"),
    "agent_states": ("source", "record_id"),
    "survey_responses": ("source", "response_id"),
    "interval_stats": ("source", "record_id"),
    "transcript_turns": ("source", "contact_id", "turn_seq"),
    "conversation_metrics": ("source", "contact_id", "metric", "participant", "period_seq"),
    **QUALITY_KEYS,
    "agents": ("agent_id",),
    "queues": ("queue_id",),
    "team_memberships": ("agent_id", "team_id", "valid_from"),
}

# Tables whose `agent_id` holds a source identity until the identity map ties it to an agent.
AGENT_ID_TABLES: Final = ("queue_entries", "agent_segments", "agent_states", "interval_stats", "transcript_turns")

# Tables whose rows belong to a contact and are replaced with it.
CONTACT_CHILDREN: Final = ("queue_entries", "agent_segments")
