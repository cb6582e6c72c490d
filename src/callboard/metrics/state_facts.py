"""Agent state time (occupancy, utilization, interactions per hour): state intervals cut into pieces.

Reference §2.4: "State and schedule time is split at boundaries". A state interval 09:50-10:20
gives 10 min to the 09:30 bucket and 20 min to the 10:00 bucket by `interval_30`, and is cut at
local midnight by `day`. The fact `agent_state_time` therefore has one row per *piece*: the part of
one state interval inside one bucket of the finest time grain the request groups or filters by,
with `_t` = the piece's start and `dur_ms` = its length. The query layer buckets `_t` in the
organisation's time zone as for any fact, so every piece lands wholly in one bucket.

How the cut works, on the engine (DuckDB and PySpark through Ibis): interval ends become epoch
milliseconds, and each interval is exploded (`unnest` of `ibis.range`) over the UTC-aligned steps
of `step` seconds it touches. `step` = gcd(grain length, every UTC offset the zone uses): local
bucket boundaries sit at `n * grain - offset` in UTC, so they are all step boundaries, across DST
changes too (a fall-back hour's two halves land in the same local bucket, as contacts do). Europe/
Berlin by `interval_30` cuts every 30 min; by `day` every hour (a day-long interval makes 24 pieces
that the GROUP BY sums back); UTC by `day` cuts at midnight only.

With no time grain requested nothing is cut. A period (`--from/--to`) clips every interval to it in
all cases, so a piece's `_t` is always inside the period.

Open intervals (`ended_at` NULL, the agent's current state) end at the source's data horizon: the
latest `started_at` or `ended_at` in that source's agent states. Offline time feeds no measure, so
offline rows are dropped before the explode (a night offline would otherwise make many pieces).
Intervals with `ended_at <= started_at` contribute nothing. Overlapping intervals of one agent are
not reconciled here: connectors deliver one state at a time per agent.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from callboard.core.timeutil import zone

if TYPE_CHECKING:
    from callboard.metrics.facts import FactContext

# Length of each time grain in seconds; week and month boundaries are local midnights, so a
# day cut serves them (week and month are not multiples of each other, a day divides both).
GRAIN_SECONDS: dict[str, int] = {
    "interval_15": 900, "interval_30": 1800, "interval_60": 3600, "hour": 3600,
    "day": 86400, "week": 86400, "month": 86400,
}
_EPOCH = dt.datetime(1970, 1, 1)
_NULL_DIMENSIONS = ("contact_id", "queue_id", "channel", "topic", "direction", "evaluator", "question_id", "section_id")


@lru_cache(maxsize=64)
def zone_offsets_s(tz_name: str) -> frozenset[int]:
    """Every UTC offset (seconds) the zone uses between 1973 and 2100, sampled daily.

    (Weekly sampling already finds the same sets for every zone in tzdata; 1973 skips Monrovia's
    -0:44:30, dropped in 1972, which would force a 30-second cut.)
    """
    tz = zone(tz_name)
    moment = dt.datetime(1973, 1, 1, 12, tzinfo=dt.timezone.utc)
    end = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
    seen: set[int] = set()
    while moment < end:
        offset = moment.astimezone(tz).utcoffset()
        seen.add(int(offset.total_seconds()) if offset is not None else 0)
        moment += dt.timedelta(days=1)
    return frozenset(seen)


def split_step_s(time_grains: Iterable[str], tz_name: str) -> int | None:
    """Step (seconds) of the UTC-aligned cuts that respect every requested grain; None: no cut."""
    lengths = [GRAIN_SECONDS[g] for g in time_grains if g in GRAIN_SECONDS]
    if not lengths:
        return None
    return math.gcd(*lengths, *zone_offsets_s(tz_name))


def _epoch_ms(ts: ir.TimestampValue) -> ir.IntegerValue:
    """Naive UTC timestamp -> epoch milliseconds (sub-millisecond digits dropped), on any engine."""
    return ts.truncate("s").epoch_seconds().cast("int64") * 1000 + ts.millisecond().cast("int64")


def _ms(value: dt.datetime) -> int:
    return (value - _EPOCH) // dt.timedelta(milliseconds=1)


def agent_state_time(ctx: FactContext) -> ir.Table:
    """Pieces of online agent state intervals, split at the request's finest time grain, clipped to
    its period; `_t` = piece start (naive UTC), `dur_ms` = piece length in milliseconds."""
    s = ctx.store.table("agent_states")
    s = s.mutate(_s_ms=_epoch_ms(s.started_at), _e_ms=_epoch_ms(s.ended_at))
    horizon = s.group_by("source").aggregate(
        _horizon_ms=ibis.greatest(s._s_ms.max(), ibis.coalesce(s._e_ms.max(), s._s_ms.max()))
    )
    s = s.filter(s.state != "offline")
    period = ctx.period
    start_utc = period.start_utc if period else None
    end_utc = period.end_utc if period else None
    if end_utc is not None:
        s = s.filter(s.started_at < end_utc)
    if start_utc is not None:
        s = s.filter(s.ended_at.isnull() | (s.ended_at > start_utc))
    s = s.join(horizon, "source")
    begin = s._s_ms
    finish = ibis.coalesce(s._e_ms, s._horizon_ms)
    if start_utc is not None:
        begin = ibis.greatest(begin, ibis.literal(_ms(start_utc), "int64"))
    if end_utc is not None:
        finish = ibis.least(finish, ibis.literal(_ms(end_utc), "int64"))
    s = s.mutate(_p_start=begin, _p_end=finish)
    s = s.filter(s._p_end > s._p_start)
    step_s = split_step_s(ctx.time_grains, ctx.time_zone)
    if step_s is not None:
        step = step_s * 1000
        s = s.mutate(_k=ibis.range(s._p_start // step, (s._p_end + (step - 1)) // step).unnest())
        s = s.mutate(_p_start=ibis.greatest(s._p_start, s._k * step), _p_end=ibis.least(s._p_end, (s._k + 1) * step))
        s = s.filter(s._p_end > s._p_start)
    pieces = s.mutate(
        _t=ibis.timestamp(_EPOCH) + s._p_start.as_interval("ms"),
        dur_ms=s._p_end - s._p_start,
        **{name: ibis.null("string") for name in _NULL_DIMENSIONS},
    )
    return pieces.select(
        "source", "record_id", "agent_id", "state", "reason", "paid", "started_at", "ended_at",
        "_t", "dur_ms", *_NULL_DIMENSIONS,
    )
