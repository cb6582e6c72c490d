"""The scale-out analytics store: PySpark (local or a cluster) reading the canonical tables from Parquet.

Spark is read-only to Callboard. Loads go to DuckDB (transactional upsert) and
`DuckDBStore.export_parquet(dir)` hands the tables over; this store registers each
`<dir>/<table>.parquet` as a temporary view with the canonical schema spelled out (never inferred, and
never through Ibis's in-memory `create_table`, which turned nullable integers with NULLs into all
NULLs) and gives the metrics layer `con.table(name)`, so the same Ibis expressions run on both engines.

Timestamps are naive UTC in the canonical schema. The store's Spark session runs with
`spark.sql.session.timeZone=UTC`, so Spark's TIMESTAMP values mean the same instants as DuckDB's and
local-time buckets go through `from_utc_timestamp` (see metrics/dimensions.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from callboard.core.errors import EngineUnsupported, InvalidInput
from callboard.records.batch import Cursor, LoadBatch, LoadReport
from callboard.records.schemas import TABLES
from callboard.store.base import IbisTables

DEFAULT_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def _read_only() -> EngineUnsupported:
    return EngineUnsupported(
        "the Spark analytics store is read-only: Callboard loads into DuckDB",
        hint="ingest into DuckDB, then DuckDBStore.export_parquet(DIR) and open spark://local?parquet=DIR",
    )


def spark_type(arrow_type: pa.DataType) -> Any:
    """The Spark SQL type for one canonical Arrow type."""
    from pyspark.sql import types as st

    if pa.types.is_string(arrow_type):
        return st.StringType()
    if pa.types.is_int32(arrow_type):
        return st.IntegerType()
    if pa.types.is_int64(arrow_type):
        return st.LongType()
    if pa.types.is_float64(arrow_type):
        return st.DoubleType()
    if pa.types.is_boolean(arrow_type):
        return st.BooleanType()
    if pa.types.is_timestamp(arrow_type):
        return st.TimestampType()
    raise InvalidInput(f"no Spark type for canonical Arrow type {arrow_type}")


def spark_schema(schema: pa.Schema) -> Any:
    """A Spark StructType with the canonical column names and types (every column nullable)."""
    from pyspark.sql import types as st

    # Columns are read as nullable: Spark's Parquet reader does not enforce NOT NULL anyway and a
    # non-nullable field in a read schema is silently relaxed; the loader already validated them.
    return st.StructType([st.StructField(f.name, spark_type(f.type), True) for f in schema])


def local_session(*, app_name: str = "callboard", master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """A local SparkSession configured for Callboard (UTC session time zone, no UI)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name).master(master or "local[*]")
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkStore(IbisTables):
    """Canonical tables as Spark temporary views over Parquet files, queried through Ibis.

    `session`: an existing SparkSession to share (tests use one per run). The store works in its own
    child session (`newSession()`: same SparkContext, its own temporary views and SQL settings), so
    two stores over different directories never see each other's views. `close()` drops the views;
    it stops Spark only if this store started it.
    """

    backend_name = "pyspark"

    def __init__(self, parquet_dir: Path | str, session: Any | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EngineUnsupported(
                "the Spark analytics store needs PySpark", hint="install callboard[spark] (pyspark 4.0.x) and Java 17"
            ) from exc
        self.parquet_dir = Path(parquet_dir)
        if not self.parquet_dir.is_dir():
            raise InvalidInput(
                f"Spark Parquet directory {self.parquet_dir} does not exist",
                hint="write it with DuckDBStore.export_parquet(dir) (one <table>.parquet per canonical table)",
            )
        self._owns_spark = session is None and SparkSession.getActiveSession() is None
        root = session if session is not None else local_session()
        self.session = root.newSession()
        self.session.conf.set("spark.sql.session.timeZone", "UTC")
        self.con = ibis.pyspark.connect(self.session)
        self._views: list[str] = []
        for name, schema in TABLES.items():
            self._register(name, schema)

    def _register(self, name: str, schema: pa.Schema) -> None:
        struct = spark_schema(schema)
        path = self.parquet_dir / f"{name}.parquet"
        if path.exists():
            frame = self.session.read.schema(struct).parquet(str(path))
        else:
            frame = self.session.createDataFrame([], struct)
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    # -- the AnalyticsStore protocol -----------------------------------------------------------
    def to_pyarrow(self, expr: ir.Expr) -> pa.Table:
        """Rows as Arrow in the expression's schema, timestamps as naive UTC (as on DuckDB).

        Goes through Spark's own Arrow export (`DataFrame.toArrow`), not pandas, so integer columns
        with NULLs stay integers and no value depends on the Python process's local time zone.
        """
        table_expr = expr.as_table()
        frame = self.session.sql(self.con.compile(table_expr))
        target = table_expr.schema().to_pyarrow()
        got = frame.toArrow()
        columns = []
        for field in target:
            column = got.column(field.name)
            if pa.types.is_timestamp(column.type) and column.type.tz is not None:
                column = column.cast(pa.timestamp(column.type.unit))  # UTC instants -> naive UTC
            columns.append(column.cast(field.type))
        return pa.Table.from_arrays(columns, schema=target)

    def to_sql(self, expr: ir.Expr) -> str:
        return str(ibis.to_sql(expr, dialect="pyspark"))

    def load(self, batch: LoadBatch, *, batch_id: str | None = None) -> LoadReport:
        raise _read_only()

    def read_cursor(self, connector: str, stream: str) -> Cursor | None:
        raise _read_only()

    def identity_rows(self, source: str | None = None) -> list[tuple[str, str, str]]:
        raise _read_only()

    def known_agent_ids(self) -> set[str]:
        raise _read_only()

    def map_identities(self, rows: list[tuple[str, str, str]]) -> int:
        raise _read_only()

    def replace_table(self, name: str, table: pa.Table) -> None:
        raise _read_only()

    def close(self) -> None:
        for name in self._views:
            self.session.catalog.dropTempView(name)
        self._views.clear()
        if self._owns_spark:
            self.session.stop()
            self._owns_spark = False

