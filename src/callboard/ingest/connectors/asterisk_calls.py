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



@dataclass(frozen=True)
class CallRows:
    contacts: pl.DataFrame
    queue_entries: pl.DataFrame
    agent_segments: pl.DataFrame
    status: pl.DataFrame  # callid, is_open, last_t_us: which calls to carry to the next read


def _when(condition: pl.Expr, column: str) -> pl.Expr:
    return pl.when(condition).then(pl.col(column))


def _kind(rows: pl.DataFrame, columns: dict[str, tuple[pl.Expr, str]], n_visits: int) -> list[pl.Series]:
    """Per-visit values of one event kind (`name: (value, "min"|"max")`) from the kind's lines (`vid` and the
    values), one Series of length `n_visits` indexed by visit id - 1; a kind logged twice in a visit is aggregated."""
    rows = rows.rechunk()  # in one chunk, so the gathers below are fast
    if (rows.get_column("vid").diff() == 0).any():
        rows = rows.group_by("vid").agg(*[getattr(pl.col(name), how)() for name, (_, how) in columns.items()])
    # where each visit's row is (null: none), then one gather per column: scattering text is several times slower
    at = pl.Series("at", dtype=pl.UInt32).extend_constant(None, n_visits).scatter(
        rows.get_column("vid") - 1, pl.int_range(rows.height, dtype=pl.UInt32, eager=True))
    return rows.select(pl.col(name).gather(at) for name in columns).get_columns()


def _visits(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per visit, in visit-id order. Each event kind is read from its own lines (each kind happens
    once per visit; when it does not, min/max over its lines), much cheaper than aggregating every line."""
    event = pl.col("event")
    is_enter, is_connect = event == ev.ENTER, event == ev.CONNECT
    is_exit, is_end = event.is_in(list(ev.EXITS)), event.is_in(list(ev.ENDS))
    is_ring = event.is_in(list(ev.RING_FAILURES))
    t, agent = (pl.col("t_us"), "min"), (pl.col("agent"), "max")
    # lines are sorted by visit and time: a visit's first line has its first time, its last line its last
    starts = lines.select(pl.arg_where((pl.col("vid") != pl.col("vid").shift(1)).fill_null(True))).to_series()
    ends = starts.shift(-1, fill_value=lines.height) - 1
    first = lines.select("vid", "cid", "callid", "queue", pl.col("t_us").alias("first_t"))[starts].with_columns(
        lines.get_column("t_us").gather(ends).alias("last_t"), (ends - starts + 1).cast(pl.Int64).alias("n_lines"))
    kinds = [
        (is_enter, {"enter_t": t, "callerid": (pl.col("callerid"), "max")}),
        (is_connect, {"connect_t": t, "connect_agent": agent, "connect_hold_s": (pl.col("hold_s"), "min"),
                      "connect_ring_ms": (pl.col("ring_ms"), "min")}),
        (is_exit, {"exit_t": t, "exit_event": (event, "max"), "exit_wait_s": (pl.col("wait_s"), "min"),
                   "exit_agent": agent}),
        (is_end, {"end_t": t, "end_event": (event, "max"), "end_agent": agent, "end_hold_s": (pl.col("hold_s"), "min"),
                  "end_call_s": (pl.col("call_s"), "min")}),
        # the last ring failure's agent: epoch microseconds have 16 digits (2001-2286), so the text sorts by time
        (is_ring, {"ring_key": (pl.col("t_us").cast(pl.Utf8) + pl.col("agent"), "max")}),
    ]
    # each kind's lines lazily (the filter gathers only the columns selected), all kinds collected side by side
    *kind_rows, rna = pl.collect_all(
        [lines.lazy().filter(when).select("vid", *[value.alias(name) for name, (value, _) in columns.items()])
         for when, columns in kinds]
        + [lines.lazy().filter(event == ev.RINGNOANSWER).group_by(["vid", "agent"])
           .agg(pl.col("ring_ms").sum().alias("rna_ms"))])
    n = first.height
    visits = first.with_columns(*[series for rows, (_, columns) in zip(kind_rows, kinds, strict=True)
                                  for series in _kind(rows, columns, n)]) \
        .with_columns(pl.col("ring_key").str.slice(16).alias("ring_agent"))
    answered = pl.col("connect_t").is_not_null() | pl.col("end_t").is_not_null()
    visits = visits.with_columns(
        answered.alias("answered"),
        pl.coalesce("connect_agent", "end_agent").alias("seg_agent"),
        pl.when(answered).then(pl.coalesce("connect_t", pl.col("end_t") - pl.col("end_call_s") * _US))
        .otherwise(pl.col("exit_t")).alias("dequeued_t"),
    )
    visits = visits.join(rna.rename({"agent": "seg_agent"}), on=["vid", "seg_agent"], how="left")
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


def _customer(callerid: pl.Expr) -> pl.Expr:
    """The caller's number as the contact's customer; an empty callerid field names nobody."""
    return pl.when(callerid.fill_null("") != "").then(callerid).alias("customer_id")


def _seq(name: str) -> pl.Expr:
    """0, 1, 2... within each call of a frame sorted by call (no window function: a run offset)."""
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    start = pl.when(pl.col("cid") != pl.col("cid").shift(1).fill_null(-1)).then(index).forward_fill()
    return (index - start).cast(pl.Int32).alias(name)


def _ts(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Datetime("us"))


_DIMS = [pl.lit("voice").alias("channel"), pl.col("direction"), pl.col("customer_id"),
         pl.lit(False).alias("bot_only"), pl.lit(None, pl.Utf8).alias("topic")]


def _by_call_and_time(lines: pl.DataFrame) -> pl.DataFrame:
    """`lines` with each call's lines together, sorted by queue, time, life order (`rank`) and file order.

    A log is written in time order and a call usually stays in one queue, so a stable sort of the lines (in file
    order) by callid alone puts most calls in that order already: about half the cost of the five-key sort. The
    calls it does not (a second queue, a line logged late) are sorted again on their own and put after the rest.
    """
    by_call = lines.sort("callid", maintain_order=True)
    t, rank, ord_ = (pl.col(c) for c in ("t_us", "rank", "ord"))
    after = (t > t.shift(1)) | (t == t.shift(1)) & (
        (rank > rank.shift(1)) | (rank == rank.shift(1)) & (ord_ > ord_.shift(1)))
    same_call = pl.col("callid") == pl.col("callid").shift(1)
    out_of_order = same_call & ~((pl.col("queue") == pl.col("queue").shift(1)) & after)
    checked = by_call.select(same_call.not_().fill_null(True).cum_sum().alias("run"), out_of_order.alias("late"))
    unsorted = checked.filter("late").get_column("run").unique()  # the calls (runs of lines) out of order
    if unsorted.len() == 0:
        return by_call
    redo = checked.get_column("run").is_in(unsorted.implode())
    return pl.concat([by_call.filter(~redo), by_call.filter(redo).sort(["callid", "queue", "t_us", "rank", "ord"])],
                     rechunk=True)


def build_calls(lines: pl.DataFrame, source: str) -> CallRows:
    """Canonical rows for every call in `lines` (good lines of queued calls, carried and new together)."""
    # Sorted by call, queue and time, a call is a run of rows and a visit a run that starts at a new call,
    # a new queue or an ENTERQUEUE: run ids (cheap cumulative sums) replace multi-column hash grouping.
    lines = _by_call_and_time(lines)
    new_call = pl.col("callid") != pl.col("callid").shift(1)
    new_queue = new_call | (pl.col("queue") != pl.col("queue").shift(1))
    lines = lines.with_columns(
        new_call.fill_null(True).cum_sum().alias("cid"),
        (new_queue.fill_null(True) | (pl.col("event") == ev.ENTER)).cum_sum().alias("vid"))
    lines = lines.with_columns(pl.col("cid").set_sorted())
    visits = _visits(lines)
    one_visit = not (visits.get_column("cid").diff() == 0).any()
    if one_visit:  # the usual log: a call is one visit, already in call order (no regrouping, no re-sorting)
        contacts = visits.select(
            "cid", pl.col("enqueued_t").alias("arrived_t"), pl.max_horizontal("end_t", "exit_t").alias("ended_t"),
            pl.col("open").alias("is_open"), _customer(pl.col("callerid")), "callid", "last_t", "n_lines")
    else:
        contacts = visits.sort(["cid", "enqueued_t"]).group_by("cid").agg(
            pl.col("enqueued_t").min().alias("arrived_t"),
            pl.max_horizontal(pl.col("end_t").max(), pl.col("exit_t").max()).alias("ended_t"),
            pl.col("open").any().alias("is_open"),
            pl.col("callerid").filter(pl.col("callerid").fill_null("") != "").first().alias("customer_id"),
            pl.col("callid").first(), pl.col("last_t").max(), pl.col("n_lines").sum())
    contacts = contacts.with_columns(pl.lit("inbound").alias("direction"))
    # A version with more lines is newer even within the same second: +1 µs per line breaks the tie.
    contacts = contacts.with_columns((pl.col("last_t") + pl.col("n_lines")).alias("updated_t"))
    if one_visit:
        visits = visits.with_columns(pl.lit("inbound").alias("direction"), _customer(pl.col("callerid")))
        closed = visits.lazy().filter(pl.col("outcome").is_not_null())
        answered = visits.lazy().filter(pl.col("answered"))
    else:
        dims = contacts.select("cid", "direction", "customer_id")
        closed = visits.filter(pl.col("outcome").is_not_null()).join(dims, on="cid").sort(
            ["cid", "enqueued_t", "first_t", "vid"]).lazy()
        answered = visits.filter(pl.col("answered")).join(dims, on="cid").sort(["cid", "dequeued_t", "vid"]).lazy()
    # lazily and together: each filter gathers only the columns its table reads, the two run side by side
    entries = closed.select(
        pl.lit(source).alias("source"), pl.col("callid").alias("contact_id"),
        _seq("entry_seq"), pl.col("queue").alias("queue_id"),
        *_DIMS, _ts("enqueued_t").alias("enqueued_at"), _ts("dequeued_t").alias("dequeued_at"), "wait_ms",
        "outcome", "raw_exit_reason", pl.col("entry_agent").alias("agent_id"))
    contacting = pl.when(pl.col("rna_ms").is_null() & pl.col("connect_ring_ms").is_null()).then(None) \
        .otherwise(pl.col("rna_ms").fill_null(0) + pl.col("connect_ring_ms").fill_null(0))
    segments = answered.select(
        pl.lit(source).alias("source"), pl.col("callid").alias("contact_id"),
        _seq("segment_seq"),
        pl.col("seg_agent").alias("agent_id"), pl.col("queue").alias("queue_id"), *_DIMS,
        _ts("dequeued_t").alias("connected_at"), _ts("end_t").alias("acw_ended_at"),
        (pl.col("end_call_s") * 1000).alias("talk_ms"), *_unlogged(),
        contacting.alias("contacting_ms"), pl.lit(None, pl.Int64).alias("voicemail_ms"),
        pl.col("end_event").is_in(list(ev.TRANSFERS)).fill_null(False).alias("transferred_out"))
    entries, segments = pl.collect_all([entries, segments])
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
