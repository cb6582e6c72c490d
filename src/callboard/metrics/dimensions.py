"""Grouping dimensions: names users type (`--by agent,day`) and the Ibis columns behind them."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from callboard.core.errors import InvalidInput, unknown_name
from callboard.records.schemas import CHANNELS, DIRECTIONS
from callboard.store.base import AnalyticsStore

PLAIN = {
    "contact": "contact_id",
    "agent": "agent_id",
    "queue": "queue_id",
    "channel": "channel",
    "topic": "topic",
    "direction": "direction",
    "evaluator": "evaluator",  # QA metrics only; null on every other fact
    "question": "question_id",  # QA fail-rate metrics only (qa_item_results); null on every other fact
    "section": "section_id",  # same
}
TIME = ("interval_15", "interval_30", "interval_60", "hour", "day", "week", "month")
ALIASES = {"interval": "interval_30", "interval15": "interval_15", "interval30": "interval_30",
           "interval60": "interval_60", "date": "day"}
ALL = (*PLAIN, "team", *TIME)
FIXED_VALUES: dict[str, tuple[str, ...]] = {"channel": CHANNELS, "direction": DIRECTIONS}  # what a source may store


def canonical(name: str) -> str:
    key = ALIASES.get(name, name)
    if key not in ALL:
        raise unknown_name("dimension", name, [*ALL, *ALIASES])
    return key


def canonical_dimensions(names: list[str] | tuple[str, ...]) -> list[str]:
    """The canonical names of a grouping (`--by`), refusing a dimension given twice, also under an alias
    (`day,date`): the result would have two columns of one name."""
    seen: dict[str, str] = {}
    out: list[str] = []
    for name in names:
        key = canonical(name)
        if key in seen:
            also = "" if seen[key] == name else f" (as '{seen[key]}' and '{name}')"
            raise InvalidInput(f"dimension '{key}' is grouped by twice{also}", hint="give each dimension once")
        seen[key] = name
        out.append(key)
    return out


def filter_values(dim: str, values: list[str] | tuple[str, ...]) -> list[str]:
    """A filter's values, checked against the fixed set of values a dimension can hold (channel, direction):
    an unknown one (`channel=phone`) would silently match nothing. Letter case is ignored (`Voice` = voice)."""
    valid = FIXED_VALUES.get(dim)
    if valid is None:
        return list(values)
    out = []
    for value in values:
        folded = value.strip().casefold()
        if folded not in valid:
            raise unknown_name(f"{dim} value", value, valid)
        out.append(folded)
    return out


@ibis.udf.scalar.builtin(name="timezone", signature=((dt.string, dt.Timestamp(timezone="UTC")), dt.timestamp))
def _duckdb_timezone(zone, ts):  # type: ignore[no-untyped-def]
    """DuckDB: timezone(zone, timestamptz) -> the local wall-clock timestamp."""


@ibis.udf.scalar.builtin(name="from_utc_timestamp", signature=((dt.timestamp, dt.string), dt.timestamp))
def _spark_from_utc(ts, zone):  # type: ignore[no-untyped-def]
    """Spark: from_utc_timestamp(ts, zone) -> the local wall-clock timestamp."""


def local_time(ts: ir.TimestampValue, tz: str, backend: str) -> ir.TimestampValue:
    """Naive UTC -> naive local wall clock in the organisation's time zone, on the engine itself."""
    if tz in ("UTC", "Etc/UTC"):
        return ts
    if backend == "duckdb":
        return _duckdb_timezone(tz, ts.cast(dt.Timestamp(timezone="UTC")))
    return _spark_from_utc(ts, tz)


def time_bucket(local: ir.TimestampValue, name: str) -> ir.Value:
    if name == "day":
        return local.date()
    if name == "week":
        return local.truncate("W").date()
    if name == "month":
        return local.truncate("M").date()
    if name == "hour":
        return local.truncate("h")
    minutes = int(name.split("_")[1])
    if minutes == 60:
        return local.truncate("h")
    step = (local.minute() // minutes) * minutes
    return local.truncate("h") + step.as_interval("m")


def add_dimensions(t: ir.Table, dims: list[str], *, store: AnalyticsStore, tz: str) -> ir.Table:
    """Add one column per requested dimension, named as the dimension."""
    needs_team = "team" in dims
    if needs_team:
        m = store.table("team_memberships")
        cond = [
            t.agent_id == m.agent_id,
            t._t >= m.valid_from,
            m.valid_to.isnull() | (t._t < m.valid_to),
        ]
        t = t.left_join(m, cond).select(t, team=m.team_id)
    local = local_time(t._t, tz, store.backend_name) if any(d in TIME for d in dims) else None
    values: dict[str, ir.Value] = {}
    for dim in dims:
        if dim in PLAIN:
            values[dim] = t[PLAIN[dim]]
        elif dim in TIME:
            assert local is not None
            values[dim] = time_bucket(local, dim)
    return t.mutate(**values) if values else t


def filter_column(t: ir.Table, dim: str) -> ir.Value:
    return t[PLAIN[dim]] if dim in PLAIN else t[dim]
