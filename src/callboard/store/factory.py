"""Open the analytics store named by a settings URL: duckdb:///file (default) or spark://local?parquet=DIR."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from callboard.core.errors import InvalidInput
from callboard.store.base import AnalyticsStore


def open_analytics_store(url: str, *, read_only: bool = False) -> AnalyticsStore:
    parsed = urlparse(url)
    if parsed.scheme == "duckdb":
        from callboard.store.duckdb_store import DuckDBStore

        path = url[len("duckdb://") :]
        if path.startswith("/") and path != "/:memory:":
            return DuckDBStore(Path("/" + path.lstrip("/")), read_only=read_only)  # duckdb:////tmp/x: not //tmp/x
        return DuckDBStore(":memory:")
    if parsed.scheme == "spark":
        from callboard.store.spark_store import SparkStore

        parquet = parse_qs(parsed.query).get("parquet", [None])[0]
        if not parquet:
            raise InvalidInput(f"Spark URL '{url}' names no Parquet directory", hint="use spark://local?parquet=/path")
        return SparkStore(Path(parquet))
    raise InvalidInput(
        f"unsupported analytics store URL '{url}'",
        hint="use duckdb:///path/analytics.duckdb or spark://local?parquet=/path/to/parquet",
    )
