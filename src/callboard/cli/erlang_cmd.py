"""`callboard erlang`: staffing for one interval with Erlang C (or Erlang A given --patience-s)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any

import typer
from rich.table import Table

from callboard.cli.common import console, friendly_errors


class ErlangFormat(str, Enum):
    table = "table"
    json = "json"


@friendly_errors
def erlang(
    calls: Annotated[float, typer.Option("--calls", help="Offered contacts in the interval (0 allowed)")],
    interval_s: Annotated[float, typer.Option("--interval-s", help="Interval length, seconds (1800 = 30 min)")],
    aht_s: Annotated[float, typer.Option("--aht-s", help="Average handle time, seconds")],
    answer_within_s: Annotated[float, typer.Option("--answer-within-s", help="Service-level threshold T, seconds")],
    target_sl: Annotated[float | None, typer.Option("--target-sl", help="Service-level target, a fraction (0.8)")] = None,
    target_asa_s: Annotated[float | None, typer.Option("--target-asa-s", help="Average speed of answer target, seconds")] = None,
    max_abandon: Annotated[float | None, typer.Option("--max-abandon", help="Abandonment ceiling, a fraction (needs --patience-s)")] = None,
    max_occupancy: Annotated[float | None, typer.Option("--max-occupancy", help="Occupancy cap, a fraction (0.85)")] = None,
    shrinkage: Annotated[float, typer.Option("--shrinkage", help="Shrinkage, a fraction (0.3)")] = 0.0,
    patience_s: Annotated[float | None, typer.Option("--patience-s", help="Mean customer patience, seconds: Erlang A")] = None,
    agents: Annotated[float | None, typer.Option("--agents", help="Evaluate this many agents on the phones (fractions allowed) instead of searching")] = None,
    output: Annotated[ErlangFormat, typer.Option("--format", "-f")] = ErlangFormat.table,
) -> None:
    """Required agents for one interval: `callboard erlang --calls 100 --interval-s 1800 --aht-s 180
    --answer-within-s 20 --target-sl 0.8 --max-occupancy 0.85 --shrinkage 0.3 --format json`."""
    from callboard.workforce.erlang_query import erlang_answer  # SciPy: only for this command
    answer = erlang_answer(calls=calls, interval_s=interval_s, aht_s=aht_s, answer_within_s=answer_within_s,
                           target_sl=target_sl, target_asa_s=target_asa_s, max_abandon=max_abandon,
                           max_occupancy=max_occupancy, shrinkage=shrinkage, patience_s=patience_s, agents=agents)
    if output is ErlangFormat.json:
        typer.echo(json.dumps(answer))
        return
    console.print(_table(answer))


def _table(answer: dict[str, Any]) -> Table:
    model = "Erlang A" if answer["model"] == "erlang_a" else "Erlang C"
    title = f"{model}: {'evaluate' if answer['mode'] == 'evaluate' else 'required agents'}"
    table = Table(title=title, show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in answer.items():
        if key in ("mode", "model") or value is None and key not in ("service_level", "asa_s", "occupancy"):
            continue
        table.add_row(key, "—" if value is None else (f"{value:.6g}" if isinstance(value, float) else str(value)))
    return table
