"""What every analytics store offers the layers above: Ibis tables and the engine's name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from callboard.records.batch import Cursor, LoadBatch, LoadReport


class AnalyticsStore(Protocol):
    """The engine boundary. Metrics see only Ibis tables; loads go through `load` where supported."""

    backend_name: str

    def table(self, name: str) -> ir.Table: ...

    def execute(self, expr: ir.Expr) -> object: ...

    def to_sql(self, expr: ir.Expr) -> str: ...

    def load(self, batch: LoadBatch, *, batch_id: str | None = None) -> LoadReport: ...

    def read_cursor(self, connector: str, stream: str) -> Cursor | None: ...

    def identity_rows(self, source: str | None = None) -> list[tuple[str, str, str]]: ...

    def known_agent_ids(self) -> set[str]: ...

    def map_identities(self, rows: list[tuple[str, str, str]]) -> int: ...

    def replace_table(self, name: str, table: pa.Table) -> None: ...

    def close(self) -> None: ...


class IbisTables:
    """The reading half both stores share: canonical tables by name from an Ibis connection `con`."""

    con: Any

    def table(self, name: str) -> ir.Table:
        from callboard.core.errors import InvalidInput
        from callboard.records.schemas import TABLES

        if name not in TABLES:
            raise InvalidInput(f"unknown analytics table '{name}'", hint=f"tables: {', '.join(TABLES)}")
        return self.con.table(name)  # type: ignore[no-any-return]

    def execute(self, expr: ir.Expr) -> object:
        return self.con.execute(expr)
