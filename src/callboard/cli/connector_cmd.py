"""`callboard ingest <connector> FILE...` for every connector, built from its declared options;
`callboard connectors list`; `callboard identities ...`."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from callboard.cli.common import DataDir, console, err_console, friendly_errors, open_runtime, settings_for
from callboard.cli.ingest_cmd import Examples, print_report
from callboard.cli.render import print_table
from callboard.cli.remote import RemoteCallboard
from callboard.ingest import connector_run
from callboard.ingest.connector import Connector, ConnectorOption, OptionValue
from callboard.ingest.registry import connectors
from callboard.records.batch import LoadReport
from callboard.runtime.server_file import running_server

connectors_app = typer.Typer(help="The sources Callboard can load.", no_args_is_help=True)
identities_app = typer.Typer(help="Tie source identities (PJSIP/1001, an ARN, a userId) to agents.",
                             no_args_is_help=True)

_TYPES: dict[str, Any] = {"str": str | None, "int": int | None, "float": float | None, "bool": bool, "path": Path | None}


def _flag(option: ConnectorOption) -> str:
    return "--" + option.name.replace("_", "-")


def _param(option: ConnectorOption) -> inspect.Parameter:
    names = [_flag(option)] if option.kind != "bool" else [f"{_flag(option)}/--no-{_flag(option)[2:]}"]
    default = option.default if option.kind == "bool" else option.default
    return inspect.Parameter(
        "opt_" + option.name, inspect.Parameter.KEYWORD_ONLY, default=bool(default) if option.kind == "bool" else default,
        annotation=Annotated[_TYPES[option.kind], typer.Option(*names, help=option.help)],
    )


def _command_for(connector: Connector) -> Callable[..., None]:
    def command(**kwargs: Any) -> None:
        options = {o.name: kwargs["opt_" + o.name] for o in connector.options}
        run(connector, kwargs["files"], options=options, source=kwargs["source"],
            follow=kwargs.get("follow", False), data_dir=kwargs["data_dir"])

    params = [
        inspect.Parameter("files", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[
            list[Path], typer.Argument(metavar="FILE", help="Files to load.", show_default=False)]),
        *(_param(o) for o in connector.options),
        inspect.Parameter("source", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
            str | None, typer.Option("--source", help=f"Source name stored with every row (default {connector.default_source}).")]),
        inspect.Parameter("data_dir", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DataDir),
    ]
    if connector.follows:
        params.append(inspect.Parameter("follow", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
            bool, typer.Option("--follow", help="Keep tailing the files and load new lines as they arrive (Ctrl-C stops).")]))
    wrapped = friendly_errors(command)
    wrapped.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    wrapped.__doc__ = f"{connector.summary} A valid record: {connector.valid_record}"
    return wrapped


def register(ingest_app: typer.Typer) -> None:
    for name, connector in connectors().items():
        ingest_app.command(name)(_command_for(connector))


def run(connector: Connector, files: list[Path], *, options: dict[str, OptionValue], source: str | None,
        follow: bool, data_dir: Path | None) -> None:
    if follow:
        connector_run.check_follow(connector, files)  # before anything loads (a .gz queue_log cannot grow)
    handle = running_server(settings_for(data_dir).data_dir)
    if handle is not None:
        console.print(f"callboard serve holds this data directory: loading through it ({handle.url})", soft_wrap=True)
        _run_remote(RemoteCallboard(handle), connector, files, options=options, source=source, follow=follow)
        return
    with open_runtime(data_dir) as runtime:
        service = runtime.ingest
        for path in files:
            print_report(service, _with_progress(path, lambda p: service.ingest(
                connector.name, [path], options=options, source=source, progress=p)))
        if follow:
            console.print(f"following {', '.join(map(str, files))}: new lines load as they arrive (Ctrl-C stops)",
                          soft_wrap=True)
            stop = threading.Event()
            try:
                service.follow(connector.name, files, options=options, source=source,
                               on_report=lambda r: print_report(service, r), stop=stop)
            except KeyboardInterrupt:
                stop.set()


def _run_remote(remote: RemoteCallboard, connector: Connector, files: list[Path], *,
                options: dict[str, OptionValue], source: str | None, follow: bool) -> None:
    plain = {k: (str(v) if isinstance(v, Path) else v) for k, v in options.items()}
    for path in files:
        for report, examples in remote.ingest(connector.name, [path], options=plain, source=source):
            print_report(Examples(examples), report)
    stop = threading.Event()
    try:
        while follow and not stop.wait(0.5):
            for report, examples in remote.ingest(connector.name, files, options=plain, source=source, only_new=True):
                print_report(Examples(examples), report)
    except KeyboardInterrupt:
        stop.set()


def _with_progress(path: Path, load: Callable[[Callable[[int, int], None] | None], list[LoadReport]]) -> LoadReport:
    if not console.is_terminal:
        return load(None)[0]
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"{path.name}: reading", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, 1))

        return load(update)[0]


@connectors_app.command("list")
@friendly_errors
def list_connectors() -> None:
    """Every connector, its default source name, --follow support and options."""
    table = Table("connector", "source", "follow", "options", "a valid record", show_lines=True)
    for name, connector in sorted(connectors().items()):
        opts = "\n".join(f"{_flag(o)} ({o.kind}): {o.help}" for o in connector.options) or "-"
        table.add_row(name, connector.default_source, "yes" if connector.follows else "no", opts,
                      connector.valid_record)
    table.add_row("csv", "csv", "no", "--mapping (path): YAML column mapping", "a row whose mapped fields all parse")
    print_table(console, table)


@identities_app.command("list")
@friendly_errors
def list_identities(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    data_dir: DataDir = None,
) -> None:
    """The identity map: source, source identity, agent id."""
    with open_runtime(data_dir) as runtime:
        rows = runtime.ingest.identities(source)
    table = Table("source", "source identity", "agent")
    for row in rows:
        table.add_row(*row)
    if rows:
        print_table(console, table)
    else:
        console.print("no identity mappings yet (callboard identities map SOURCE IDENTITY AGENT)")


@identities_app.command("map")
@friendly_errors
def map_identity(
    source: Annotated[str, typer.Argument(help="Source name, e.g. asterisk.")],
    identity: Annotated[str, typer.Argument(help="The identity as the source writes it, e.g. PJSIP/1001.")],
    agent_id: Annotated[str, typer.Argument(help="The Callboard agent id.")],
    data_dir: DataDir = None,
) -> None:
    """Tie one source identity to an agent; rows already loaded under it move to the agent."""
    with open_runtime(data_dir) as runtime:
        outcome = runtime.ingest.map_identities([(source, identity, agent_id)])
    console.print(f"{source} {identity} -> {agent_id}; {outcome.rows_moved} stored rows moved to the agent",
                  soft_wrap=True, highlight=False)
    _warn(outcome.warnings)


@identities_app.command("import")
@friendly_errors
def import_identities(
    file: Annotated[Path, typer.Argument(help="CSV with header source,source_identity,agent_id.")],
    data_dir: DataDir = None,
) -> None:
    """Load identity mappings from a CSV file."""
    with open_runtime(data_dir) as runtime:
        outcome = runtime.ingest.map_identities_file(file)
    console.print(f"mappings from {file} saved; {outcome.rows_moved} stored rows moved to their agents",
                  soft_wrap=True, highlight=False)
    _warn(outcome.warnings)


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", soft_wrap=True, highlight=False)
