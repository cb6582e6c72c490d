"""Which canonical rows a metric counts: the catalog's own measures, read as row predicates.

A metric's formula is parsed (the catalog's closed vocabulary, never evaluated) into a numerator and
a denominator, each a sum or difference of measures. A measure over one fact is a row predicate:
its filter holds and, when it has an expression, the expression is not NULL (the rows `count`
counts and the rows `sum` adds up). From that:

- `counted`: for a rate (numerator measures all `count`), the numerator's rows: `abandon_rate` =
  (abandoned - short_abandoned) / ... gives the abandoned rows that are not short abandons, so the
  number of rows equals the numerator. For an average (numerator a `sum`: `aht_s` = handle_ms /
  handle_known / 1000), the rows the average is taken over (its denominator). For a count metric,
  the rows it counts.
- `base`: the denominator's rows (what the rate is a share of); a count metric's own rows.
- `missed`: base rows not counted (e.g. answered after the threshold or abandoned, for service level).

Terms subtracted are rows excluded (the catalog only subtracts subsets: short_abandoned of abandoned).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from callboard.core.errors import InvalidInput
from callboard.metrics.catalog import Catalog, ResolvedMetric
from callboard.metrics.definitions import Measure
from callboard.metrics.expressions import compile_expression, parse

Part = Literal["counted", "base", "missed"]
PARTS: tuple[str, ...] = ("counted", "base", "missed")
CONTACT_FACTS = ("queue_entries", "queue_entries_talk", "agent_segments", "contact_outcomes", "surveys")
Terms = tuple[tuple[int, str], ...]  # (+1 | -1, measure name)


@dataclass(frozen=True)
class DrillSpec:
    """The rows behind one metric: fact, the measures whose rows are kept / excluded, and a caption."""

    metric: ResolvedMetric
    part: str
    fact: str
    keep: tuple[str, ...]  # rows of any of these measures ...
    drop: tuple[str, ...]  # ... that are in none of these
    minus_keep: tuple[str, ...] = ()  # `missed`: minus the counted rows (any of these ...
    minus_drop: tuple[str, ...] = ()  # ... and none of these)
    caption: str = ""


def _strip_constants(node: ast.AST) -> ast.AST:
    """`x / 1000`, `100 * x`, `x * 100` -> x: units do not change which rows count."""
    while isinstance(node, ast.BinOp):
        if isinstance(node.op, (ast.Div, ast.Mult)) and isinstance(node.right, ast.Constant):
            node = node.left
        elif isinstance(node.op, ast.Mult) and isinstance(node.left, ast.Constant):
            node = node.right
        else:
            break
    return node


def _terms(node: ast.AST) -> Terms | None:
    if isinstance(node, ast.Name):
        return ((1, node.id),)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        left, right = _terms(node.left), _terms(node.right)
        if left is None or right is None:
            return None
        sign = 1 if isinstance(node.op, ast.Add) else -1
        return left + tuple((s * sign, n) for s, n in right)
    return None


def _split(formula: str) -> tuple[Terms | None, Terms | None]:
    node = _strip_constants(parse(formula).tree.body)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return _terms(_strip_constants(node.left)), _terms(_strip_constants(node.right))
    return _terms(node), None


def _fact(terms: Terms, catalog: Catalog) -> str | None:
    facts = {catalog.measures[n].fact for _, n in terms if n in catalog.measures}
    if len(facts) != 1 or any(n not in catalog.measures for _, n in terms):
        return None
    fact = facts.pop()
    return fact if fact in CONTACT_FACTS else None


def _all_counts(terms: Terms, catalog: Catalog) -> bool:
    return all(catalog.measures[n].agg == "count" for _, n in terms)


def drill_spec(metric: ResolvedMetric, catalog: Catalog, part: str = "counted") -> DrillSpec:
    if part not in PARTS:
        raise InvalidInput(f"part '{part}' is not one of {', '.join(PARTS)}",
                           hint="counted = the rows the number counts; base = its denominator; missed = base - counted")
    numerator, denominator = _split(metric.metric.formula)
    usable = [t for t in (numerator, denominator) if t is not None and _fact(t, catalog) is not None]
    if not usable:
        raise InvalidInput(f"{metric.resolved_name} is not counted over contact rows (formula "
                           f"'{' '.join(metric.metric.formula.split())}')",
                           hint="drill down from a contact metric: offered, handled, abandon_rate, aht_s, fcr_rate, ...")
    rate = numerator is not None and _fact(numerator, catalog) is not None and _all_counts(numerator, catalog)
    base_terms = denominator if denominator is not None and _fact(denominator, catalog) else numerator
    counted_terms = numerator if rate else base_terms
    assert counted_terms is not None and base_terms is not None
    if part == "missed" and not (rate and denominator is not None and _fact(denominator, catalog) == _fact(numerator, catalog)):  # type: ignore[arg-type]
        raise InvalidInput(f"{metric.resolved_name} has no 'missed' rows: it is not a rate of contacts",
                           hint="use part=counted or part=base")
    chosen = base_terms if part in ("base", "missed") else counted_terms
    fact = _fact(chosen, catalog)
    assert fact is not None
    keep = tuple(n for s, n in chosen if s > 0)
    drop = tuple(n for s, n in chosen if s < 0)
    missed = part == "missed"
    minus_keep = tuple(n for s, n in counted_terms if s > 0) if missed else ()
    minus_drop = tuple(n for s, n in counted_terms if s < 0) if missed else ()
    caption = {"counted": "rows counted by", "base": "rows in the denominator of",
               "missed": "denominator rows not counted by"}[part]
    return DrillSpec(metric, part, fact, keep, drop, minus_keep, minus_drop, f"{caption} {metric.resolved_name}")


def _param(value: float) -> ir.Value:
    return ibis.literal(int(value)) if float(value).is_integer() else ibis.literal(value, type="float64")


def measure_predicate(t: ir.Table, measure: Measure, params: dict[str, float]) -> ir.BooleanValue:
    """True on the rows the measure aggregates (filter holds and, with an expression, it is not NULL)."""

    def resolve(name: str) -> ir.Value:
        if name in params:
            return _param(params[name])
        if name in t.columns:
            return t[name]
        raise InvalidInput(f"measure {measure.name} names unknown column or parameter '{name}'")

    hit: ir.BooleanValue = ibis.literal(True)
    if measure.filter:
        hit = ibis.coalesce(compile_expression(measure.filter, resolve), False)
    if measure.expr:
        hit = hit & compile_expression(measure.expr, resolve).notnull()
    return hit


def spec_predicate(t: ir.Table, spec: DrillSpec, catalog: Catalog) -> ir.BooleanValue:
    params = dict(spec.metric.params)

    def any_of(names: tuple[str, ...]) -> ir.BooleanValue:
        out: ir.BooleanValue = ibis.literal(False)
        for name in names:
            out = out | measure_predicate(t, catalog.measures[name], params)
        return out

    result = any_of(spec.keep) & ~any_of(spec.drop)
    if spec.minus_keep:
        result = result & ~(any_of(spec.minus_keep) & ~any_of(spec.minus_drop))
    return result
