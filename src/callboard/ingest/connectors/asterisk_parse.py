"""queue_log text -> one row per line with its fields split, numbers parsed and, for a broken line, why.

Everything here is vectorised with polars: the text is split into lines and fields in Rust, and every
check is a column expression, so a million-line log parses in well under a second. A line is *intact*
when it has the five leading fields, a Unix time, a plausible event name, the ids its event needs, and
every number its event carries (see asterisk_events.NUMBER_FIELDS); otherwise `error` says why and
`error_field` names the field.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from callboard.ingest.connectors import asterisk_events as ev
from callboard.ingest.connectors.asterisk_files import Chunk

DATA_FIELDS = 4  # data1..data4 kept by position (no rule reads a fifth); ATTENDEDTRANSFER's numbers are read
# from the end
_EPOCH_CHARS = r"^[0-9.]+$"  # a float cast alone would take "1e9" or "inf"
_EVENT = r"^[A-Za-z][A-Za-z0-9_]*$"
_CARRIED_SCHEMA = {"file": pl.Utf8, "line": pl.Int64, "raw": pl.Utf8}


def _plain(data: bytes) -> bool:
    """Text the multithreaded CSV reader splits into exactly one row per line (a blank line is a null row):
    ASCII without carriage returns, NULs or the unit separator it is told to split fields on."""
    return data.isascii() and not any(c in data for c in (b"\r", b"\x00", b"\x1f"))


def _chunk_frame(chunk: Chunk) -> pl.DataFrame:
    if _plain(chunk.data):  # about 4x faster than splitting one big string
        lines = pl.read_csv(chunk.data, has_header=False, separator="\x1f", quote_char=None, new_columns=["raw"],
                            schema={"raw": pl.Utf8}).to_series().fill_null("")
        frame = pl.DataFrame({"raw": lines}).with_row_index("line", offset=chunk.first_line)
        return frame.select(pl.lit(chunk.file).alias("file"), pl.col("line").cast(pl.Int64), pl.col("raw"))
    text = chunk.data.decode("utf-8", errors="replace")
    lines = pl.Series("raw", [text]).str.split("\n").explode()
    frame = pl.DataFrame({"raw": lines}).with_row_index("line", offset=chunk.first_line)
    frame = frame.head(frame.height - 1)  # the text ends with a newline: the last piece is empty
    raw = pl.col("raw").str.strip_suffix("\r") if "\r" in text else pl.col("raw")  # no copy of CR-free text
    return frame.select(pl.lit(chunk.file).alias("file"), pl.col("line").cast(pl.Int64), raw)


def raw_lines(chunks: Sequence[Chunk], carried: Sequence[tuple[str, int, str]]) -> pl.DataFrame:
    """Carried lines (calls still open from earlier reads) then the new lines, in file order.

    `new` marks lines read now; `ord` is the order of arrival, the last tie-breaker when sorting by time.
    Blank lines are skipped (they carry nothing; Asterisk never writes them).
    """
    old = pl.DataFrame(list(carried), schema=_CARRIED_SCHEMA, orient="row").with_columns(pl.lit(False).alias("new"))
    frames = [old] + [_chunk_frame(c).with_columns(pl.lit(True).alias("new")) for c in chunks if c.data]
    frame = pl.concat(frames, how="vertical")
    blank = pl.col("raw").str.len_bytes() == 0
    if frame.select(blank.any()).item():  # filtering copies every line: only when there is a blank one
        frame = frame.filter(~blank)
    return frame.with_row_index("ord").with_columns(pl.col("ord").cast(pl.Int64))


_NAMES = ["epoch", "callid", "queue", "agent", "event", *[f"d{i}" for i in range(1, DATA_FIELDS + 1)]]
EVENT_IDS: dict[str, int] = {name: i for i, name in enumerate(sorted(
    ev.CALL_EVENTS | ev.AGENT_EVENTS | ev.INFO_EVENTS | {ev.OUTCALL}), start=1)}  # 0: any other event


# each event id's tie order (asterisk_events.RANK; 1 for any other event)
_RANKS = pl.Series("rank", [1] + [ev.RANK.get(name, 1) for name in sorted(EVENT_IDS, key=EVENT_IDS.__getitem__)],
                   dtype=pl.Int8)


def _field(i: int) -> pl.Expr:
    return pl.col("_p").list.get(i, null_on_oob=True)


def _in(column: str, values: Sequence[str]) -> pl.Expr:
    """`event` tests compare the small integer id of the event name (one hash per line, not one per test)."""
    if column == "event":
        return pl.col("_e").is_in([EVENT_IDS[v] for v in values])
    return pl.col(column).is_in(list(values))


def _is(name: str) -> pl.Expr:
    return pl.col("_e") == EVENT_IDS[name]


def _data(index: int) -> str:
    return f"d{index}" if index > 0 else f"m{-index}"


def _checks() -> list[tuple[pl.Expr, str, pl.Expr]]:
    """(broken when, field, reason) in the order they are tried; the first that holds is reported."""
    event = pl.col("event")
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (pl.col("n") < ev.BASE_FIELDS, "line",
         pl.format("expected time|callid|queue|agent|event|data..., found {} field(s)", pl.col("n"))),
        (~pl.col("_s").is_between(1e8, 1e10).fill_null(False) | ~pl.col("epoch").str.contains(_EPOCH_CHARS)
         .fill_null(False), "time",
         pl.format("time '{}' is not a Unix time in seconds", pl.col("epoch"))),
        ((pl.col("_e") == 0) & ~event.str.contains(_EVENT), "event", pl.format("event name '{}' is not a word", event)),
        ((_in("event", sorted(ev.CALL_EVENTS)) | _is(ev.OUTCALL)) & _in("callid", ev.NOT_A_CALL), "callid",
         pl.format("{} needs the caller's channel id in the callid field, found '{}'", event, pl.col("callid"))),
        (_in("event", sorted(ev.CALL_EVENTS)) & _in("queue", ("", "NONE")), "queue",
         pl.format("{} needs a queue name, found '{}'", event, pl.col("queue"))),
        ((_in("event", [ev.CONNECT, *ev.ENDS, ev.RINGNOANSWER, ev.OUTCALL, *ev.AGENT_EVENTS]))
         & _in("agent", ("", "NONE")), "agent",
         pl.format("{} needs the member in the agent field, found '{}'", event, pl.col("agent"))),
    ]
    for name, fewest in ev.MIN_FIELDS.items():
        checks.append((_is(name) & (pl.col("n") < fewest), "line",
                       pl.format("{} has {} fields, expected at least {}", event, pl.col("n"), pl.lit(fewest))))
    for rule in ev.NUMBER_FIELDS:
        value = pl.col(_data(rule.index))
        bad = pl.col(f"{_data(rule.index)}_n").is_null()  # a cast, not a regex: a million lines per column
        if not rule.required:
            bad = bad & (value.fill_null("") != "")
        checks.append((_in("event", rule.events) & bad, rule.name,
                       pl.format("{} {} '{}' is not a whole number", event, pl.lit(rule.name), value.fill_null(""))))
    return checks


def _number(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.UInt32, strict=False).cast(pl.Int64).alias(f"{column}_n")


def _pick(events: Sequence[str], column: str) -> pl.Expr:
    return pl.when(_in("event", events)).then(pl.col(f"{column}_n"))


def _suspects() -> pl.Expr:
    """True on every line some check may fail on (a superset, read with casts and integer tests, no regex): a time
    of ten digits (2001-2286) parsed as an integer is certainly fine, any other is a suspect; so is an unknown
    event name whatever its spelling. The checks themselves then run on the suspects alone."""
    epoch = pl.col("epoch").cast(pl.UInt64, strict=False).is_between(1_000_000_000, 9_999_999_999).fill_null(False)
    odd_time = ~(epoch & (pl.col("epoch").str.len_bytes() == 10))
    by_column: dict[str, tuple[set[str], set[str]]] = {}
    for rule in ev.NUMBER_FIELDS:
        required, optional = by_column.setdefault(_data(rule.index), (set(), set()))
        (required if rule.required else optional).update(rule.events)
    numbers = [pl.col(f"{column}_n").is_null() & (_in("event", sorted(required)) | (
        _in("event", sorted(optional)) & (pl.col(column).str.len_bytes() > 0))) for column, (required, optional)
        in by_column.items()]
    exact = [when for when, field, _ in _checks() if field in ("line", "callid", "queue", "agent")]
    return pl.any_horizontal(odd_time, pl.col("_e") == 0, *exact, *numbers).fill_null(False)


def _errors(split: pl.DataFrame) -> pl.DataFrame:
    """`error` and `error_field` for broken lines: the suspects (cheap tests on every line), then on them alone
    the first failing check and its reason."""
    checks = _checks()
    first: pl.Expr = pl.lit(None, pl.Int16)
    for i, (when, _, _) in reversed(list(enumerate(checks))):
        first = pl.when(when.fill_null(False)).then(pl.lit(i, pl.Int16)).otherwise(first)
    suspects = split.select(pl.arg_where(_suspects())).to_series()
    error = pl.Series("error", dtype=pl.Utf8).extend_constant(None, split.height)
    field = pl.Series("error_field", dtype=pl.Utf8).extend_constant(None, split.height)
    broken = split[suspects].with_columns(first.alias("_check"), suspects.alias("_row")).filter(
        pl.col("_check").is_not_null())
    if broken.height:
        reason: pl.Expr = pl.lit(None, pl.Utf8)
        name: pl.Expr = pl.lit(None, pl.Utf8)
        for i, (_, field_name, why) in enumerate(checks):
            reason = pl.when(pl.col("_check") == i).then(why).otherwise(reason)
            name = pl.when(pl.col("_check") == i).then(pl.lit(field_name)).otherwise(name)
        worded = broken.select("_row", reason.alias("error"), name.alias("error_field"))
        rows = worded.get_column("_row")
        error = error.scatter(rows, worded.get_column("error"))
        field = field.scatter(rows, worded.get_column("error_field"))
    return split.with_columns(error, field)


def _from_end(split: pl.DataFrame) -> list[pl.Series]:
    """m3 and m2, the third- and second-last fields, on ATTENDEDTRANSFER lines (the one event whose numbers end a
    line of varying length), split again on those lines alone; null on every other line."""
    rows = split.select(pl.arg_where(_is("ATTENDEDTRANSFER"))).to_series()
    parts = split[rows].select(pl.col("raw").str.split("|").alias("_p"))
    return [pl.Series(name, dtype=pl.Utf8).extend_constant(None, split.height).scatter(
        rows, parts.select(pl.col("_p").list.get(i, null_on_oob=True)).to_series())
        for name, i in (("m3", -3), ("m2", -2))]


def parse_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Split and check every line; add the typed columns the call and state builders read."""
    numbers = sorted({_data(rule.index) for rule in ev.NUMBER_FIELDS})
    by_position = [c for c in numbers if c.startswith("d")]
    # one lazy query: polars runs the split, the field picks and the casts on both cores (as separate eager steps
    # the split ran on one)
    split = frame.lazy().with_columns(pl.col("raw").str.split("|").alias("_p")).with_columns(
        pl.col("_p").list.len().cast(pl.Int64).alias("n"),  # a list split beats splitn's struct
        *[_field(i).alias(name) for i, name in enumerate(_NAMES)],
    ).drop("_p").with_columns(
        pl.col("event").replace_strict(EVENT_IDS, default=0, return_dtype=pl.Int16).alias("_e"),
        pl.col("epoch").cast(pl.Float64, strict=False).alias("_s"),
        *[_number(c) for c in by_position]).collect()
    split = split.with_columns(_from_end(split))
    split = split.with_columns(_number(c) for c in numbers if c not in by_position)
    checked = _errors(split)
    return checked.with_columns(
        (pl.col("_s") * 1_000_000).round().cast(pl.Int64, strict=False).alias("t_us"),
        pl.coalesce(_pick([ev.CONNECT, "COMPLETEAGENT", "COMPLETECALLER"], "d1"),
                    _pick(["BLINDTRANSFER", "TRANSFER"], "d3"), _pick(["ATTENDEDTRANSFER"], "m3")).alias("hold_s"),
        pl.coalesce(_pick(["COMPLETEAGENT", "COMPLETECALLER", ev.OUTCALL], "d2"),
                    _pick(["BLINDTRANSFER", "TRANSFER"], "d4"), _pick(["ATTENDEDTRANSFER"], "m2")).alias("call_s"),
        pl.coalesce(_pick(["ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "WITHDRAW"], "d3"),
                    _pick(["EXITWITHKEY"], "d4")).alias("wait_s"),
        pl.coalesce(_pick([ev.RINGNOANSWER, ev.RINGCANCELED], "d1"),
                    _pick([ev.CONNECT], "d3") * 1000).alias("ring_ms"),
        pl.when(_is(ev.ENTER)).then(pl.col("d2")).alias("callerid"),
        pl.when(_in("event", [*ev.PAUSES, *ev.UNPAUSES])).then(pl.col("d1")).alias("reason"),
        (_is("ADDMEMBER") & (pl.col("d1") == "PAUSED")).alias("paused"),
        pl.when(_is(ev.OUTCALL)).then(pl.col("d1")).alias("status"),
        pl.lit(_RANKS).gather(pl.col("_e")).alias("rank"),  # by event id: a lookup, not a hash of the name
    )
