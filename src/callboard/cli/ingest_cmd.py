"""`callboard ingest ...`: load source files into the canonical store."""

from __future__ import annotations

import typer

ingest_app = typer.Typer(help="Load contact-center data into Callboard.", no_args_is_help=True)
