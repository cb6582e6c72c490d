"""Per-session figures of a Genesys Cloud conversation: what each agent did, and each stay in a queue.

Agent (and non-ACD user) sessions become agent segments: talk is the time in `interact` segments (so
connected time minus hold), hold the time in `hold` segments, wrap-up the `wrapup` segments, ringing the
`alert` segments, dialing the `dialing` and `contacting` segments. ACD sessions become queue entries,
answered by the agent session of the same queue that connected while (or just as) the entry left the
queue. All in polars expressions over the whole file at once.
"""

from __future__ import annotations

import polars as pl

AGENT_PURPOSES = ("agent", "user")
ANSWER_SLACK = pl.duration(seconds=2)  # an agent connects a few ms after the ACD segment ends


def _ms(start: str, end: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_milliseconds()


def _part(*kinds: str) -> pl.Expr:
    """Sum of the durations of segments of these types; NULL while one of them is still open."""
    is_kind = pl.col("segment_type").is_in(kinds)
    return (
        pl.when((is_kind & pl.col("end_at").is_null()).any())
        .then(None)
        .otherwise(pl.col("dur_ms").filter(is_kind).sum())
        .cast(pl.Int64)
    )


def _metric(met: pl.DataFrame, name: str) -> pl.DataFrame:
    """One metric per session: its summed value and latest emit time."""
    return (
        met.filter(pl.col("name") == name)
        .group_by("sess")
        .agg(pl.col("value").sum().round(0).cast(pl.Int64).alias(name), pl.col("emit_at").max().alias(f"{name}_at"))
    )


def agent_sessions(sessions: pl.DataFrame, segments: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    """Every agent or user session with its figures; `handled` marks those that went past ringing."""
    agents = sessions.filter(pl.col("purpose").is_in(AGENT_PURPOSES)).select("sess", "conv", "user_id")
    seg = (
        segments.join(agents.select("sess"), on="sess", how="semi")
        .sort("sess", "start_at", "seg_order")
        .with_columns(_ms("start_at", "end_at").alias("dur_ms"))
        .with_columns(
            (
                (pl.col("segment_type") == "hold")
                & (pl.col("segment_type").shift(1).over("sess").fill_null("") != "hold")
            ).alias("hold_starts")
        )
    )
    after_ringing = pl.col("segment_type") != "alert"
    summary = seg.group_by("sess").agg(
        pl.col("queue_id").drop_nulls().first().alias("queue_id"),
        pl.col("start_at").min().alias("first_at"),
        pl.col("start_at").filter(pl.col("segment_type") == "interact").min().alias("interact_at"),
        pl.col("start_at").filter(after_ringing).min().alias("work_at"),
        pl.when(pl.col("end_at").is_null().any()).then(None).otherwise(pl.col("end_at").max()).alias("ended_at"),
        _part("interact").alias("talk_ms"),
        _part("hold").alias("hold_ms"),
        pl.col("hold_starts").sum().cast(pl.Int32).alias("hold_count"),
        pl.when(pl.col("end_at").is_null().any()).then(None).otherwise(_part("wrapup")).alias("acw_ms"),
        _part("dialing", "contacting").alias("dial_ms"),
        _part("alert").alias("contacting_ms"),
        _part("voicemail").alias("voicemail_ms"),
        (after_ringing & pl.col("disconnect").str.starts_with("transfer")).any().alias("transfer_disconnect"),
        pl.col("wrapup").drop_nulls().last().alias("wrapup"),
        pl.col("start_at").filter(pl.col("wrapup").is_not_null()).max().alias("wrapup_at"),
    )
    transfers = _metric(metrics, "nTransferred")
    return (
        agents.join(summary, on="sess", how="inner")
        .join(transfers.select("sess", "nTransferred"), on="sess", how="left")
        .with_columns(
            pl.coalesce("interact_at", "work_at").alias("connected_at"),
            (pl.col("transfer_disconnect") | (pl.col("nTransferred").fill_null(0) > 0)).alias("transferred_out"),
        )
        .with_columns(pl.col("connected_at").is_not_null().alias("handled"))
    )


def queue_stays(sessions: pl.DataFrame, segments: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    """Each ACD session: queue, entry and exit times, last disconnect type and the outcome metrics."""
    acd = sessions.filter(pl.col("purpose") == "acd").select("sess", "conv", "path")
    seg = segments.join(acd.select("sess"), on="sess", how="semi").sort("sess", "start_at", "seg_order")
    stays = seg.group_by("sess").agg(
        pl.col("queue_id").drop_nulls().first().alias("queue_id"),
        pl.col("start_at").min().alias("enqueued_at"),
        pl.when(pl.col("end_at").is_null().any()).then(None).otherwise(pl.col("end_at").max()).alias("seg_end_at"),
        pl.col("disconnect").drop_nulls().last().alias("disconnect"),
    )
    out = acd.join(stays, on="sess", how="inner")
    for name in ("tAcd", "tAbandon", "tFlowOut"):
        out = out.join(_metric(metrics, name), on="sess", how="left")
    return out.with_columns(
        pl.coalesce("seg_end_at", "tAbandon_at", "tFlowOut_at", "tAcd_at").alias("dequeued_at"),
    )


def queue_entries(stays: pl.DataFrame, agents: pl.DataFrame) -> pl.DataFrame:
    """Outcome and agent of each stay that has left the queue (a stay still waiting is not emitted: its
    conversation is open, and the closed version brings the entry).

    answered: an agent session of the same conversation and queue began ringing or connected between
    entry and exit (+2 s) and connected; abandoned: `tAbandon`, or a disconnect other than a transfer
    without an answer; flowed_out: `tFlowOut`, or a transfer out of the queue without an answer.
    """
    window = stays.select("sess", "conv", "queue_id", "enqueued_at", "dequeued_at").join(
        agents.select(pl.col("sess").alias("agent_sess"), "conv", "queue_id", "user_id", "first_at", "interact_at",
                      "connected_at", "handled"),
        on=["conv", "queue_id"], how="inner",
    ).filter(
        (pl.col("first_at") >= pl.col("enqueued_at"))
        & (pl.col("dequeued_at").is_null() | (pl.col("first_at") <= pl.col("dequeued_at") + ANSWER_SLACK))
    )
    answered = (
        window.filter(pl.col("interact_at").is_not_null())
        .sort("interact_at", "agent_sess")
        .group_by("sess", maintain_order=True)
        .agg(pl.col("user_id").first().alias("answered_by"))
    )
    routed = (
        window.sort("first_at", "agent_sess")
        .group_by("sess", maintain_order=True)
        .agg(pl.col("user_id").last().alias("routed_to"))
    )
    disconnect_is_transfer = pl.col("disconnect").fill_null("").str.starts_with("transfer")
    outcome = (
        pl.when(pl.col("tAbandon").is_not_null()).then(pl.lit("abandoned"))
        .when(pl.col("tFlowOut").is_not_null()).then(pl.lit("flowed_out"))
        .when(pl.col("answered_by").is_not_null()).then(pl.lit("answered"))
        .when(pl.col("dequeued_at").is_null()).then(None)
        .when(disconnect_is_transfer).then(pl.lit("flowed_out"))
        .otherwise(pl.lit("abandoned"))
    )
    metric_word = (
        pl.when(pl.col("tAbandon").is_not_null()).then(pl.lit("tAbandon"))
        .when(pl.col("tFlowOut").is_not_null()).then(pl.lit("tFlowOut"))
        .when(pl.col("tAcd").is_not_null()).then(pl.lit("tAcd"))
    )
    return (
        stays.join(answered, on="sess", how="left")
        .join(routed, on="sess", how="left")
        .with_columns(outcome.alias("outcome"))
        .filter(pl.col("outcome").is_not_null())
        .with_columns(
            pl.coalesce("disconnect", metric_word).alias("raw_exit_reason"),
            pl.when(pl.col("outcome") == "answered").then(pl.col("answered_by"))
            .otherwise(pl.col("routed_to")).alias("agent_id"),
            _ms("enqueued_at", "dequeued_at").alias("wait_ms"),
        )
    )
