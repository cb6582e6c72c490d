"""Typed rows -> canonical tables (contacts and their children, surveys, agents, teams; or interval stats).

Contact rows (docs/csv-mapping.md has the full rules):
- outcome: Abandoned = yes -> abandoned; Answered = yes -> answered; else the outcome column;
  Answered = no -> abandoned; an agent, an answer time or talk time > 0 -> answered;
  Abandoned = no -> flowed_out; otherwise abandoned. The outcome column's raw text is kept.
- the queue entry starts at arrival; connected_at = arrival + wait (or the answer-time column);
  acw_ended_at = connected_at + talk + hold + acw; one agent segment per answered contact with an agent.
Interval rows store counts and sums, never averages: handle_ms = AHT x handled,
wait_answered_ms = ASA x answered, answered_within_threshold = SL x the mapping's SL basis.
"""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from callboard.ingest.connectors.csv_excel_fields import LATE, RAW_OUTCOME
from callboard.ingest.mapping import Mapping

TS = pl.Datetime("us")
SURVEYS = ("csat", "nps", "ces")


def _col(frame: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit(None, dtype=dtype)


def _ms(expr: pl.Expr) -> pl.Expr:
    return pl.duration(milliseconds=expr)


def build_contacts(frame: pl.DataFrame, mapping: Mapping, source: str) -> dict[str, pa.Table]:
    has = set(frame.columns)
    arrived = pl.col("arrived_at")
    connected_col = _col(frame, "connected_at", TS)
    wait = _col(frame, "wait_ms", pl.Int64)
    if "connected_at" in has:
        wait = pl.coalesce(wait, (connected_col - arrived).dt.total_milliseconds())
    hold = _col(frame, "hold_ms", pl.Int64)
    acw = _col(frame, "acw_ms", pl.Int64)
    talk = _col(frame, "talk_ms", pl.Int64)
    if "talk_ms" not in has and "handle_ms" in has:
        talk = (pl.col("handle_ms") - hold.fill_null(0) - acw.fill_null(0)).clip(lower_bound=0)
    agent = _col(frame, "agent_id", pl.Utf8)
    abandoned = _col(frame, "abandoned", pl.Boolean)
    answered = _col(frame, "answered", pl.Boolean)
    outcome_col = _col(frame, "outcome", pl.Utf8)
    outcome = (
        pl.when(abandoned.fill_null(False)).then(pl.lit("abandoned"))
        .when(answered.fill_null(False)).then(pl.lit("answered"))
        .when(outcome_col.is_not_null()).then(outcome_col)
        .when(answered.is_not_null()).then(pl.lit("abandoned"))
        .when(connected_col.is_not_null() | agent.is_not_null() | (talk.fill_null(0) > 0)).then(pl.lit("answered"))
        .when(abandoned.is_not_null()).then(pl.lit("flowed_out"))
        .otherwise(pl.lit("abandoned"))
    )
    f = frame.with_columns(
        wait.alias("wait_ms"), talk.alias("talk_ms"), hold.alias("hold_ms"), acw.alias("acw_ms"),
        outcome.alias("outcome"),
        (_col(frame, "channel", pl.Utf8).fill_null("voice")).alias("channel"),
        (_col(frame, "direction", pl.Utf8).fill_null("inbound")).alias("direction"),
        (_col(frame, "bot_only", pl.Boolean).fill_null(False)).alias("bot_only"),
        agent.alias("agent_id"),
    )
    connected = pl.coalesce(connected_col, arrived + _ms(pl.col("wait_ms").fill_null(0)))
    is_answered = pl.col("outcome") == "answered"
    parts = [pl.col("talk_ms"), pl.col("hold_ms"), pl.col("acw_ms")]
    any_part = pl.any_horizontal([p.is_not_null() for p in parts])
    f = f.with_columns(
        pl.when(is_answered).then(connected).otherwise(None).alias("_connected"),
    ).with_columns(
        pl.coalesce(
            _col(frame, "ended_at", TS),
            pl.when(is_answered)
            .then(pl.col("_connected") + _ms(pl.col("talk_ms").fill_null(0) + pl.col("hold_ms").fill_null(0)))
            .otherwise(arrived + _ms(pl.col("wait_ms"))),
        ).alias("ended_at"),
        pl.when(any_part)
        .then(pl.col("_connected") + _ms(sum((p.fill_null(0) for p in parts), pl.lit(0, pl.Int64))))
        .otherwise(None)
        .alias("_acw_ended"),
    )
    lit = {"source": pl.lit(source)}
    dims = [pl.col("channel"), pl.col("direction"), _col(f, "customer_id", pl.Utf8).alias("customer_id"),
            pl.col("bot_only"), _col(f, "topic", pl.Utf8).alias("topic")]
    tables: dict[str, pa.Table] = {}
    tables["contacts"] = f.select(
        lit["source"].alias("source"), pl.col("contact_id"), *dims, arrived.alias("arrived_at"), pl.col("ended_at"),
        _col(f, "disposition", pl.Utf8).alias("disposition"), _col(f, "resolved", pl.Boolean).alias("resolved"),
        pl.lit(None, pl.Utf8).alias("callback_of"), pl.lit(False).alias("is_open"),
        _col(f, "updated_at", TS).alias("updated_at"),
    ).to_arrow()
    if "queue_id" in has:
        queued = f.filter(pl.col("queue_id").is_not_null())
        dequeued = pl.coalesce(
            pl.when(pl.col("outcome") == "answered").then(pl.col("_connected")),
            arrived + _ms(pl.col("wait_ms")),
        )
        tables["queue_entries"] = queued.select(
            lit["source"].alias("source"), pl.col("contact_id"), pl.lit(1, pl.Int32).alias("entry_seq"),
            pl.col("queue_id"), *dims, arrived.alias("enqueued_at"), dequeued.alias("dequeued_at"),
            pl.col("wait_ms"), pl.col("outcome"), _col(f, RAW_OUTCOME, pl.Utf8).alias("raw_exit_reason"),
            pl.col("agent_id"),
        ).to_arrow()
    handled = f.filter(is_answered & pl.col("agent_id").is_not_null())
    if handled.height:
        tables["agent_segments"] = handled.select(
            lit["source"].alias("source"), pl.col("contact_id"), pl.lit(1, pl.Int32).alias("segment_seq"),
            pl.col("agent_id"), _col(f, "queue_id", pl.Utf8).alias("queue_id"), *dims,
            pl.col("_connected").alias("connected_at"), pl.col("_acw_ended").alias("acw_ended_at"),
            pl.col("talk_ms"), pl.col("hold_ms"), _col(f, "hold_count", pl.Int64).cast(pl.Int32).alias("hold_count"),
            pl.col("acw_ms"), pl.lit(None, pl.Int64).alias("dial_ms"), pl.lit(None, pl.Int64).alias("contacting_ms"),
            pl.lit(None, pl.Int64).alias("voicemail_ms"),
            _col(f, "transferred", pl.Boolean).fill_null(False).alias("transferred_out"),
        ).to_arrow()
    surveys = [
        f.filter(pl.col(q).is_not_null()).select(
            lit["source"].alias("source"), (pl.col("contact_id") + f":{q}").alias("response_id"), pl.col("contact_id"),
            pl.lit(q).alias("question"), pl.col(q).cast(pl.Float64).alias("score"),
            pl.lit(float(mapping.scale(q)[0])).alias("scale_min"),
            pl.lit(float(mapping.scale(q)[1])).alias("scale_max"),
            pl.coalesce(pl.col("ended_at"), arrived).alias("responded_at"), pl.lit(None, pl.Utf8).alias("comment"),
        )
        for q in SURVEYS
        if q in has
    ]
    if surveys:
        tables["survey_responses"] = pl.concat(surveys).to_arrow()
    tables.update(_people(f, "arrived_at"))
    return tables


def _people(f: pl.DataFrame, time_column: str) -> dict[str, pa.Table]:
    """agents (display name from the name column, else the id) and team memberships from the earliest row."""
    tables: dict[str, pa.Table] = {}
    if "agent_id" not in f.columns or f["agent_id"].null_count() == f.height:
        return tables
    rows = f.filter(pl.col("agent_id").is_not_null())
    name = pl.col("agent_name") if "agent_name" in f.columns else pl.col("agent_id")
    tables["agents"] = (
        rows.select("agent_id", name.alias("display_name"))
        .unique(subset=["agent_id"], keep="first", maintain_order=True)
        .with_columns(pl.coalesce("display_name", "agent_id").alias("display_name"))
        .to_arrow()
    )
    if "team_id" in f.columns:
        teams = rows.filter(pl.col("team_id").is_not_null())
        if teams.height:
            tables["team_memberships"] = (
                teams.group_by("agent_id", "team_id")
                .agg(pl.col(time_column).min().alias("valid_from"))
                .with_columns(pl.lit(None, TS).alias("valid_to"))
                .to_arrow()
            )
    return tables


def build_intervals(frame: pl.DataFrame, mapping: Mapping, source: str) -> dict[str, pa.Table]:
    options = mapping.intervals
    has = set(frame.columns)
    keys = [
        _col(frame, "queue_id", pl.Utf8).alias("queue_id"),
        (_col(frame, "channel", pl.Utf8).fill_null("voice")).alias("channel"),
        _col(frame, "agent_id", pl.Utf8).alias("agent_id"),
    ]
    f = frame.with_columns(*keys)
    # a local time in the autumn fold appears twice in a day's intervals: the second one is the later instant
    early, late = pl.col("interval_start"), pl.col(LATE + "interval_start")
    occurrence = pl.int_range(pl.len()).over(["interval_start", "queue_id", "channel", "agent_id"])
    f = f.with_columns(pl.when((early != late) & (occurrence >= 1)).then(late).otherwise(early).alias("interval_start"))
    offered = _col(f, "offered", pl.Int64)
    answered = _col(f, "answered", pl.Int64)
    abandoned = _col(f, "abandoned", pl.Int64)
    if "offered" not in has:
        offered = answered + abandoned
    handled = pl.coalesce(_col(f, "handled", pl.Int64), answered)
    handle_ms = _col(f, "handle_ms", pl.Int64)
    if "aht_ms" in has:
        handle_ms = pl.coalesce(handle_ms, (pl.col("aht_ms").cast(pl.Float64) * handled).round(0).cast(pl.Int64))
    wait_ms = _col(f, "wait_answered_ms", pl.Int64)
    if "asa_ms" in has:
        wait_ms = pl.coalesce(wait_ms, (pl.col("asa_ms").cast(pl.Float64) * answered).round(0).cast(pl.Int64))
    basis = {
        "answered_plus_abandoned": answered + abandoned,
        "offered": offered,
        "answered": answered,
    }[options.service_level_basis]
    within = _col(f, "answered_within_threshold", pl.Int64)
    if "service_level" in has:
        within = pl.coalesce(within, (pl.col("service_level") * basis).round(0).cast(pl.Int64))
    threshold = (
        pl.lit(float(options.service_level_threshold_s))
        if "service_level" in has or "answered_within_threshold" in has
        else pl.lit(None, pl.Float64)
    )
    key = pl.concat_str(
        [pl.col("interval_start").dt.strftime("%Y-%m-%dT%H:%M:%S"), pl.col("queue_id").fill_null(""),
         pl.col("channel").fill_null(""), pl.col("agent_id").fill_null("")],
        separator="|",
    )
    tables = {
        "interval_stats": f.select(
            pl.lit(source).alias("source"), key.alias("record_id"), pl.col("interval_start"),
            pl.lit(options.interval_minutes * 60, pl.Int32).alias("interval_s"),
            pl.col("queue_id"), pl.col("channel"), pl.col("agent_id"),
            offered.alias("offered"), answered.alias("answered"), abandoned.alias("abandoned"),
            within.alias("answered_within_threshold"), threshold.alias("threshold_s"),
            wait_ms.alias("wait_answered_ms"), handled.alias("handled"), handle_ms.alias("handle_ms"),
        ).to_arrow()
    }
    tables.update(_people(f, "interval_start"))
    return tables
