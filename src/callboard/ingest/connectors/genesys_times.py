"""Parse every Genesys Cloud timestamp of a file in one vectorised pass, and check the times agree.

Genesys writes ISO 8601 UTC (`2021-04-01T12:27:53.386Z`); an explicit offset is converted to UTC and
a time without zone is read as UTC. A conversation with a time that does not parse, a segment that ends
before it starts, an end before the conversation start or a negative metric is quarantined whole, naming
the first offending field.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from callboard.ingest.connectors.genesys_flatten import Flat

_SHAPE = r"^\d{4}-\d{1,2}-\d{1,2}T\d{1,2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$"


def parse_utc(column: pl.Expr) -> pl.Expr:
    """ISO 8601 text -> naive UTC datetime[us]; NULL when it does not parse."""
    text = column.str.strip_chars()
    shaped = pl.when(text.str.contains(_SHAPE)).then(text)
    zoned = shaped.str.replace(r"Z$", "+00:00").str.replace(r"([+-]\d{2})(\d{2})$", "$1:$2")
    with_zone = zoned.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_unit="us", time_zone="UTC")
    naive = shaped.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
    return pl.coalesce(with_zone.dt.replace_time_zone(None), naive)


def problems(frame: pl.DataFrame, checks: list[tuple[pl.Expr, pl.Expr, pl.Expr]], order: int) -> pl.DataFrame:
    """Rows failing each check as (conv, order, field, reason); `order` ranks the checks."""
    parts = []
    for condition, field_expr, reason in checks:
        part = frame.filter(condition).select(
            "conv", pl.lit(order, pl.Int64).alias("order"), field_expr.cast(pl.String).alias("field"),
            reason.cast(pl.String).alias("reason"),
        )
        parts.append(part)
        order += 1
    return pl.concat(parts)


def _unparsed(text: str, parsed: str) -> pl.Expr:
    return pl.col(text).is_not_null() & pl.col(parsed).is_null()


def _not_iso(name: str, column: str) -> pl.Expr:
    return pl.format("{} {} is not an ISO 8601 time", pl.lit(name), pl.col(column).str.slice(0, 60))


def _text(reason: str) -> pl.Expr:
    return pl.lit(reason)


def parse_times(flat: Flat, file: str) -> Flat:
    """Add `*_at` columns; quarantine conversations whose times do not parse or do not agree."""
    conv = flat.conversations.with_columns(
        parse_utc(pl.col("start_s")).alias("start_at"), parse_utc(pl.col("end_s")).alias("end_at")
    )
    seg = flat.segments.with_columns(
        parse_utc(pl.col("start_s")).alias("start_at"), parse_utc(pl.col("end_s")).alias("end_at")
    )
    met = flat.metrics.with_columns(parse_utc(pl.col("emit_s")).alias("emit_at"))
    found = pl.concat([
        problems(conv, [
            (_unparsed("start_s", "start_at"), pl.lit("conversationStart"), _not_iso("conversationStart", "start_s")),
            (_unparsed("end_s", "end_at"), pl.lit("conversationEnd"), _not_iso("conversationEnd", "end_s")),
            (pl.col("end_at") < pl.col("start_at"), pl.lit("conversationEnd"), _text("conversationEnd is before conversationStart")),
        ], 0),
        problems(seg, [
            (_unparsed("start_s", "start_at"), pl.col("path") + "segmentStart", _not_iso("segmentStart", "start_s")),
            (_unparsed("end_s", "end_at"), pl.col("path") + "segmentEnd", _not_iso("segmentEnd", "end_s")),
            (pl.col("end_at") < pl.col("start_at"), pl.col("path") + "segmentEnd", _text("segmentEnd is before segmentStart")),
        ], 10),
        problems(met, [
            (_unparsed("emit_s", "emit_at"), pl.col("path") + "emitDate", _not_iso("emitDate", "emit_s")),
            (pl.col("value") < 0, pl.col("path") + "value", _text("a metric value cannot be negative")),
            (pl.col("value").is_nan() | pl.col("value").is_infinite(), pl.col("path") + "value",
             _text("a metric value must be a finite number")),
        ], 20),
    ], how="vertical")
    with_times = dataclasses.replace(flat, conversations=conv, segments=seg, metrics=met)
    return drop_rejected(with_times, found, file)


def drop_rejected(flat: Flat, found: pl.DataFrame, file: str) -> Flat:
    """Quarantine each conversation in `found` (conv, order, field, reason) once, at its first problem,
    and drop its rows from every frame."""
    if found.is_empty():
        return flat
    first = found.sort("conv", "order").unique("conv", keep="first", maintain_order=True)
    rejections = [flat.reject(file, row["conv"], row["field"], row["reason"]) for row in first.iter_rows(named=True)]
    keep = ~pl.col("conv").is_in(first.get_column("conv").implode())
    return dataclasses.replace(
        flat,
        conversations=flat.conversations.filter(keep),
        sessions=flat.sessions.filter(keep),
        segments=flat.segments.filter(keep),
        metrics=flat.metrics.filter(keep),
        rejections=[*flat.rejections, *rejections],
    )
