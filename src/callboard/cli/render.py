"""Render service results for the terminal: Rich table, CSV or JSON; numbers formatted by unit."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table

UNIT_FORMAT = {"ratio": "{:.2%}", "seconds": "{:.1f}", "points": "{:+.1f}", "score": "{:.2f}", "per_hour": "{:.2f}"}


def format_value(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, (int, float)) and unit in UNIT_FORMAT:
        return UNIT_FORMAT[unit].format(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


TEXT_MIN_WIDTH = 24  # a dimension value (a day, a queue id) keeps up to this many characters on one line
PIPED_WIDTH = 200  # output to a file or pipe is laid out this wide at most (wider where numbers need it)


def rows_table(columns: list[str], units: dict[str, str], rows: list[dict[str, Any]], caption: str | None = None) -> Table:
    """A table whose numbers are never cut: a metric column is at least as wide as its longest value, so only
    headers and text wrap (`fold`: every character stays) when the terminal is narrow."""
    cells = [[format_value(row.get(c), units.get(c, "")) if c in units else
              ("(none)" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    table = Table(caption=caption, caption_justify="left", show_lines=False)
    for index, column in enumerate(columns):
        longest = max((len(r[index]) for r in cells), default=1)
        if column in units:
            table.add_column(column, justify="right", overflow="fold", min_width=longest)
        else:
            table.add_column(column, justify="left", overflow="fold", min_width=min(longest, TEXT_MIN_WIDTH))
    for row_cells in cells:
        table.add_row(*row_cells)
    return table


class _AtWidth:
    """Render a table at a given width, which may exceed the console's (printed with crop=False)."""

    def __init__(self, table: Table, width: int) -> None:
        self.table = table
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from console.render(self.table, options.update_width(self.width))


def _fit_columns(console: Console, table: Table, width: int) -> None:
    """Give every column a fixed width so that the table fits `width`: at least its `min_width` (a metric
    column's longest value), and as much of its natural width as an even share allows (a short header stays
    whole, a long one folds). Rich's own shrinking goes below `min_width` and ends numbers with `…`."""
    wide = console.options.update_width(100_000)
    natural = [max([Measurement.get(console, wide, cell).maximum for cell in (column.header, *column.cells)] or [1])
               for column in table.columns]
    base = [min(max(column.min_width or 1, 3), n) for column, n in zip(table.columns, natural, strict=True)]
    room = width - 3 * len(base) - 1  # each column: padding 1 + 1 and a border; one closing border

    def at(level: int) -> list[int]:
        return [max(b, min(n, level)) for b, n in zip(base, natural, strict=True)]

    level = max(natural)
    while level > 1 and sum(at(level)) > room:  # the highest level all columns reach together
        level -= 1
    widths = at(level)
    for column, w in zip(table.columns, widths, strict=True):
        column.width = w


def print_table(console: Console, table: Table) -> None:
    """Print a table without losing a character: cells fold (`fold`, never `…`) and a metric column is never
    narrower than its longest value. On a terminal the table takes the terminal's width, or more when its
    numbers need more (the terminal then wraps the lines); to a pipe or a file (where Rich would assume 80
    columns) it is laid out at its natural width up to PIPED_WIDTH, and wider where its numbers need it."""
    for column in table.columns:
        column.overflow = "fold"
    minimum = sum(max(c.min_width or 1, 3) + 3 for c in table.columns) + 1
    natural = Measurement.get(console, console.options.update_width(100_000), table).maximum
    width = max(console.width if console.is_terminal else max(console.width, PIPED_WIDTH), minimum)
    if natural > width:
        _fit_columns(console, table, width)
    else:
        width = max(natural, console.width)
    console.print(_AtWidth(table, width) if width > console.width else table, crop=False)


def rows_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in columns})
    return buffer.getvalue()


def rows_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)
