"""`callboard demo`: generate a realistic contact centre, load it into the data directory, then serve it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from callboard.cli.common import DataDir, console, friendly_errors, open_runtime
from callboard.core.timeutil import parse_date

if TYPE_CHECKING:
    from callboard.runtime import Runtime
    from callboard.demo import DemoData
    from callboard.demo.org import DemoLogin
    from callboard.records.batch import LoadReport

_GENERATION_STEPS = 7  # progress messages generate_demo emits


@friendly_errors
def demo(
    data_dir: DataDir = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed and end date give identical data")] = 7,
    days: Annotated[int, typer.Option(min=1, max=400, help="Days of history, ending on --end-date")] = 90,
    end_date: Annotated[
        str | None, typer.Option("--end-date", help="Last day of the demo, YYYY-MM-DD (default: yesterday, UTC)")
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Remove an earlier demo from the data directory first")
    ] = False,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web app when the data is loaded")] = True,
    port: Annotated[int | None, typer.Option("--port", "-p", help="Port for the web app (default 8765)")] = None,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the dashboard in a browser")] = True,
    scale: Annotated[float, typer.Option(hidden=True, help="Volume and headcount multiplier (benchmarks)")] = 1.0,
) -> None:
    """Fill the data directory with a generated contact centre (90 days, 40 agents, 9 queues) and serve it."""
    from callboard.demo import clear_demo, existing_demo_period, generate_demo, load_demo  # numpy: load on use
    from callboard.demo.accounts import demo_org, seed_demo_accounts
    from callboard.demo.branch_pbx import load_branch_pbx
    from callboard.demo.loader import ensure_queue_names

    last_day = parse_date(end_date, "--end-date") if end_date else None
    with open_runtime(data_dir) as runtime:
        store = runtime.store
        existing = existing_demo_period(store)
        if existing and not reset:
            console.print(
                f"The demo is already loaded ({existing[0]} to {existing[1]}) in {runtime.settings.data_dir}; "
                "run [bold]callboard demo --reset[/bold] to generate it afresh.",
                highlight=False,
            )
            ensure_queue_names(store)
            org = demo_org(seed=seed, first_day=existing[0], days=(existing[1] - existing[0]).days + 1, scale=scale)
            _print_logins(seed_demo_accounts(runtime.users, runtime.org, org))
            seed_demo_features(runtime)
        else:
            started = time.perf_counter()
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                transient=True,
            ) as bar:
                task = bar.add_task("starting", total=_GENERATION_STEPS + 6 + (1 if existing else 0))

                def step(message: str) -> None:
                    bar.update(task, description=message, advance=1)

                if existing:
                    step("removing the earlier demo")
                    clear_demo(store, [])
                data = generate_demo(seed=seed, days=days, end_date=last_day, scale=scale, progress=step)
                reports = load_demo(store, data, progress=step)
                step("branch office queue_log (Asterisk connector)")
                reports.append(load_branch_pbx(runtime.ingest, runtime.settings.data_dir, last_day=data.end_date,
                                               days=data.days, seed=seed))
            _print_summary(data, reports, time.perf_counter() - started, runtime.settings.data_dir)
            _print_logins(seed_demo_accounts(runtime.users, runtime.org, data.org))
            seed_demo_features(runtime)
    if serve:
        _serve(data_dir, port=port, open_browser=open_browser)


def _print_summary(data: DemoData, reports: list[LoadReport], elapsed_s: float, data_dir: Path) -> None:
    counts = data.row_counts()
    table = Table(title=f"Demo loaded into {data_dir} in {elapsed_s:.1f} s", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in counts.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    for report in reports:
        if report.file == "demo:organisation":  # dimension rows: the store inserts new ones without counting
            console.print(f"  {report.file}: {counts['agents']} agents, {counts['team_memberships']} team memberships",
                          highlight=False)
        else:
            console.print(f"  {report.summary()}", highlight=False)
    org = data.org
    console.print(
        f"{data.start_date} to {data.end_date} (UTC), seed {data.seed}: "
        f"{len(org.sites)} sites, {len(org.teams)} teams, "
        f"{len(org.agents)} agents, {len(org.queues)} queues on "
        f"{len({q.channel for q in org.queues})} channels.",
        highlight=False,
    )
    stories = [f"{a.agent_id} {a.display_name} ({a.persona.replace('_', ' ')})" for a in org.agents if a.persona]
    if stories:
        console.print("Agents to look at: " + "; ".join(stories) + ".", highlight=False)
    if data.incident_date:
        console.print(f"Tech Support had an outage on {data.incident_date}: watch its service level dip.")


def _print_logins(logins: list[DemoLogin]) -> None:
    console.print(
        "Sign in with any of these (password 'demo'): "
        + ", ".join(f"{login.username} ({login.role.replace('_', ' ')})" for login in logins) + ".",
        highlight=False, soft_wrap=True,
    )


def seed_demo_features(runtime: Runtime) -> None:
    """Goals, scorecards, appraisal comments: idempotent, so a rerun of the demo adds nothing."""
    from callboard.demo.appraisal_seed import seed_demo_comments
    from callboard.demo.calibration_seed import seed_demo_calibration
    from callboard.demo.quality_seed import seed_demo_quality
    from callboard.demo.schedule_seed import seed_demo_schedule
    from callboard.demo.forecast_seed import seed_demo_forecast
    from callboard.demo.goals_seed import seed_demo_goals
    from callboard.demo.scorecards_seed import seed_demo_scorecards

    seed_demo_goals(runtime)
    seed_demo_scorecards(runtime)
    seed_demo_comments(runtime)
    seed_demo_quality(runtime)
    seed_demo_calibration(runtime)  # after the quality seed: it scores with the published forms
    seed_demo_forecast(runtime)
    seed_demo_schedule(runtime)


def _serve(data_dir: Path | None, *, port: int | None, open_browser: bool) -> None:
    from callboard.cli.serve_cmd import serve as serve_command  # uvicorn and the web app: load on use

    serve_command(data_dir=data_dir, port=port, open_browser=open_browser)
