"""The Runtime every edge (CLI, web) builds and hands to the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from callboard.core.settings import Settings
from callboard.store.base import AnalyticsStore
from callboard.store.factory import open_analytics_store


@dataclass
class Runtime:
    settings: Settings
    store: AnalyticsStore
    _closed: bool = field(default=False, repr=False)

    @cached_property
    def ingest(self):  # type: ignore[no-untyped-def]
        from callboard.ingest.service import IngestService

        return IngestService(store=self.store, settings=self.settings)

    @cached_property
    def catalog(self):  # type: ignore[no-untyped-def]
        from callboard.metrics.catalog import Catalog

        return Catalog.load([self.settings.data_dir / "metrics"])

    @cached_property
    def kpi(self):  # type: ignore[no-untyped-def]
        from callboard.metrics.service import KpiService

        return KpiService(store=self.store, catalog=self.catalog, settings=self.settings)

    def close(self) -> None:
        if not self._closed:
            self.store.close()
            self._closed = True

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build_runtime(settings: Settings) -> Runtime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Runtime(settings=settings, store=open_analytics_store(settings.resolved_analytics_url()))
