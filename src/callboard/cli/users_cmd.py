"""`callboard users ...`: the first admin and everyone after (works while `callboard serve` runs)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from callboard.cli.common import DataDir, console, friendly_errors, settings_for
from callboard.core.errors import InvalidInput
from callboard.core.viewer import LOCAL_OWNER, ROLES
from callboard.runtime import user_admin

users_app = typer.Typer(help="Users and roles (agent, supervisor, qa_analyst, planner, manager, admin).",
                        no_args_is_help=True)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("password", hide_input=True)
    if typer.prompt("repeat it", hide_input=True) != first:
        raise InvalidInput("the two passwords differ", hint="type the same password twice")
    return str(first)


@users_app.command("create")
@friendly_errors
def create(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    admin: Annotated[bool, typer.Option("--admin", help="Make an administrator (the first user).")] = False,
    role: Annotated[str | None, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")] = None,
    agent_id: Annotated[str | None, typer.Option("--agent-id", help="For agents: their id in the data (a001).")] = None,
    site: Annotated[str | None, typer.Option("--site", help="For managers: the site they run.")] = None,
    display_name: Annotated[str | None, typer.Option("--name", help="Name shown on pages.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Create a user; asks for the password twice (at least 8 characters), stored as an argon2 hash."""
    if admin and role not in (None, "admin"):
        raise InvalidInput("--admin and --role disagree", hint="drop one of them")
    chosen = "admin" if admin else role
    if chosen is None:
        raise InvalidInput("give --admin or --role ROLE", hint=f"roles: {', '.join(ROLES)}")
    password = _password(password_stdin)
    with user_admin(settings_for(data_dir)) as users:
        info = users.create_user(LOCAL_OWNER, username=username, password=password, role=chosen,
                                 display_name=display_name, agent_id=agent_id, site_id=site)
    console.print(f"created {info.role} '{info.username}' (user {info.id})", highlight=False, soft_wrap=True)


@users_app.command("list")
@friendly_errors
def list_users(data_dir: DataDir = None) -> None:
    """Every user with role, agent id, site and whether the account is locked."""
    with user_admin(settings_for(data_dir)) as users:
        rows = users.users(LOCAL_OWNER)
    table = Table("user", "name", "role", "agent", "site", "state")
    for u in rows:
        state = "locked" if u.locked else ("active" if u.active else "disabled")
        table.add_row(u.username, u.display_name, u.role, u.agent_id or "", u.site_id or "", state)
    console.print(table if rows else "no users yet: callboard users create NAME --admin")
