"""Web test fixtures: a sample data dir, a copy for the CLI, and the real app under uvicorn on a free port."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest

from callboard.core.settings import load_settings
from callboard.runtime import build_runtime
from tests.web.web_live import LiveServer, start_server
from tests.web.web_sample_data import fill_data_dir


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app under uvicorn on the sample data; the CLI gets its own copy (DuckDB: one process per file)."""
    data_dir = fill_data_dir(tmp_path_factory.mktemp("web-data"))
    cli_data_dir = tmp_path_factory.mktemp("cli-data") / "data"
    shutil.copytree(data_dir, cli_data_dir)
    runtime = build_runtime(load_settings(data_dir))
    server, thread, url, context = start_server(runtime)
    try:
        yield LiveServer(url, runtime, context, data_dir, cli_data_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        runtime.close()


@pytest.fixture()
def client(live_server: LiveServer) -> Iterator[httpx.Client]:
    c = live_server.client()
    try:
        yield c
    finally:
        c.close()
