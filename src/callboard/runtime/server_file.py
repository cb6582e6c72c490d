"""The running-server marker: while `callboard serve` holds the DuckDB file, other CLI commands
read `<data_dir>/server.json` and route their work through the server over HTTP instead.

DuckDB allows one process per database file (not even a read-only second opener), so this is how
`callboard kpi` and `callboard ingest` keep working while the dashboard runs.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SERVER_FILE = "server.json"
TOKEN_HEADER = "X-Callboard-Local-Token"


@dataclass(frozen=True)
class ServerHandle:
    url: str
    token: str
    pid: int


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(data_dir: Path) -> ServerHandle | None:
    path = data_dir / SERVER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        handle = ServerHandle(url=str(data["url"]), token=str(data["token"]), pid=int(data["pid"]))
    except (OSError, ValueError, KeyError):
        return None
    return handle if _alive(handle.pid) else None


def announce_server(data_dir: Path, url: str) -> ServerHandle:
    """Write the marker (owner-only permissions) with a fresh token the local CLI presents."""
    handle = ServerHandle(url=url, token=secrets.token_urlsafe(32), pid=os.getpid())
    path = data_dir / SERVER_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"url": handle.url, "token": handle.token, "pid": handle.pid}, fh)
    os.replace(tmp, path)
    return handle


def withdraw_server(data_dir: Path, handle: ServerHandle) -> None:
    current = running_server(data_dir)
    if current is None or current.token == handle.token:
        (data_dir / SERVER_FILE).unlink(missing_ok=True)
