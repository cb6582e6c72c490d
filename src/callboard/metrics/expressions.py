"""The catalog's closed expression vocabulary, compiled to Ibis. Nothing is ever evaluated as Python.

A formula or filter is parsed with `ast` and only these nodes are accepted: names (resolved by the
caller to a column, a measure or a parameter), constants, lists of constants, `and`/`or`/`not`,
comparisons (== != < <= > >= in, not in), + - * /, unary minus, and the functions in FUNCTIONS.
Every division is guarded: a zero or NULL denominator gives NULL (reference §2.1).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import ibis
import ibis.expr.types as ir

from callboard.core.errors import InvalidInput

Resolver = Callable[[str], ir.Value]

FUNCTIONS = ("coalesce", "is_null", "not_null", "if_else", "greatest", "least", "to_float")


@dataclass(frozen=True)
class ParsedExpression:
    text: str
    tree: ast.Expression
    names: frozenset[str]


def _fail(text: str, node: ast.AST, what: str) -> InvalidInput:
    col = getattr(node, "col_offset", 0)
    return InvalidInput(f"catalog expression '{text}': {what} at column {col + 1}",
                        hint=f"allowed: names, numbers, strings, and/or/not, comparisons, + - * /, {', '.join(FUNCTIONS)}")


_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.BinOp, ast.Add, ast.Sub,
    ast.Mult, ast.Div, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple, ast.Call,
)


@lru_cache(maxsize=2048)
def parse(text: str) -> ParsedExpression:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise InvalidInput(f"catalog expression '{text}' does not parse: {exc.msg}") from exc
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise _fail(text, node, f"'{type(node).__name__}' is not allowed")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                raise _fail(text, node, "unknown function")
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str, bool, type(None))):
            raise _fail(text, node, "unsupported constant")
    function_names = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return ParsedExpression(text, tree, frozenset(names - function_names))


def guarded_divide(numerator: ir.Value, denominator: ir.Value) -> ir.Value:
    den = denominator.cast("float64")
    return ibis.ifelse(den.isnull() | (den == 0), ibis.null("float64"), numerator.cast("float64") / den)


def compile_expression(text: str, resolve: Resolver) -> ir.Value:
    parsed = parse(text)
    return _Compiler(text, resolve).visit(parsed.tree.body)


class _Compiler:
    def __init__(self, text: str, resolve: Resolver) -> None:
        self.text = text
        self.resolve = resolve

    def visit(self, node: ast.AST) -> ir.Value:  # noqa: PLR0911, PLR0912
        if isinstance(node, ast.Constant):
            return ibis.literal(node.value) if node.value is not None else ibis.null()
        if isinstance(node, ast.Name):
            return self.resolve(node.id)
        if isinstance(node, ast.BoolOp):
            values = [self.visit(v) for v in node.values]
            out = values[0]
            for v in values[1:]:
                out = (out & v) if isinstance(node.op, ast.And) else (out | v)
            return out
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            return ~operand if isinstance(node.op, ast.Not) else -operand
        if isinstance(node, ast.BinOp):
            left, right = self.visit(node.left), self.visit(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return guarded_divide(left, right)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise _fail(self.text, node, "unsupported syntax")

    def _compare(self, node: ast.Compare) -> ir.Value:
        left = self.visit(node.left)
        result: ir.Value | None = None
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(comparator, (ast.List, ast.Tuple)):
                    raise _fail(self.text, comparator, "'in' needs a list of constants")
                options = [c.value for c in comparator.elts if isinstance(c, ast.Constant)]
                part = left.isin(options) if isinstance(op, ast.In) else left.notin(options)
            else:
                right = self.visit(comparator)
                part = {
                    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
                    ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
                }[type(op)](left, right)
                left = right
            result = part if result is None else (result & part)
        assert result is not None
        return result

    def _call(self, node: ast.Call) -> ir.Value:
        name = node.func.id  # type: ignore[attr-defined]
        args = [self.visit(a) for a in node.args]
        if name == "coalesce":
            return ibis.coalesce(*args)
        if name == "is_null" and len(args) == 1:
            return args[0].isnull()
        if name == "not_null" and len(args) == 1:
            return args[0].notnull()
        if name == "if_else" and len(args) == 3:
            return ibis.ifelse(args[0], args[1], args[2])
        if name == "greatest":
            return ibis.greatest(*args)
        if name == "least":
            return ibis.least(*args)
        if name == "to_float" and len(args) == 1:
            return args[0].cast("float64")
        raise _fail(self.text, node, f"wrong number of arguments to {name}")
