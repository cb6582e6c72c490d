"""`require_local_token`: endpoints for the local CLI only answer with the token `callboard serve` announced."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import Depends

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime
from callboard.runtime.server_file import TOKEN_HEADER
from callboard.web.app import create_app
from callboard.web.context import require_local_token
from tests.web.web_live import start_server


def test_local_only_endpoint(tmp_path: Path) -> None:
    with build_runtime(load_settings(tmp_path / "data")) as runtime:
        app = create_app(runtime)

        @app.post("/api/v1/local/ping", dependencies=[Depends(require_local_token)])
        def ping() -> dict[str, str]:
            return {"pong": "yes"}

        server, thread, url, context = start_server(runtime, app)
        try:
            before = httpx.post(f"{url}/api/v1/local/ping", headers={TOKEN_HEADER: "guess"}, timeout=60)
            context.local_token = "s3cret"
            missing = httpx.post(f"{url}/api/v1/local/ping", timeout=60)
            wrong = httpx.post(f"{url}/api/v1/local/ping", headers={TOKEN_HEADER: "guess"}, timeout=60)
            right = httpx.post(f"{url}/api/v1/local/ping", headers={TOKEN_HEADER: "s3cret"}, timeout=60)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
    for refused in (before, missing, wrong):  # no token set yet (not under `serve`), none sent, a wrong one
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
        assert TOKEN_HEADER in refused.json()["error"]["hint"]
    assert right.status_code == 200 and right.json() == {"pong": "yes"}
