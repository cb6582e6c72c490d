"""`callboard` command line: parse options, call one service, render."""

from __future__ import annotations

import typer

from callboard.cli.ingest_cmd import ingest_app

app = typer.Typer(
    name="callboard",
    help="Callboard: contact-center performance management (KPIs, goals, scorecards, QA, workforce).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(ingest_app, name="ingest")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
