"""Compiled KPI SQL reused across periods and filter values.

Building a request's Ibis expression and compiling it to SQL costs 0.3-0.8 s, often far more than running
it (an agent page at demo size runs ten requests of about 0.07 s each). Pages ask the same questions for
another agent, team or period all the time, so the SQL is compiled once per request *shape* (metrics,
grouping, which dimensions are filtered, which period bounds are set, time zone, organisation rules) with
sentinel values in place of the period bounds and filter values, and each request fills in its own values
as text.

A value reaches the SQL in a few known literal forms: a filter's values as the list of an `IN (...)` (one
sentinel string stands for the list, so a supervisor's 13 agents and a manager's 140 share a template), a
period bound as a timestamp literal and (agent state facts) as epoch milliseconds, and the period end plus
the FCR repeat horizon as a timestamp. Each form of each sentinel is replaced with the same form of the real value,
rendered by the same SQL generator. A template in which a filter's sentinel never appears, or after whose
filling any sentinel text is left, is not used: the request is compiled directly instead.
tests/metrics/test_sql_template.py checks that filled templates equal directly compiled SQL, word for word,
over the catalog's metrics, groupings, filters (one value and several) and periods.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import ibis
import sqlglot.expressions as sge

from callboard.core.timeutil import Period
from callboard.metrics.query import KpiRequest

_EPOCH = dt.datetime(1970, 1, 1)
# Sentinel period bounds: instants no contact center data has, with microseconds that make every rendering
# unique (timestamp literal, epoch milliseconds).
_SENTINEL_START = dt.datetime(1971, 2, 3, 4, 5, 6, 789012)
_SENTINEL_END = dt.datetime(1972, 3, 4, 5, 6, 7, 890123)
_SENTINEL_VALUE = "cb_sentinel_{}_{}_7qz"
_SENTINEL_YEARS = ("MAKE_TIMESTAMP(1971,", "MAKE_TIMESTAMP(1972,")  # what a time computed from a sentinel shows
_SENTINEL_NUMBER = 987_650_321  # LIMIT / OFFSET sentinels: 987650321, 987650322, ...


def shape(request: KpiRequest) -> tuple[object, ...]:
    """What the compiled SQL depends on besides the values `request_values` takes from the request."""
    metrics = tuple((m.resolved_name, m.from_settings) for m in request.metrics)
    dims = tuple(dim for dim, _ in request.where)
    return (metrics, request.by, request.period is None, request_values(request).shape(), dims, request.time_zone,
            request.org_rules)


def sentinel_request(request: KpiRequest) -> KpiRequest:
    """The request with sentinel period bounds and filter values (the same shape)."""
    sentinel = request_values(request).sentinel()
    period = None if request.period is None else Period(sentinel.start, sentinel.end, None, None)
    where = tuple((dim, values) for (dim, _), values in zip(request.where, sentinel.lists, strict=True))
    return replace(request, period=period, where=where)


@lru_cache(maxsize=4096)
def timestamp_sql(value: dt.datetime) -> str:
    """A naive timestamp as Ibis writes it in DuckDB SQL, e.g. MAKE_TIMESTAMP(2026, 10, 27, 4, 0, 0.0)."""
    sql = ibis.to_sql(ibis.literal(value, type="timestamp").name("v"), dialect="duckdb")
    match = re.search(r"MAKE_TIMESTAMP\([^)]*\)", str(sql))
    if match is None:  # pragma: no cover - an Ibis that writes timestamps another way: templates are not used
        raise ValueError(f"no MAKE_TIMESTAMP in {sql}")
    return match.group(0)


def string_sql(value: str) -> str:
    return str(sge.Literal.string(value).sql(dialect="duckdb"))


def _ms(value: dt.datetime) -> str:
    return str((value - _EPOCH) // dt.timedelta(milliseconds=1))


def _horizon_days(request: KpiRequest) -> float:
    """The FCR repeat horizon facts.py adds after the period end, in days (the request's longest window)."""
    return max((v for m in request.metrics for k, v in m.params if k == "window_days"), default=0.0)


@dataclass(frozen=True)
class Values:
    """What a compiled query is filled with: period bounds (and the FCR repeat horizon after the end, in days),
    IN-list values, and whole numbers such as LIMIT and OFFSET (0 is not written: Ibis leaves out OFFSET 0)."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    horizon_days: float = 0.0
    lists: tuple[tuple[str, ...], ...] = ()
    numbers: tuple[int, ...] = ()

    def shape(self) -> tuple[object, ...]:
        """What the SQL's text depends on besides the values themselves."""
        return (self.start is not None, self.end is not None, self.horizon_days, tuple(bool(v) for v in self.lists),
                tuple(n > 0 for n in self.numbers))

    def sentinel(self) -> Values:
        return Values(_SENTINEL_START if self.start is not None else None,
                      _SENTINEL_END if self.end is not None else None, self.horizon_days,
                      tuple((_SENTINEL_VALUE.format(i, 0),) if v else () for i, v in enumerate(self.lists)),
                      tuple(_SENTINEL_NUMBER + i if n > 0 else 0 for i, n in enumerate(self.numbers)))

    def forms(self) -> list[str]:
        """Every literal form of the values, in a fixed order (sentinel and real values pair up)."""
        forms: list[str] = []
        if self.start is not None:
            forms += [timestamp_sql(self.start), _ms(self.start)]
        if self.end is not None:
            horizon = self.end + dt.timedelta(days=self.horizon_days, seconds=1)  # as facts.py derives it
            forms += [timestamp_sql(self.end), _ms(self.end), timestamp_sql(horizon)]
        # A filter is `column IN (v1, v2, ...)`: the template's one sentinel value stands for the whole list.
        forms += [", ".join(string_sql(v) for v in values) for values in self.lists if values]
        forms += [str(n) for n in self.numbers if n > 0]
        return forms


def request_values(request: KpiRequest) -> Values:
    period = request.period
    return Values(period.start_utc if period else None, period.end_utc if period else None,
                  _horizon_days(request), tuple(values for _, values in request.where))


@dataclass(frozen=True)
class Template:
    """SQL compiled with sentinel values, to fill with real ones."""

    sql: str
    sentinels: tuple[str, ...]
    pattern: re.Pattern[str]

    @staticmethod
    def build(sql: str, sentinel: Values) -> Template | None:
        """None when some list's sentinel does not appear as a literal (the template could not be filled
        correctly)."""
        if any(string_sql(v) not in sql for values in sentinel.lists for v in values):
            return None
        sentinels = sentinel.forms()
        return Template(sql, tuple(sentinels), _pattern(sentinels))

    def fill(self, values: Values) -> str | None:
        """The SQL for `values` (same shape), or None if a sentinel would be left in it."""
        real = values.forms()
        if len(real) != len(self.sentinels):
            return None
        mapping = dict(zip(self.sentinels, real, strict=True))
        if not mapping:
            return self.sql
        sql = self.pattern.sub(lambda m: mapping[m.group(0)], self.sql)
        if self.pattern.search(sql) or any(year in sql for year in _SENTINEL_YEARS):
            return None  # a sentinel (or a time derived from one) left: compile directly instead
        return sql


@dataclass(frozen=True)
class SqlTemplate:
    """KPI SQL compiled for a request shape, with the dimensions its rows are grouped by."""

    template: Template
    dims: tuple[str, ...]

    @staticmethod
    def build(sql: str, dims: list[str], template_request: KpiRequest) -> SqlTemplate | None:
        template = Template.build(sql, request_values(template_request))
        return None if template is None else SqlTemplate(template, tuple(dims))

    def fill(self, request: KpiRequest) -> str | None:
        return self.template.fill(request_values(request))


def _pattern(forms: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """Any of `forms`; a number only as a whole number (not inside a longer one)."""
    alternatives = [rf"(?<![\d.]){re.escape(f)}(?![\d.])" if f.isdigit() else re.escape(f)
                    for f in sorted(set(forms), key=len, reverse=True)]
    return re.compile("|".join(alternatives) or "(?!)")
