"""A throwaway PostgreSQL cluster for the app-database tests (DESIGN: PostgreSQL is tested against a real server).

`pg_url` (session scope) runs `initdb` + `pg_ctl start` in a fresh `mkdtemp` directory on a free port and
stops and removes it at the end of the run (about 1 s). initdb refuses to run as root, so as root the
directory is chowned to `postgres` and both commands run through `runuser -u postgres`. With `CI=true`
a cluster that cannot start fails the run; locally the PostgreSQL tests are skipped only when initdb is
not installed (scripts/setup.sh installs it).

Use it from a test module with `from tests.postgres_fixture import pg_url  # noqa: F401`, and
`fresh_pg_database(pg_url)` for an empty database per test.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import in_ci

START_TIMEOUT_S = 30
# Durability off: the cluster lives for one test run.
SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1"


def find_pg_binary(name: str) -> Path | None:
    """`name` on PATH, else from Debian's /usr/lib/postgresql/<version>/bin (newest version)."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(candidates[-1]) if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    """Root must hand the command to the postgres user (initdb: 'cannot be run as root')."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_as_postgres(command), capture_output=True, text=True, timeout=START_TIMEOUT_S,
                          check=False)


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a cluster and yield its SQLAlchemy URL (psycopg 3); raise RuntimeError if it cannot start."""
    initdb, pg_ctl = find_pg_binary("initdb"), find_pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise FileNotFoundError("initdb/pg_ctl not found")
    root = Path(tempfile.mkdtemp(prefix="callboard-pg-"))
    data, log = root / "data", root / "server.log"
    started = False
    try:
        if os.geteuid() == 0:
            shutil.chown(root, user="postgres", group="postgres")
        done = _run([str(initdb), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                     "--no-sync"])
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        port = _free_port()
        done = _run([str(pg_ctl), "-D", str(data), "-l", str(log), "-w", "-t", str(START_TIMEOUT_S),
                     "-o", f"-p {port} -k {root} {SERVER_OPTIONS}", "start"])
        if done.returncode != 0:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed ({done.returncode}): {done.stderr.strip()}\n{server_log}")
        started = True
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            _run([str(pg_ctl), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of the maintenance database `postgres` on a throwaway cluster for this test run."""
    if find_pg_binary("initdb") is None:
        if in_ci():
            pytest.fail("CI=true but PostgreSQL's initdb is not installed (scripts/setup.sh installs postgresql)")
        pytest.skip("PostgreSQL (initdb) is not installed: PostgreSQL tests skipped (they run in CI)")
    try:
        cluster = throwaway_cluster()
        url = cluster.__enter__()
    except Exception as exc:  # noqa: BLE001 - initdb is present, so this is a real failure
        pytest.fail(f"could not start a throwaway PostgreSQL cluster: {type(exc).__name__}: {exc}")
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


@contextmanager
def fresh_pg_database(server_url: str) -> Iterator[str]:
    """An empty database on the cluster for one test, dropped afterwards; yields its SQLAlchemy URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
