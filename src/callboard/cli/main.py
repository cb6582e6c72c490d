"""`callboard` command line: parse options, call one service, render."""

from __future__ import annotations

import typer

from callboard.cli.connector_cmd import connectors_app, identities_app, register
from callboard.cli.demo_cmd import demo
from callboard.cli.erlang_cmd import erlang
from callboard.cli.ingest_cmd import ingest_app
from callboard.cli.kpi_cmd import kpi_app, metrics_app
from callboard.cli.quality_cmd import reconcile
from callboard.cli.serve_cmd import serve
from callboard.cli.users_cmd import users_app

app = typer.Typer(
    name="callboard",
    help="Callboard: contact-center performance management (KPIs, goals, scorecards, QA, workforce).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
register(ingest_app)
app.add_typer(ingest_app, name="ingest")
app.add_typer(connectors_app, name="connectors")
app.add_typer(identities_app, name="identities")
app.add_typer(users_app, name="users")
app.add_typer(kpi_app, name="kpi")
app.add_typer(metrics_app, name="metrics")
app.command()(demo)
app.command("serve")(serve)
app.command("erlang")(erlang)
app.command("reconcile")(reconcile)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
