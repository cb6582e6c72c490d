"""The Runtime every edge (CLI, web) builds and hands to the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from callboard.core.settings import Settings, make_data_dir
from callboard.store.base import AnalyticsStore
from callboard.store.factory import open_analytics_store

if TYPE_CHECKING:
    from callboard.org.users import UserService


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

        settings = self.settings
        fallback = {"service_level_threshold_s": float(settings.service_level_threshold_s),
                    "short_abandon_s": float(settings.short_abandon_s)}
        return KpiService(store=self.store, catalog=self.catalog, settings=settings,
                          org_rules=lambda: self.org_settings.kpi_rules(fallback))

    @cached_property
    def app_db(self):  # type: ignore[no-untyped-def]
        from callboard.store.appdb.engine import open_app_db

        return open_app_db(self.settings.resolved_app_db_url())

    @cached_property
    def users(self):  # type: ignore[no-untyped-def]
        from callboard.org.users import UserService

        return UserService(self.app_db)

    @cached_property
    def org(self):  # type: ignore[no-untyped-def]
        from callboard.org.org import OrgService

        return OrgService(self.app_db, self.store)

    # Domain services (each module owns its rules; see DESIGN.md layers).
    @cached_property
    def org_settings(self):  # type: ignore[no-untyped-def]
        from callboard.org.settings_service import OrgSettingsService

        return OrgSettingsService(self.app_db, self.catalog)

    @cached_property
    def goals(self):  # type: ignore[no-untyped-def]
        from callboard.goals.service import GoalService

        return GoalService(self.app_db, self.kpi, self.org, self.org_settings)

    @cached_property
    def scorecards(self):  # type: ignore[no-untyped-def]
        from callboard.scorecards.service import ScorecardService

        service = ScorecardService(self.app_db, self.kpi, self.org)
        # The QA slot: quality and scorecards are sibling layers, so the runtime hands one to the other.
        service.qa_scores = lambda ids, period: self.quality.qa_scores_for_agents(ids, period.start, period.end)
        return service

    @cached_property
    def wallboard(self):  # type: ignore[no-untyped-def]
        from callboard.wallboard.service import WallboardService

        return WallboardService(self.store, self.settings, kpi=self.kpi, org_settings=self.org_settings)

    @cached_property
    def appraisal(self):  # type: ignore[no-untyped-def]
        from callboard.appraisal.service import AppraisalService

        return AppraisalService(self)

    @cached_property
    def quality(self):  # type: ignore[no-untyped-def]
        from callboard.quality.service import QualityService

        return QualityService(self.app_db, self.store, self.kpi, self.org)

    @cached_property
    def calibration(self):  # type: ignore[no-untyped-def]
        from callboard.quality.calibration_service import CalibrationService

        return CalibrationService(self.app_db, self.org)

    @cached_property
    def sampling(self):  # type: ignore[no-untyped-def]
        from callboard.quality.sampling_service import SamplingService

        return SamplingService(self.app_db, self.store, self.org)

    @cached_property
    def forecasting(self):  # type: ignore[no-untyped-def]
        from callboard.workforce.forecast_service import ForecastService

        return ForecastService(self.app_db, self.store, self.kpi, self.settings)

    @cached_property
    def schedules(self):  # type: ignore[no-untyped-def]
        from callboard.workforce.schedule_service import ScheduleService

        return ScheduleService(self.app_db, self.store, self.settings, self.org, forecasting=self.forecasting)

    def close(self) -> None:
        if not self._closed:
            if "app_db" in self.__dict__:
                self.app_db.close()
            self.store.close()
            self._closed = True

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build_runtime(settings: Settings) -> Runtime:
    make_data_dir(settings.data_dir)
    return Runtime(settings=settings, store=open_analytics_store(settings.resolved_analytics_url()))


@contextmanager
def user_admin(settings: Settings) -> Iterator[UserService]:
    """The user service alone (app database only), for `callboard users` while `serve` holds the DuckDB file."""
    from callboard.org.users import UserService
    from callboard.store.appdb.engine import open_app_db

    make_data_dir(settings.data_dir)
    db = open_app_db(settings.resolved_app_db_url())
    try:
        yield UserService(db)
    finally:
        db.close()
