"""Compile a KPI request (metrics x dimensions x period x filters) into one Ibis expression.

Plan: each fact the requested measures read is filtered, given its dimension columns and aggregated
by the requested dimensions; the per-fact aggregates are stacked (UNION ALL) and collapsed per group,
so groups missing from one fact still appear; then every metric formula is evaluated over the
measure columns (ratio of sums, never a mean of ratios; reference §2.2).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import ibis
import ibis.expr.types as ir

from callboard.core.errors import InvalidInput
from callboard.core.timeutil import Period
from callboard.metrics.catalog import Catalog, ResolvedMetric
from callboard.metrics.definitions import Measure
from callboard.metrics.dimensions import PLAIN, TIME, add_dimensions, canonical, canonical_dimensions, filter_column
from callboard.metrics.expressions import compile_expression, parse
from callboard.metrics.facts import FactContext, build_fact
from callboard.metrics.org_rules import OrgRules, SettingRule


@dataclass(frozen=True)
class KpiRequest:
    metrics: tuple[ResolvedMetric, ...]
    by: tuple[str, ...] = ()
    period: Period | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    time_zone: str = "UTC"
    org_rules: OrgRules | None = None  # per-queue/channel settings for parameters the request left to them


@dataclass(frozen=True)
class BoundMeasure:
    measure: Measure
    params: tuple[tuple[str, float], ...]
    column: str = field(default="")
    per_row: tuple[tuple[str, SettingRule], ...] = ()  # parameters evaluated per row (queue, channel)


def per_row_rules(metric: ResolvedMetric, rules: OrgRules | None) -> dict[str, SettingRule]:
    """The metric's parameters that were left to a setting which the organisation varies by queue/channel."""
    if rules is None:
        return {}
    found = {name: rules.rule(setting) for name, setting in metric.from_settings}
    return {name: rule for name, rule in found.items() if rule is not None}


def _bind(measure: Measure, metric: ResolvedMetric, rules: OrgRules | None = None) -> BoundMeasure:
    params = tuple((k, v) for k, v in metric.params if k in measure.params)
    per_row = tuple((k, r) for k, r in per_row_rules(metric, rules).items() if k in measure.params)
    key = measure.name + "".join(f"|{k}={v}" for k, v in params) + "".join(f"|{k}~{r}" for k, r in per_row)
    column = (f"m_{measure.name}" if not params and not per_row
              else f"m_{measure.name}_{hashlib.sha1(key.encode()).hexdigest()[:8]}")
    return BoundMeasure(measure, params, column, per_row)


def _param_literal(value: float) -> ir.Value:
    """Whole-number parameters as integers: DuckDB reads `20.0` as DECIMAL and then casts every row's
    BIGINT to DECIMAL to compare (`wait_ms <= 20.0 * 1000`)."""
    return ibis.literal(int(value)) if float(value).is_integer() else ibis.literal(value, type="float64")


def _measure_value(t: ir.Table, bound: BoundMeasure) -> ir.Value:
    params = dict(bound.params)
    per_row = dict(bound.per_row)

    def resolve(name: str) -> ir.Value:
        if name in per_row:
            return per_row[name].expression(t)
        if name in params:
            return _param_literal(params[name])
        if name in t.columns:
            return t[name]
        raise InvalidInput(f"measure {bound.measure.name} names unknown column or parameter '{name}'",
                           hint=f"columns of fact {bound.measure.fact}: {', '.join(c for c in t.columns if not c.startswith('_'))}")

    m = bound.measure
    condition = compile_expression(m.filter, resolve) if m.filter else None
    if m.agg == "count":
        hit = condition
        if m.expr:
            present = compile_expression(m.expr, resolve).notnull()
            hit = present if hit is None else (hit & present)
        return t.count() if hit is None else t.count(where=hit)
    value = compile_expression(m.expr or "1", resolve)
    if condition is not None:
        value = ibis.ifelse(condition, value, ibis.null(value.type()))
    if m.agg == "sum":
        return value.sum()
    if m.agg == "mean":
        return value.cast("float64").mean()
    if m.agg == "min":
        return value.min()
    if m.agg == "max":
        return value.max()
    return value.nunique()


def _apply_filters(t: ir.Table, request: KpiRequest) -> ir.Table:
    period = request.period
    if period and period.start_utc is not None:
        t = t.filter(t._t >= period.start_utc)
    if period and period.end_utc is not None:
        t = t.filter(t._t < period.end_utc)
    return t


def compile_request(request: KpiRequest, *, catalog: Catalog, ctx: FactContext) -> tuple[ir.Table, list[str]]:
    """Return the Ibis expression and the output dimension column names."""
    dims = canonical_dimensions(request.by)
    where = [(canonical(d), values) for d, values in request.where]
    needed = list(dict.fromkeys([*dims, *(d for d, _ in where)]))
    horizon = max((v for m in request.metrics for k, v in m.params if k == "window_days"), default=0.0)
    bound: dict[str, list[BoundMeasure]] = {}
    columns: dict[str, BoundMeasure] = {}
    for metric in request.metrics:
        for name in catalog.measure_names(metric.metric):
            b = _bind(catalog.measures[name], metric, request.org_rules)
            if b.column not in columns:
                columns[b.column] = b
                bound.setdefault(b.measure.fact, []).append(b)
    read: set[str] = set()
    for b in columns.values():
        for text in (b.measure.expr, b.measure.filter):
            if text:
                read |= parse(text).names
        if b.per_row:
            read |= {"queue_id", "channel"}
    ctx = replace(ctx, time_grains=tuple(d for d in needed if d in TIME), period=request.period,
                  time_zone=request.time_zone, repeat_horizon_days=horizon, columns=frozenset(read),
                  dim_columns=frozenset({PLAIN[d] for d in needed if d in PLAIN} | ({"agent_id"} if "team" in needed else set())))
    parts: list[ir.Table] = []
    for fact, measures in bound.items():
        t = _apply_filters(build_fact(fact, ctx), request)
        t = add_dimensions(t, needed, store=ctx.store, tz=request.time_zone)
        for dim, values in where:
            t = t.filter(filter_column(t, dim).cast("string").isin(list(values)))
        aggs = {b.column: _measure_value(t, b).cast("float64") for b in measures}
        parts.append(t.group_by(dims).aggregate(**aggs) if dims else t.aggregate(**aggs))
    if len(parts) == 1:
        stacked = parts[0]
    else:
        all_columns = list(columns)
        aligned = [
            p.select(
                **{d: p[d].cast(p[d].type().copy(nullable=True)) for d in dims},
                **{c: (p[c] if c in p.columns else ibis.null("float64")) for c in all_columns},
            )
            for p in parts
        ]
        union = ibis.union(*aligned, distinct=False)
        collapse = {c: union[c].max() for c in all_columns}
        stacked = union.group_by(dims).aggregate(**collapse) if dims else union.aggregate(**collapse)
    return _evaluate_metrics(stacked, request, catalog, dims), dims


def _evaluate_metrics(t: ir.Table, request: KpiRequest, catalog: Catalog, dims: list[str]) -> ir.Table:
    outputs: dict[str, ir.Value] = {}
    for index, metric in enumerate(request.metrics):
        bound = {name: _bind(catalog.measures[name], metric, request.org_rules)
                 for name in catalog.measure_names(metric.metric)}

        def resolve(name: str, bound: dict[str, BoundMeasure] = bound,
                    params: dict[str, float] = dict(metric.params)) -> ir.Value:
            if name in params:
                return ibis.literal(params[name])
            b = bound[name]
            column = t[b.column]
            return ibis.coalesce(column, 0.0) if b.measure.agg == "count" else column

        value = compile_expression(metric.metric.formula, resolve)
        if metric.metric.unit == "count" and metric.metric.type == "simple":
            value = value.cast("int64")
        else:
            value = value.cast("float64")
        outputs[f"_v{index}"] = value
    result = t.select(*dims, **outputs)
    return result.order_by(dims) if dims else result
