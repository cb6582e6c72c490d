"""`callboard serve`: the web app (overview page + JSON API) on one data directory.

While it runs it holds the DuckDB file, so it announces itself in `<data_dir>/server.json` (URL and a
fresh local token) once it accepts connections; other CLI commands on the same data directory then
talk to it over HTTP. The marker is withdrawn when the server stops.
"""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from pathlib import Path
from typing import Annotated, Any

import typer

from callboard.cli.common import DataDir, console, friendly_errors, open_runtime
from callboard.core.errors import Conflict
from callboard.runtime.server_file import ServerHandle, announce_server, withdraw_server


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise Conflict(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                           hint="another server holds the port; pick another with --port") from exc


def _when_started(server: Any, action: Any) -> None:
    """Run `action()` in a thread as soon as uvicorn accepts connections (after the warm-up)."""

    def wait() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        action()

    threading.Thread(target=wait, name="callboard-serve-started", daemon=True).start()


@friendly_errors
def serve(
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option("--host", help="Interface to listen on (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option("--port", "-p", help="Port (default 8765)")] = None,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the overview in a browser")] = False,
    follow_queue_log: Annotated[
        Path | None, typer.Option("--follow-queue-log", help="Tail an Asterisk queue_log: loads it and feeds the live wallboard")
    ] = None,
) -> None:
    """Serve the overview page and the JSON API: `callboard serve --port 8765 --open`."""
    import uvicorn

    from callboard.web.api.wallboard import start_queue_log_follower
    from callboard.web.app import create_app

    with open_runtime(data_dir) as runtime:
        settings = runtime.settings
        bind_host = host or settings.host
        bind_port = port if port is not None else settings.port
        _check_port_free(bind_host, bind_port)
        app = create_app(runtime)
        if follow_queue_log is not None:
            start_queue_log_follower(app, follow_queue_log)
        local_host = "127.0.0.1" if bind_host in ("0.0.0.0", "::", "") else bind_host
        local_url = f"http://{local_host}:{bind_port}"
        shown = f"http://{'localhost' if local_host == '127.0.0.1' else local_host}:{bind_port}/"
        server = uvicorn.Server(uvicorn.Config(app, host=bind_host, port=bind_port, log_level="warning",
                                               timeout_graceful_shutdown=3))
        handles: list[ServerHandle] = []

        def started() -> None:
            handle = announce_server(settings.data_dir, local_url)
            app.state.callboard.local_token = handle.token
            handles.append(handle)
            console.print(f"Callboard on [bold]{shown}[/bold]  (API reference {shown}docs, data "
                          f"{settings.data_dir}); Ctrl+C stops it", highlight=False)
            if open_browser:
                webbrowser.open(shown)

        console.print(f"Starting Callboard on {shown} (warming up the analytics engine)...", highlight=False)
        _when_started(server, started)
        try:
            server.run()
        except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled; stopping is the normal way out
            pass
        finally:
            runtime.wallboard.stop_followers()
            for handle in handles:
                withdraw_server(settings.data_dir, handle)
