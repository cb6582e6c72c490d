"""Vectorised value parsers for the CSV/Excel connector.

Every parser takes a polars string Series that is already stripped, with blanks as null, and returns
a `Parsed`: the typed values, a `bad` mask (a non-blank value that failed) and the reason template
(`{value}` is replaced by the raw text of each bad row). Blank stays null and is never an error here:
an unanswered call has no talk time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from callboard.core.timeutil import localise, zone

MS_PER_DAY = 86_400_000
# days from 1970-01-01 back to each Excel day zero (the 1900 system counts from 1899-12-30 because of
# Lotus's phantom 1900-02-29; the 1904 system from 1904-01-01): the same serial is 1462 days later in 1904
EXCEL_EPOCH_DAYS = {"1900": -25_569, "1904": -24_107}
MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31

CHANNEL_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ["voice", "phone", "call", "calls", "telephony", "telephone", "audio", "pstn", "inbound call", "outbound call"],
        "voice",
    ),
    **dict.fromkeys(["chat", "web chat", "webchat", "live chat", "livechat", "im"], "chat"),
    **dict.fromkeys(["email", "e mail", "mail"], "email"),
    **dict.fromkeys(["messaging", "message", "sms", "text", "whatsapp", "messenger", "mms"], "messaging"),
    **dict.fromkeys(["social", "facebook", "twitter", "instagram", "social media"], "social"),
}
DIRECTION_WORDS: dict[str, str] = {
    **dict.fromkeys(["inbound", "in", "incoming", "ib", "inbound call"], "inbound"),
    **dict.fromkeys(["outbound", "out", "outgoing", "ob", "outbound call", "dialer"], "outbound"),
    **dict.fromkeys(["internal", "intern", "agent to agent"], "internal"),
}
OUTCOME_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ["answered", "answer", "handled", "connected", "connect", "completed", "complete", "completeagent",
         "completecaller", "accepted", "agent answered", "success"],
        "answered",
    ),
    **dict.fromkeys(
        ["abandoned", "abandon", "hangup", "hang up", "caller abandoned", "lost", "missed", "dropped",
         "abandoned in queue"],
        "abandoned",
    ),
    **dict.fromkeys(
        ["flowed out", "flow out", "flowout", "flowed_out", "overflow", "overflowed", "timeout", "exitwithtimeout",
         "exitwithkey", "exitempty", "rerouted", "redirected", "exit"],
        "flowed_out",
    ),
    **dict.fromkeys(["callback", "callback requested", "call back", "callback_requested"], "callback_requested"),
}
ENUM_WORDS = {"channel": CHANNEL_WORDS, "direction": DIRECTION_WORDS, "outcome": OUTCOME_WORDS}
ENUM_VALUES = {"channel": ("voice", "chat", "email", "messaging", "social"),
               "direction": ("inbound", "outbound", "internal"),
               "outcome": ("answered", "abandoned", "flowed_out", "callback_requested")}


@dataclass(frozen=True)
class Parsed:
    values: pl.Series
    bad: pl.Series  # Boolean, never null
    reason: str  # template; "{value}" is the raw text


def clean(raw: pl.Series) -> pl.Series:
    """Strip spaces; blank -> null."""
    stripped = raw.cast(pl.Utf8).str.strip_chars()
    return pl.select(pl.when(stripped.str.len_bytes() == 0).then(None).otherwise(stripped)).to_series()


def _failed(source: pl.Series, result: pl.Series) -> pl.Series:
    return (source.is_not_null() & result.is_null()).fill_null(False)


def _word(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def normalise_numbers(s: pl.Series, *, decimal: str, thousands: str | None) -> pl.Series:
    out = s
    if thousands:
        out = out.str.replace_all(thousands, "", literal=True)
    if decimal != ".":
        out = out.str.replace_all(decimal, ".", literal=True)
    return out


def parse_float(s: pl.Series, *, decimal: str = ".", thousands: str | None = None) -> tuple[pl.Series, pl.Series]:
    """Numbers as float; NaN and infinities are failures."""
    text = normalise_numbers(s, decimal=decimal, thousands=thousands)
    values = text.cast(pl.Float64, strict=False)
    values = pl.select(pl.when(values.is_nan() | values.is_infinite()).then(None).otherwise(values)).to_series()
    return values, _failed(s, values)


def parse_count(s: pl.Series, *, decimal: str = ".", thousands: str | None = None) -> Parsed:
    values, bad = parse_float(s, decimal=decimal, thousands=thousands)
    bad = bad | ((values < 0) | (values != values.floor())).fill_null(False)
    ints = pl.select(pl.when(bad).then(None).otherwise(values)).to_series().cast(pl.Int64)
    return Parsed(ints, bad, "'{value}' is not a whole number >= 0")


def parse_score(
    s: pl.Series, scale: tuple[float, float], *, decimal: str = ".", thousands: str | None = None
) -> Parsed:
    values, bad = parse_float(s, decimal=decimal, thousands=thousands)
    lo, hi = scale
    bad = bad | ((values < lo) | (values > hi)).fill_null(False)
    values = pl.select(pl.when(bad).then(None).otherwise(values)).to_series()
    return Parsed(values, bad, f"'{{value}}' is not a score on the scale {lo:g}-{hi:g}")


def parse_percent(s: pl.Series, fmt: str | None, *, decimal: str = ".", thousands: str | None = None) -> Parsed:
    """'94.01%', '94,01 %', '94.01' (percent) or '0.9401' (fraction) -> 0.9401."""
    has_sign = s.str.ends_with("%").fill_null(False)
    body = s.str.strip_chars_end("%").str.strip_chars()
    values, bad = parse_float(body, decimal=decimal, thousands=thousands)
    divide = has_sign if fmt == "fraction" else pl.Series([True] * len(s), dtype=pl.Boolean)
    values = pl.select(pl.when(divide).then(values / 100.0).otherwise(values)).to_series()
    bad = bad | ((values < 0) | (values > 1)).fill_null(False)
    values = pl.select(pl.when(bad).then(None).otherwise(values)).to_series()
    shown = "a fraction 0-1" if fmt == "fraction" else "a percentage 0-100"
    return Parsed(values, bad, f"'{{value}}' is not {shown}")


def parse_bool(s: pl.Series, true_values: Iterable[str], false_values: Iterable[str]) -> Parsed:
    lower = s.str.to_lowercase()
    truths = [v.lower() for v in true_values]
    falses = [v.lower() for v in false_values]
    values = pl.select(
        pl.when(lower.is_in(truths)).then(True).when(lower.is_in(falses)).then(False).otherwise(None)
    ).to_series()
    sample = "/".join([*truths[:2], *falses[:2]])
    return Parsed(values, _failed(s, values), f"'{{value}}' is not a yes/no value ({sample}...)")


def parse_enum(s: pl.Series, kind: str, overrides: dict[str, str] | None = None) -> Parsed:
    """channel / direction / outcome words -> canonical values; unknown words are failures."""
    words = dict(ENUM_WORDS[kind])
    words.update({_word(v): v for v in ENUM_VALUES[kind]})
    for key, value in (overrides or {}).items():
        words[_word(str(key))] = str(value)
    table: dict[str, str | None] = {}
    for raw in s.drop_nulls().unique().to_list():
        target = words.get(_word(raw))
        table[raw] = target if target in ENUM_VALUES[kind] else None
    values = s.replace_strict(table, default=None, return_dtype=pl.Utf8) if table else s
    valid = ", ".join(ENUM_VALUES[kind])
    return Parsed(
        values, _failed(s, values), f"'{{value}}' is not a known {kind} ({valid}; map it under fields.{kind}.values)"
    )


def parse_duration(s: pl.Series, fmt: str | None, *, decimal: str = ".", thousands: str | None = None) -> Parsed:
    """Durations -> integer milliseconds. hms: [-]H:MM:SS[.fff] (hours unbounded: 26:15:00) or M:SS;
    hm: H:MM; numbers in seconds, milliseconds, minutes, hours or days (Excel time fractions)."""
    fmt = fmt or "seconds"
    if fmt in ("hms", "hm"):
        ms, bad = _clock_duration(s, fmt, decimal)
        shown = "H:MM:SS" if fmt == "hms" else "H:MM"
    else:
        factor = {"seconds": 1000, "milliseconds": 1, "minutes": 60_000, "hours": 3_600_000, "days": MS_PER_DAY}[fmt]
        values, bad = parse_float(s, decimal=decimal, thousands=thousands)
        ms = (values * factor).round(0).cast(pl.Int64)
        shown = f"a number of {fmt}"
    negative = (ms < 0).fill_null(False)
    ms = pl.select(pl.when(bad | negative).then(None).otherwise(ms)).to_series().cast(pl.Int64)
    return Parsed(ms, bad | negative, f"'{{value}}' is not a duration >= 0 ({shown})")


def _clock_duration(s: pl.Series, fmt: str, decimal: str) -> tuple[pl.Series, pl.Series]:
    parts = s.str.splitn(":", 4).struct.unnest()
    first = parts["field_0"].cast(pl.Int64, strict=False)
    second = parts["field_1"]
    third = parts["field_2"]
    extra = parts["field_3"].is_not_null()
    sec3 = third.str.replace_all(",", ".", literal=True).cast(pl.Float64, strict=False)
    frame = pl.DataFrame({"a": first, "b": second, "c3": third, "s3": sec3, "extra": extra, "raw": s})
    b_int = pl.col("b").cast(pl.Int64, strict=False)
    b_float = pl.col("b").str.replace_all(",", ".", literal=True).cast(pl.Float64, strict=False)
    three = pl.col("c3").is_not_null()
    if fmt == "hms":
        two_ms = pl.col("a") * 60_000 + (b_float * 1000).round(0).cast(pl.Int64)  # M:SS
        two_ok = (b_float < 60) & (b_float >= 0)
    else:
        two_ms = pl.col("a") * 3_600_000 + b_int * 60_000  # H:MM
        two_ok = (b_int < 60) & (b_int >= 0)
    three_ms = pl.col("a") * 3_600_000 + b_int * 60_000 + (pl.col("s3") * 1000).round(0).cast(pl.Int64)
    three_ok = (b_int < 60) & (b_int >= 0) & (pl.col("s3") < 60) & (pl.col("s3") >= 0)
    if fmt != "hms":
        three_ok = pl.lit(False)
    out = frame.select(
        pl.when(pl.col("raw") == "0")
        .then(pl.lit(0, pl.Int64))
        .when(pl.col("extra") | pl.col("b").is_null())
        .then(None)
        .when(three & three_ok)
        .then(three_ms)
        .when(~three & two_ok)
        .then(two_ms)
        .otherwise(None)
        .cast(pl.Int64)
        .alias("ms")
    )["ms"]
    # a leading minus sign parses as a negative hour count; "-0:05:00" must stay negative
    minus = s.str.starts_with("-").fill_null(False) & (out > 0).fill_null(False)
    out = pl.select(pl.when(minus).then(-out).otherwise(out)).to_series()
    return out, _failed(s, out)


# ---------------------------------------------------------------------------------------------- times


def _is_aware(fmt: str) -> bool:
    return "%z" in fmt or "%#z" in fmt or "%:z" in fmt


def _excel_days(
    s: pl.Series, epoch: str, *, decimal: str, thousands: str | None, lo: float, hi: float
) -> tuple[pl.Series, pl.Series]:
    values, bad = parse_float(s, decimal=decimal, thousands=thousands)
    bad = bad | ((values < lo) | (values >= hi)).fill_null(False)
    values = pl.select(pl.when(bad).then(None).otherwise(values)).to_series()
    return values, bad


def _days_to_datetime(days: pl.Series, epoch: str) -> pl.Series:
    ms = (days * MS_PER_DAY).round(0).cast(pl.Int64) + EXCEL_EPOCH_DAYS[epoch] * MS_PER_DAY
    return ms.cast(pl.Datetime("ms")).cast(pl.Datetime("us"))


def parse_datetime_column(
    s: pl.Series, formats: list[str], *, epoch: str, decimal: str, thousands: str | None
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """-> (naive datetimes, bad mask, is_local mask: True where the value still needs the file's zone)."""
    formats = formats or ["iso"]
    results: list[pl.Series] = []
    local_flags: list[bool] = []
    for fmt in formats:
        if fmt == "excel":
            days, _ = _excel_days(s, epoch, decimal=decimal, thousands=thousands, lo=0, hi=MAX_EXCEL_SERIAL + 1)
            results.append(_days_to_datetime(days, epoch))
            local_flags.append(True)
        elif fmt in ("epoch_s", "epoch_ms"):
            values, _ = parse_float(s, decimal=decimal, thousands=thousands)
            factor = 1000 if fmt == "epoch_s" else 1
            results.append((values * factor).round(0).cast(pl.Int64).cast(pl.Datetime("ms")).cast(pl.Datetime("us")))
            local_flags.append(False)
        elif fmt == "iso":
            for iso in ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                        "%Y-%m-%d"):
                results.append(s.str.strptime(pl.Datetime("us"), iso, strict=False, exact=True))
                local_flags.append(True)
            for iso in ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z"):
                results.append(_aware(s, iso))
                local_flags.append(False)
        elif _is_aware(fmt):
            results.append(_aware(s, fmt))
            local_flags.append(False)
        else:
            results.append(s.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True))
            local_flags.append(True)
    frame = pl.DataFrame({f"r{i}": r for i, r in enumerate(results)})
    values = frame.select(pl.coalesce(pl.all()).alias("v"))["v"]
    local_exprs = [pl.col(f"r{i}").is_not_null() & pl.lit(flag) for i, flag in enumerate(local_flags)]
    is_local = frame.select(pl.any_horizontal(local_exprs).alias("l"))["l"].fill_null(False)
    return values, _failed(s, values), is_local


def _aware(s: pl.Series, fmt: str) -> pl.Series:
    parsed = s.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False, exact=True)
    return parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def parse_date_only(
    s: pl.Series, formats: list[str], *, epoch: str, decimal: str, thousands: str | None
) -> tuple[pl.Series, pl.Series]:
    """Date column -> naive datetimes (an Excel serial may carry a time fraction)."""
    results = []
    for fmt in formats or ["%Y-%m-%d"]:
        if fmt == "excel":
            days, _ = _excel_days(s, epoch, decimal=decimal, thousands=thousands, lo=0, hi=MAX_EXCEL_SERIAL + 1)
            results.append(_days_to_datetime(days, epoch))
        elif fmt == "iso":
            results.append(s.str.strptime(pl.Date, "%Y-%m-%d", strict=False, exact=True).cast(pl.Datetime("us")))
        else:
            results.append(s.str.strptime(pl.Date, fmt, strict=False, exact=True).cast(pl.Datetime("us")))
    values = pl.DataFrame({f"r{i}": r for i, r in enumerate(results)}).select(pl.coalesce(pl.all()))[:, 0]
    return values, _failed(s, values)


def parse_time_of_day(
    s: pl.Series, formats: list[str], *, decimal: str, thousands: str | None
) -> tuple[pl.Series, pl.Series]:
    """Time column -> milliseconds since midnight ('excel': a day fraction 0 <= x < 1)."""
    results = []
    for fmt in formats or ["%H:%M:%S", "%H:%M"]:
        if fmt == "excel":
            days, _ = _excel_days(s, "1900", decimal=decimal, thousands=thousands, lo=0, hi=1)
            results.append((days * MS_PER_DAY).round(0).cast(pl.Int64))
        else:
            t = s.str.strptime(pl.Time, fmt, strict=False, exact=True)
            results.append((t.cast(pl.Int64) // 1_000_000).cast(pl.Int64))
    values = pl.DataFrame({f"r{i}": r for i, r in enumerate(results)}).select(pl.coalesce(pl.all()))[:, 0]
    return values, _failed(s, values)


def combine_date_time(date: pl.Series, time_ms: pl.Series | None) -> pl.Series:
    if time_ms is None:
        return date
    return pl.select(date + pl.duration(milliseconds=time_ms.fill_null(0))).to_series()


@dataclass(frozen=True)
class Localised:
    utc: pl.Series
    ambiguous: pl.Series  # Boolean: the local time fell in a DST fold; the earlier instant was taken
    utc_late: pl.Series  # the later instant of a fold (equal to utc elsewhere)


def to_utc(local: pl.Series, tz_name: str) -> Localised:
    """Naive local wall times -> naive UTC. A DST fold takes the earlier instant (and is flagged);
    a time in the spring-forward gap moves forward, as `timeutil.localise` does."""
    tz = zone(tz_name)
    falses = pl.Series([False] * len(local), dtype=pl.Boolean)
    if tz_name in ("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z") or local.null_count() == len(local):
        return Localised(local, falses, local)
    early = local.dt.replace_time_zone(tz_name, ambiguous="earliest", non_existent="null")
    late = local.dt.replace_time_zone(tz_name, ambiguous="latest", non_existent="null")
    ambiguous = (early != late).fill_null(False)
    utc = early.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    gap = (local.is_not_null() & early.is_null()).fill_null(False)
    if gap.any():
        index = gap.arg_true()
        fixed = [localise(v, tz).utc for v in local.gather(index).to_list()]
        utc = utc.scatter(index, pl.Series(fixed, dtype=pl.Datetime("us")))
    late_utc = late.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    late_utc = pl.select(pl.when(ambiguous).then(late_utc).otherwise(utc)).to_series()
    return Localised(utc, ambiguous, late_utc)
