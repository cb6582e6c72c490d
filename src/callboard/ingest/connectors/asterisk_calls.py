"""A call's queue_log lines -> Callboard's contact, queue entries and agent segments, for all calls at once.

Lines are sorted by time within each call (ties follow the call's life: enter, ring, connect, end;
then file order), so lines written out of order still tell the same story. A *visit* is one stay in
one queue: the n-th ENTERQUEUE in a queue and the events after it in that queue. Every visit that has
ended is one queue entry; every visit answered (CONNECT, or the COMPLETE/transfer line alone when the
CONNECT sits in an earlier file) is one agent segment. A call whose last visit or conversation has not
ended yet is *open*: its contact loads with `is_open` and its finished parts, and the complete version
replaces it when the closing line arrives.

The numbers come from the event fields Asterisk writes (wait, hold and call time in seconds, ring time
in milliseconds), falling back to line times only when a field is missing. Asterisk logs no hold and
no wrap-up, so `hold_ms`, `hold_count` and `acw_ms` stay NULL.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from callboard.ingest.connectors import asterisk_events as ev

_US = 1_000_000
_VISIT = ["callid", "queue", "visit"]


@dataclass(frozen=True)
class CallRows:
    contacts: pl.DataFrame
    queue_entries: pl.DataFrame
    agent_segments: pl.DataFrame
    status: pl.DataFrame  # callid, is_open, last_t_us: which calls to carry to the next read


def _first(column: str, when: pl.Expr) -> pl.Expr:
    return pl.col(column).filter(when).first()


def _visits(lines: pl.DataFrame) -> pl.DataFrame:
    event = pl.col("event")
    is_enter, is_connect = event == ev.ENTER, event == ev.CONNECT
    is_exit, is_end = event.is_in(list(ev.EXITS)), event.is_in(list(ev.ENDS))
    is_ring = event.is_in(list(ev.RING_FAILURES))
    visits = lines.group_by(_VISIT).agg(
        _first("t_us", is_enter).alias("enter_t"),
        _first("callerid", is_enter).alias("callerid"),
        _first("t_us", is_connect).alias("connect_t"),
        _first("agent", is_connect).alias("connect_agent"),
        _first("hold_s", is_connect).alias("connect_hold_s"),
        _first("ring_ms", is_connect).alias("connect_ring_ms"),
        _first("t_us", is_exit).alias("exit_t"),
        _first("event", is_exit).alias("exit_event"),
        _first("wait_s", is_exit).alias("exit_wait_s"),
        _first("agent", is_exit).alias("exit_agent"),
        _first("t_us", is_end).alias("end_t"),
        _first("event", is_end).alias("end_event"),
        _first("agent", is_end).alias("end_agent"),
        _first("hold_s", is_end).alias("end_hold_s"),
        _first("call_s", is_end).alias("end_call_s"),
        pl.col("agent").filter(is_ring).last().alias("ring_agent"),
        pl.col("t_us").min().alias("first_t"),
    )
    rna = (lines.filter(event == ev.RINGNOANSWER).group_by([*_VISIT, "agent"])
           .agg(pl.col("ring_ms").sum().alias("rna_ms")))
    answered = pl.col("connect_t").is_not_null() | pl.col("end_t").is_not_null()
    visits = visits.with_columns(
        answered.alias("answered"),
        pl.coalesce("connect_agent", "end_agent").alias("seg_agent"),
        pl.when(answered).then(pl.coalesce("connect_t", pl.col("end_t") - pl.col("end_call_s") * _US))
        .otherwise(pl.col("exit_t")).alias("dequeued_t"),
    )
    visits = visits.join(rna.rename({"agent": "seg_agent"}), on=[*_VISIT, "seg_agent"], how="left")
    wait_field_ms = pl.when(pl.col("answered")).then(pl.coalesce("connect_hold_s", "end_hold_s")) \
        .otherwise(pl.col("exit_wait_s")) * 1000
    wait_ms = pl.coalesce(wait_field_ms, (pl.col("dequeued_t") - pl.col("enter_t")) // 1000)
    exit_agent = pl.when(~pl.col("exit_agent").is_in(list(ev.NOT_A_CALL))).then(pl.col("exit_agent"))
    return visits.with_columns(
        pl.when(pl.col("answered")).then(pl.lit("answered"))
        .otherwise(pl.col("exit_event").replace_strict(ev.EXITS, default=None)).alias("outcome"),
        wait_ms.alias("wait_ms"),
        pl.coalesce("enter_t", pl.col("dequeued_t") - wait_ms * 1000, "first_t").alias("enqueued_t"),
        pl.when(pl.col("answered")).then(pl.col("seg_agent"))
        .otherwise(pl.coalesce(exit_agent, pl.col("ring_agent"))).alias("entry_agent"),
        pl.when(pl.col("answered")).then(pl.lit(ev.CONNECT)).otherwise(pl.col("exit_event")).alias("raw_exit_reason"),
        (pl.col("answered") & pl.col("end_t").is_null() | ~pl.col("answered") & pl.col("exit_t").is_null())
        .alias("open"),
    )


def _ts(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Datetime("us"))


_DIMS = [pl.lit("voice").alias("channel"), pl.col("direction"), pl.col("customer_id"),
         pl.lit(False).alias("bot_only"), pl.lit(None, pl.Utf8).alias("topic")]


def build_calls(lines: pl.DataFrame, source: str) -> CallRows:
    """Canonical rows for every call in `lines` (good lines of queued calls, carried and new together)."""
    lines = lines.sort(["callid", "t_us", "rank", "ord"])
    lines = lines.with_columns(
        (pl.col("event") == ev.ENTER).cast(pl.Int32).cum_sum().over(["callid", "queue"]).alias("visit"))
    visits = _visits(lines)
    per_call = lines.group_by("callid").agg(
        pl.col("t_us").max().alias("last_t"), pl.len().alias("n_lines"))
    contacts = visits.sort(["callid", "enqueued_t"]).group_by("callid").agg(
        pl.col("enqueued_t").min().alias("arrived_t"),
        pl.max_horizontal(pl.col("end_t").max(), pl.col("exit_t").max()).alias("ended_t"),
        pl.col("open").any().alias("is_open"),
        pl.col("callerid").filter(pl.col("callerid").fill_null("") != "").first().alias("customer_id"),
    ).join(per_call, on="callid").with_columns(pl.lit("inbound").alias("direction"))
    # A version with more lines is newer even within the same second: +1 µs per line breaks the tie.
    contacts = contacts.with_columns((pl.col("last_t") + pl.col("n_lines")).alias("updated_t"))
    dims = contacts.select("callid", "direction", "customer_id")
    closed = visits.filter(pl.col("outcome").is_not_null()).join(dims, on="callid").sort(
        ["callid", "enqueued_t", "first_t", "queue", "visit"])
    entries = closed.select(
        pl.lit(source).alias("source"), pl.col("callid").alias("contact_id"),
        pl.int_range(pl.len()).over("callid").cast(pl.Int32).alias("entry_seq"), pl.col("queue").alias("queue_id"),
        *_DIMS, _ts("enqueued_t").alias("enqueued_at"), _ts("dequeued_t").alias("dequeued_at"), "wait_ms",
        "outcome", "raw_exit_reason", pl.col("entry_agent").alias("agent_id"))
    answered = visits.filter(pl.col("answered")).join(dims, on="callid").sort(["callid", "dequeued_t", "queue", "visit"])
    contacting = pl.when(pl.col("rna_ms").is_null() & pl.col("connect_ring_ms").is_null()).then(None) \
        .otherwise(pl.col("rna_ms").fill_null(0) + pl.col("connect_ring_ms").fill_null(0))
    segments = answered.select(
        pl.lit(source).alias("source"), pl.col("callid").alias("contact_id"),
        pl.int_range(pl.len()).over("callid").cast(pl.Int32).alias("segment_seq"),
        pl.col("seg_agent").alias("agent_id"), pl.col("queue").alias("queue_id"), *_DIMS,
        _ts("dequeued_t").alias("connected_at"), _ts("end_t").alias("acw_ended_at"),
        (pl.col("end_call_s") * 1000).alias("talk_ms"), *_unlogged(),
        contacting.alias("contacting_ms"), pl.lit(None, pl.Int64).alias("voicemail_ms"),
        pl.col("end_event").is_in(list(ev.TRANSFERS)).fill_null(False).alias("transferred_out"))
    status = contacts.select("callid", "is_open", pl.col("last_t").alias("last_t_us"))
    return CallRows(_contact_rows(contacts, source), entries, segments, status)


def _unlogged() -> list[pl.Expr]:
    """Asterisk logs neither hold nor wrap-up nor dialing: NULL (unknown), never 0."""
    return [pl.lit(None, pl.Int64).alias("hold_ms"), pl.lit(None, pl.Int32).alias("hold_count"),
            pl.lit(None, pl.Int64).alias("acw_ms"), pl.lit(None, pl.Int64).alias("dial_ms")]


def _contact_rows(contacts: pl.DataFrame, source: str) -> pl.DataFrame:
    return contacts.select(
        pl.lit(source).alias("source"), pl.col("callid").alias("contact_id"), *_DIMS,
        _ts("arrived_t").alias("arrived_at"),
        pl.when(pl.col("is_open")).then(None).otherwise(_ts("ended_t")).alias("ended_at"),
        pl.lit(None, pl.Utf8).alias("disposition"), pl.lit(None, pl.Boolean).alias("resolved"),
        pl.lit(None, pl.Utf8).alias("callback_of"), "is_open", _ts("updated_t").alias("updated_at"))


def build_outcalls(lines: pl.DataFrame, source: str) -> CallRows:
    """OUTCALL lines (QueueUpdate): one line is one finished outbound call; answered ones are a segment."""
    answered = pl.col("status").fill_null("").str.to_uppercase().is_in(["ANSWER", "ANSWERED"])
    talk_us = pl.col("call_s").fill_null(0) * _US
    calls = lines.sort(["callid", "t_us", "ord"]).unique("callid", keep="last").with_columns(
        pl.lit("outbound").alias("direction"), pl.lit(None, pl.Utf8).alias("customer_id"),
        answered.alias("answered"), (pl.col("t_us") - pl.when(answered).then(talk_us).otherwise(0)).alias("arrived_t"),
        pl.col("t_us").alias("ended_t"), pl.lit(False).alias("is_open"), (pl.col("t_us") + 1).alias("updated_t"))
    segments = calls.filter(pl.col("answered")).select(
        pl.lit(source).alias("source"), pl.col("callid").alias("contact_id"), pl.lit(0, pl.Int32).alias("segment_seq"),
        "agent", pl.when(pl.col("queue").is_in(list(ev.NOT_A_CALL))).then(None).otherwise(pl.col("queue"))
        .alias("queue_id"), *_DIMS, _ts("arrived_t").alias("connected_at"), _ts("t_us").alias("acw_ended_at"),
        (pl.col("call_s") * 1000).alias("talk_ms"), *_unlogged(), pl.lit(None, pl.Int64).alias("contacting_ms"),
        pl.lit(None, pl.Int64).alias("voicemail_ms"), pl.lit(False).alias("transferred_out"),
    ).rename({"agent": "agent_id"})
    empty_entries = build_calls(lines.clear(), source).queue_entries
    status = calls.select("callid", "is_open", pl.col("t_us").alias("last_t_us"))
    return CallRows(_contact_rows(calls, source), empty_entries, segments, status)
