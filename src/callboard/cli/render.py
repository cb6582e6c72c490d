"""Render service results for the terminal: Rich table, CSV or JSON; numbers formatted by unit."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

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


def rows_table(columns: list[str], units: dict[str, str], rows: list[dict[str, Any]], caption: str | None = None) -> Table:
    table = Table(caption=caption, caption_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, justify="right" if column in units else "left")
    for row in rows:
        table.add_row(*(format_value(row.get(c), units.get(c, "")) if c in units else
                        ("(none)" if row.get(c) is None else str(row.get(c))) for c in columns))
    return table


def rows_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in columns})
    return buffer.getvalue()


def rows_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)
