"""Time helpers: organisation-time-zone periods converted to UTC instants, DST-aware localisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callboard.core.errors import InvalidInput

UTC = dt.timezone.utc


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone '{name}'", hint="use an IANA name such as Europe/London") from exc


@dataclass(frozen=True)
class Localised:
    """A naive local wall-clock time turned into a naive UTC instant, with DST flags for the load report."""

    utc: dt.datetime
    ambiguous: bool
    nonexistent: bool


def localise(naive: dt.datetime, tz: ZoneInfo) -> Localised:
    """Local wall time -> UTC. Ambiguous (clocks back) takes the earlier instant; a skipped time moves forward."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    ambiguous = first.utcoffset() != second.utcoffset()
    back = first.astimezone(UTC).replace(tzinfo=tz)
    nonexistent = back.astimezone(tz).replace(tzinfo=None) != naive and not ambiguous
    if nonexistent:
        # fold=1 of a skipped time uses the pre-transition offset: the instant after the gap.
        instant = second.astimezone(UTC)
    else:
        instant = first.astimezone(UTC)  # earlier instant on an ambiguous time
    return Localised(instant.replace(tzinfo=None), ambiguous, nonexistent)


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval [start_utc, end_utc) built from inclusive local dates."""

    start_utc: dt.datetime | None
    end_utc: dt.datetime | None
    from_date: dt.date | None
    to_date: dt.date | None


def parse_date(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{flag} '{text}' is not a date", hint="write it as YYYY-MM-DD") from exc


def period(from_date: dt.date | str | None, to_date: dt.date | str | None, tz_name: str) -> Period:
    """Dates in the organisation's time zone, `to` inclusive, as UTC instants for filtering."""
    tz = zone(tz_name)
    f = parse_date(from_date, "--from") if isinstance(from_date, str) else from_date
    t = parse_date(to_date, "--to") if isinstance(to_date, str) else to_date
    if f and t and t < f:
        raise InvalidInput(f"--to {t} is before --from {f}", hint="swap the two dates")
    start = localise(dt.datetime.combine(f, dt.time()), tz).utc if f else None
    end = localise(dt.datetime.combine(t + dt.timedelta(days=1), dt.time()), tz).utc if t else None
    return Period(start, end, f, t)


def to_utc_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
