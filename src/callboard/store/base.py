"""What every analytics store offers the layers above: Ibis tables and the engine's name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from callboard.records.batch import LoadBatch, LoadReport


class AnalyticsStore(Protocol):
    """The engine boundary. Metrics see only Ibis tables; loads go through `load` where supported."""

    backend_name: str

    def table(self, name: str) -> ir.Table: ...

    def execute(self, expr: ir.Expr) -> object: ...

    def to_sql(self, expr: ir.Expr) -> str: ...

    def load(self, batch: LoadBatch, *, batch_id: str | None = None) -> LoadReport: ...

    def close(self) -> None: ...
