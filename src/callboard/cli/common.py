"""Shared CLI plumbing: the --data-dir option, building the Runtime, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from callboard.core.errors import CallboardError
from callboard.core.settings import Settings, load_settings
from callboard.runtime import Runtime, build_runtime

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="CALLBOARD_DATA_DIR", help="Callboard data directory (default ~/.callboard)"),
]


def settings_for(data_dir: Path | None) -> Settings:
    return load_settings(data_dir)


@contextmanager
def open_runtime(data_dir: Path | None) -> Iterator[Runtime]:
    runtime = build_runtime(settings_for(data_dir))
    try:
        yield runtime
    finally:
        runtime.close()


def friendly_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a CallboardError into one line on stderr and exit code 1, never a traceback."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CallboardError as exc:
            err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            sys.exit(1)

    return wrapper
