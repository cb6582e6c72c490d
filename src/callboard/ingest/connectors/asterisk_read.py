"""One read of a queue_log: parsed lines + the carried state -> canonical tables, quarantine, next state.

The record Callboard loads or quarantines whole is a **call** (all lines with its callid). A call whose
lines are all intact loads; a line that is broken (too few fields, no Unix time, a number that is not
a number, a call event without its callid or queue) is quarantined with its file, line number, field
and reason, and when its callid can still be read the rest of that call's lines are quarantined with
it (reason: which line broke the call), now and in later reads. Other calls are unaffected. Agent
lines (membership, pauses) are records of their own: a broken one is quarantined alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from callboard.ingest.connectors import asterisk_events as ev
from callboard.ingest.connectors.asterisk_calls import CallRows, build_calls, build_outcalls
from callboard.ingest.connectors.asterisk_cursor import CarryState
from callboard.ingest.connectors.asterisk_states import build_states, call_events, line_events
from callboard.records.batch import Rejection

LINGER_S = 300  # a finished call's lines stay carried this long (log time): a caller may enter a next queue
OPEN_TIMEOUT_S = 6 * 3600  # an unfinished call with no line for this long (log time) is no longer carried
_US = 1_000_000
_WORK_COLUMNS = ("ord", "new", "callid", "queue", "agent", "event", "t_us", "rank", "hold_s", "call_s", "wait_s",
                 "ring_ms", "callerid", "reason", "paused", "status")
_CALL_COLUMNS = _WORK_COLUMNS[:-3]  # a queued call's lines carry no pause reason, paused flag or OUTCALL status


@dataclass(frozen=True)
class ReadResult:
    tables: dict[str, pl.DataFrame]
    rejections: list[Rejection]
    state: CarryState


def _broken_call_key() -> pl.Expr:
    """The call a broken line belongs to, when its callid field can still be read and names a caller."""
    readable = pl.col("callid").is_not_null() & ~pl.col("callid").is_in(list(ev.NOT_A_CALL))
    not_agent = ~pl.col("event").is_in(sorted(ev.AGENT_EVENTS | ev.INFO_EVENTS)).fill_null(False)
    return pl.when(readable & not_agent).then(pl.col("callid"))


def _rejections(broken: pl.DataFrame, spoiled: pl.DataFrame) -> list[Rejection]:
    out = [Rejection(f, line, fld, reason, raw) for f, line, fld, reason, raw
           in broken.select("file", "line", "error_field", "error", "raw").iter_rows()]
    out += [Rejection(f, line, "callid", reason, raw) for f, line, reason, raw
            in spoiled.select("file", "line", "why", "raw").iter_rows()]
    return sorted(out, key=lambda r: (r.file, r.line or 0))


def _spoiled(good: pl.DataFrame, broken: pl.DataFrame, old_bad: dict[str, int]) -> pl.DataFrame:
    """Intact lines of calls that have a broken line (now or in an earlier read), with the reason."""
    first_break = broken.filter(pl.col("call_key").is_not_null()).group_by("call_key").agg(
        pl.format("call {} not loaded: its line {} of {} is malformed ({})", pl.col("call_key").first(),
                  pl.col("line").first(), pl.col("file").first(), pl.col("error").first()).alias("why"))
    earlier = pl.DataFrame({"call_key": list(old_bad)}, schema={"call_key": pl.Utf8}).with_columns(
        pl.format("call {} not loaded: an earlier line of it was malformed", pl.col("call_key")).alias("why"))
    reasons = pl.concat([first_break, earlier.join(first_break, on="call_key", how="anti")], how="vertical")
    if reasons.height == 0:  # the usual read: nothing broken, nothing to take along (no pass over the lines)
        return good.clear().with_columns(pl.lit(None, pl.Utf8).alias("why"))
    calls = good.join(reasons, left_on="callid", right_on="call_key", how="inner")
    return calls.filter(pl.col("event").is_in(sorted(ev.AGENT_EVENTS | ev.INFO_EVENTS)).not_())


def _call_deltas(working: pl.DataFrame, dropped: pl.DataFrame) -> pl.DataFrame:
    """On-contact +1/-1 for the agent timeline: a new CONNECT starts a call, a new end line stops one
    whose CONNECT was seen; a call given up (quarantined or too old) stops where its lines stop."""
    needed = working.select("callid", "agent", "t_us", "ord", "new", "event")  # the filters gather these alone
    connects = needed.filter(pl.col("event") == ev.CONNECT)
    ends = needed.filter(pl.col("event").is_in(list(ev.ENDS)))
    starts = connects.filter(pl.col("new")).select("agent", "t_us", "ord", pl.lit(1).alias("delta"))
    stops = ends.filter(pl.col("new")).join(connects.select("callid", "agent"), on=["callid", "agent"], how="semi") \
        .select("agent", "t_us", "ord", pl.lit(-1).alias("delta"))
    counted = dropped.filter((pl.col("event") == ev.CONNECT) & ~pl.col("new"))
    unended = counted.join(dropped.filter(pl.col("event").is_in(list(ev.ENDS)) & ~pl.col("new"))
                           .select("callid", "agent"), on=["callid", "agent"], how="anti")
    last = dropped.group_by("callid").agg(pl.col("t_us").max().alias("stop_t"), pl.col("ord").max().alias("stop_ord"))
    given_up = unended.join(last, on="callid").select(
        "agent", pl.col("stop_t").alias("t_us"), pl.col("stop_ord").alias("ord"), pl.lit(-1).alias("delta"))
    return pl.concat([starts, stops, given_up], how="vertical")


def process(lines: pl.DataFrame, carried: CarryState, source: str) -> ReadResult:
    """Build every table of one read from the parsed lines (carried lines first, then new ones)."""
    broken = lines.filter(pl.col("error").is_not_null()).with_columns(_broken_call_key().alias("call_key"))
    good = lines.filter(pl.col("error").is_null()) if broken.height else lines  # usually all: no copy
    horizon = max(carried.horizon_us, int(good.select(pl.col("t_us").max()).item() or 0))
    spoiled = _spoiled(good, broken, carried.bad)
    bad_now = set(broken.get_column("call_key").drop_nulls().to_list()) | set(carried.bad)
    ok = good.select(*_WORK_COLUMNS)  # narrow before filtering, sorting and grouping: the raw text stays behind
    ok = ok.join(spoiled.select("ord"), on="ord", how="anti") if spoiled.height else ok
    is_call = pl.col("event").is_in(sorted(ev.CALL_EVENTS))
    calls = ok.select(*_CALL_COLUMNS).filter(is_call)  # fewer columns to gather, sort and group
    all_new = not carried.carry  # a first read: every call is touched (no joins over a million lines)
    touched = calls.clear().select("callid") if all_new else calls.filter(pl.col("new")).select("callid").unique()
    working = calls if all_new else calls.join(touched, on="callid", how="semi")
    rows = build_calls(working, source)
    outcall_lines = ok.filter((pl.col("event") == ev.OUTCALL) & pl.col("new"))
    outcalls = [build_outcalls(outcall_lines, source)] if outcall_lines.height else []  # most logs have none
    # what to carry: unfinished calls, and finished ones for LINGER_S of log time; untouched carried calls stay
    untouched = calls.clear() if all_new else calls.join(touched, on="callid", how="anti")
    status = pl.concat([rows.status, untouched.group_by("callid").agg(
        pl.lit(True).alias("is_open"), pl.col("t_us").max().alias("last_t_us"))], how="vertical")
    keep = status.filter(pl.when(pl.col("is_open")).then(pl.col("last_t_us") >= horizon - OPEN_TIMEOUT_S * _US)
                         .otherwise(pl.col("last_t_us") >= horizon - LINGER_S * _US)).select("callid")
    given_up = status.filter(pl.col("is_open")).join(keep, on="callid", how="anti").select("callid")
    dropped = pl.concat([spoiled.filter(pl.col("event").is_in(sorted(ev.CALL_EVENTS))).select(*_CALL_COLUMNS),
                         calls.join(given_up, on="callid", how="semi") if given_up.height else calls.clear()],
                        how="vertical_relaxed")
    events = pl.concat([line_events(ok.filter(pl.col("event").is_in(sorted(ev.AGENT_EVENTS)) & pl.col("new"))),
                        call_events(_call_deltas(working, dropped))], how="vertical")
    states, agents = build_states(events, carried.agents, source)
    carry_ord = calls.join(keep, on="callid", how="semi").select("ord")
    carry_lines = lines.join(carry_ord, on="ord", how="semi").sort("ord").select("file", "line", "raw")
    bad: dict[str, int] = {}
    if bad_now:
        last_bad = lines.filter(pl.col("callid").is_in(list(bad_now))).with_columns(
            _broken_call_key().alias("call_key")).drop_nulls("call_key").group_by("call_key").agg(pl.col("t_us").max())
        bad = {k: int(t or horizon) for k, t in last_bad.iter_rows()}
    bad.update({k: v for k, v in carried.bad.items() if k not in bad})
    bad = {k: v for k, v in bad.items() if v >= horizon - OPEN_TIMEOUT_S * _US}
    state = CarryState(tuple(carry_lines.iter_rows()), agents, bad, horizon, carried.lines)
    tables = _tables(rows, *outcalls)
    tables["agent_states"] = states
    return ReadResult(tables, _rejections(broken, spoiled), state)


def _tables(*parts: CallRows) -> dict[str, pl.DataFrame]:
    return {name: pl.concat([getattr(p, name) for p in parts], how="vertical_relaxed")
            for name in ("contacts", "queue_entries", "agent_segments")}
