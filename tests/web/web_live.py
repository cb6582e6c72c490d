"""A live Callboard server for web tests: the real app under uvicorn in a thread, on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from callboard.runtime import Runtime
from callboard.web.app import create_app
from callboard.web.context import WebContext


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    runtime: Runtime
    context: WebContext
    data_dir: Path
    cli_data_dir: Path

    def client(self, username: str = "admin", password: str = "admin-password") -> httpx.Client:
        """An API client signed in as `username` (the CSRF header is sent on every request)."""
        client = httpx.Client(base_url=self.url, timeout=120)
        return sign_in(client, username, password)

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120)


def sign_in(client: httpx.Client, username: str, password: str) -> httpx.Client:
    response = client.post("/api/v1/session", json={"username": username, "password": password})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def sign_in_page(page: object, base_url: str, username: str = "admin", password: str = "admin-password") -> None:
    """Sign in through the real login form in Chromium."""
    page.goto(base_url + "/login")  # type: ignore[attr-defined]
    page.fill('input[name="username"]', username)  # type: ignore[attr-defined]
    page.fill('input[name="password"]', password)  # type: ignore[attr-defined]
    page.click('button[type="submit"]')  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: "/login" not in url)  # type: ignore[attr-defined]


def start_server(runtime: Runtime, app: FastAPI | None = None) -> tuple[uvicorn.Server, threading.Thread, str,
                                                                        WebContext]:
    app = app or create_app(runtime)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="callboard-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}", app.state.callboard


@contextmanager
def serving(runtime: Runtime) -> Iterator[str]:
    """Serve `runtime` for the block and yield its base URL; afterwards stop the server and close the runtime."""
    server, thread, url, _ = start_server(runtime)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        runtime.close()
