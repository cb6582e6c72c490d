"""`callboard ingest ...`: load source files into the canonical store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from callboard.cli.common import DataDir, console, friendly_errors, open_runtime, settings_for
from callboard.cli.remote import RemoteCallboard
from callboard.core.errors import InvalidInput
from callboard.records.batch import LoadReport, Rejection
from callboard.runtime.server_file import running_server

ingest_app = typer.Typer(help="Load contact-center data into Callboard.", no_args_is_help=True)

BIG_FILE_BYTES = 8 << 20  # show progress from this size on
EXAMPLES = 5


@ingest_app.command("csv")
@friendly_errors
def csv_command(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="CSV or Excel (.xlsx) files to load.", show_default=False)
    ],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", "-m", help="YAML mapping (docs/csv-mapping.md). Without it one is inferred."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Source name stored with every row (overrides the mapping's).")
    ] = None,
    suggest_mapping: Annotated[
        Path | None,
        typer.Option("--suggest-mapping", help="Infer a mapping from FILE and write it here for review; load nothing."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Load contacts or per-interval statistics from CSV / Excel exports, mapped by a YAML file."""
    if suggest_mapping is not None:
        if len(files) != 1:
            raise InvalidInput("--suggest-mapping reads one file", hint="name exactly one CSV or Excel file")
        if mapping is not None:
            raise InvalidInput("give either --mapping or --suggest-mapping", hint="--suggest-mapping writes a mapping")
        with open_runtime(data_dir) as runtime:
            out = runtime.ingest.suggest_mapping(files[0], suggest_mapping, source=source)
        console.print(
            f"wrote {out}: review it, then run `callboard ingest csv {files[0]} --mapping {out}`", soft_wrap=True
        )
        return
    if mapping is None:
        console.print(
            "no --mapping given: inferring one from each file's header and sample values "
            "(write it out for review with --suggest-mapping M.yaml)",
            soft_wrap=True,
        )
    handle = running_server(settings_for(data_dir).data_dir)
    if handle is not None:
        console.print(f"callboard serve holds this data directory: loading through it ({handle.url})", soft_wrap=True)
        remote = RemoteCallboard(handle)
        for path in files:
            report, examples = remote.ingest_csv([path], mapping=mapping, source=source)
            print_report(Examples(examples), report)
        return
    with open_runtime(data_dir) as runtime:
        for path in files:
            report = _load_one(runtime.ingest, path, mapping, source)
            print_report(runtime.ingest, report)


class Examples:
    """Quarantine examples the server sent back, shaped like the service's accessor."""

    def __init__(self, examples: list[Rejection]) -> None:
        self.examples = examples

    def quarantine_examples(self, batch_id: str, limit: int) -> list[Rejection]:
        return self.examples[:limit]


def _load_one(service, path: Path, mapping: Path | None, source: str | None) -> LoadReport:  # type: ignore[no-untyped-def]
    big = path.is_file() and path.stat().st_size >= BIG_FILE_BYTES
    if big and console.is_terminal:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"{path.name}: parsing rows", total=None)

            def update(done: int, total: int) -> None:
                if total and done >= total:  # parsed: the store write has no steps to show, so pulse
                    bar.update(task, description=f"{path.name}: writing {total} rows to the store", total=None)
                else:
                    bar.update(task, completed=done, total=max(total, 1))

            return service.ingest_csv([path], mapping=mapping, source=source, progress=update)[0]

    said = False

    def note(done: int, total: int) -> None:
        nonlocal said
        if big and total and done >= total and not said:
            console.print(f"{path.name}: parsed {total} rows; writing to the store", soft_wrap=True)
            said = True

    return service.ingest_csv([path], mapping=mapping, source=source, progress=note)[0]


def print_report(service, report: LoadReport) -> None:  # type: ignore[no-untyped-def]
    console.print(report.summary(), highlight=False, markup=False, soft_wrap=True)
    if report.unmapped_identities:
        shown = ", ".join(report.unmapped_identities[:10])
        more = f" and {len(report.unmapped_identities) - 10} more" if len(report.unmapped_identities) > 10 else ""
        console.print(f"  unmapped identities (loaded under their own names): {shown}{more}; "
                      f"tie them to agents with `callboard identities map {report.source} IDENTITY AGENT`",
                      highlight=False, markup=False, soft_wrap=True)
    if report.rejected:
        for rejection in service.quarantine_examples(report.batch_id, EXAMPLES):
            where = f"line {rejection.line}" if rejection.line is not None else "?"
            field = f", {rejection.field}" if rejection.field else ""
            console.print(f"  rejected {where}{field}: {rejection.reason}", highlight=False, markup=False,
                          soft_wrap=True)
        more = report.rejected - min(report.rejected, EXAMPLES)
        tail = f" ({more} more)" if more else ""
        console.print(f"  all rejected rows are in the quarantine table, batch {report.batch_id}{tail}",
                      highlight=False, soft_wrap=True)
