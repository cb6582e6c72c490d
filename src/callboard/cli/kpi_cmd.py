"""`callboard kpi` and `callboard metrics`: numbers from the KPI catalog."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.syntax import Syntax

from callboard.cli.common import DataDir, console, friendly_errors, open_runtime, settings_for
from callboard.cli.remote import RemoteCallboard
from callboard.cli.render import print_table, rows_csv, rows_json, rows_table
from callboard.core.errors import InvalidInput
from callboard.metrics.catalog import Catalog
from callboard.metrics.service import KpiResult
from callboard.runtime.server_file import running_server

kpi_app = typer.Typer(help="Compute KPIs from the catalog.", invoke_without_command=True)
metrics_app = typer.Typer(help="Browse the KPI catalog.", no_args_is_help=True)


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def parse_where(items: list[str] | None) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"--where '{item}' is not DIMENSION=VALUE", hint="e.g. --where queue=Billing or --where channel=voice,chat")
        where.setdefault(key.strip(), []).extend(v.strip() for v in value.split(",") if v.strip())
    return where


@kpi_app.callback()
@friendly_errors
def kpi(
    ctx: typer.Context,
    metrics: Annotated[str, typer.Option("--metrics", "-m", help="Comma list; parameters in brackets: service_level(threshold_s=30)")] = "offered,service_level,aht_s",
    by: Annotated[str, typer.Option("--by", "-b", help="Dimensions: contact, agent, team, queue, channel, topic, direction, interval_15/30/60, hour, day, week, month")] = "",
    from_date: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD, organisation time zone)")] = None,
    to_date: Annotated[str | None, typer.Option("--to", help="Last day, inclusive")] = None,
    where: Annotated[list[str] | None, typer.Option("--where", "-w", help="Filter DIMENSION=VALUE[,VALUE] (repeatable)")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table,
    data_dir: DataDir = None,
) -> None:
    """KPIs per dimension: `callboard kpi --metrics offered,service_level --by queue,day --from 2026-01-01`."""
    if ctx.invoked_subcommand is not None:
        return
    result = _query(data_dir, metrics=metrics, by=by, from_date=from_date, to_date=to_date, where=parse_where(where))
    rows = [dict(r) for r in result.rows]
    columns = [*result.dimensions, *(m.requested for m in result.metrics)]
    resolved = "; ".join(f"{m.requested} = {m.resolved}" for m in result.metrics if m.requested != m.resolved)
    if output is OutputFormat.json:
        typer.echo(rows_json(rows))
    elif output is OutputFormat.csv:
        typer.echo(rows_csv(columns, rows), nl=False)
    else:
        units = {m.requested: m.unit for m in result.metrics}
        period = f"{result.from_date or 'start'} to {result.to_date or 'end'} ({result.time_zone})"
        provisional = (f" Days from {result.provisional_from} on are provisional (repeat or survey window still open)."
                       if result.provisional_from else "")
        print_table(console, rows_table(columns, units, rows, caption=f"{period}.{provisional} {resolved}".strip()))
    if output is not OutputFormat.table and resolved:
        typer.echo(resolved, err=True)


def _query(data_dir: Path | None, *, metrics: str, by: str, from_date: str | None, to_date: str | None,
           where: dict[str, list[str]]) -> KpiResult:
    """Ask the running server when there is one (it holds the store), else open the store here."""
    handle = running_server(settings_for(data_dir).data_dir)
    if handle is not None:
        return RemoteCallboard(handle).kpi(metrics=metrics, by=by, from_date=from_date, to_date=to_date, where=where)
    with open_runtime(data_dir) as runtime:
        return runtime.kpi.query(metrics=metrics, by=by, from_date=from_date, to_date=to_date, where=where)


@kpi_app.command("explain")
@friendly_errors
def explain(metric: str, data_dir: DataDir = None) -> None:
    """Definition, formula, variant, parameters and the SQL of one metric."""
    with open_runtime(data_dir) as runtime:
        e = runtime.kpi.explain(metric)
    params = ", ".join(f"{k}={v:g}" for k, v in e.params.items()) or "none"
    lines = [
        f"[bold]{e.id}[/bold]  {e.title}",
        f"KPI: {e.kpi}   variant: {e.variant}   type: {e.type}   unit: {e.unit}   better: {e.better}",
        f"parameters: {params}",
        f"formula: {e.formula}",
        *(f"  {name} = {definition}" for name, definition in e.measures.items()),
        f"reference: {e.reference}" if e.reference else "",
        e.description,
    ]
    console.print(Panel("\n".join(line for line in lines if line), title="metric", expand=False))
    console.print(Syntax(e.sql, "sql", word_wrap=True))


@metrics_app.command("list")
@friendly_errors
def list_metrics(
    kpi_filter: Annotated[str | None, typer.Option("--kpi", help="Only this KPI's variants")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table,
    data_dir: DataDir = None,
) -> None:
    """Every metric in the catalog with its formula; aliases listed after."""
    settings = settings_for(data_dir)
    catalog = Catalog.load([settings.data_dir / "metrics"])
    rows = [
        {"id": m.id, "kpi": m.kpi, "default": "yes" if m.default else "", "unit": m.unit,
         "params": ", ".join(f"{k}={p.default:g}" for k, p in m.params.items()), "formula": " ".join(m.formula.split())}
        for m in sorted(catalog.metrics.values(), key=lambda m: (m.kpi, not m.default, m.id))
        if kpi_filter in (None, m.kpi)
    ]
    columns = ["id", "kpi", "default", "unit", "params", "formula"]
    if output is OutputFormat.json:
        typer.echo(rows_json(rows))
    elif output is OutputFormat.csv:
        typer.echo(rows_csv(columns, rows), nl=False)
    else:
        print_table(console, rows_table(columns, {}, rows))
        aliases = ", ".join(f"{a} -> {t}" for a, t in sorted(catalog.aliases.items()))
        console.print(f"[bold]Aliases[/bold]: {aliases}", highlight=False)
