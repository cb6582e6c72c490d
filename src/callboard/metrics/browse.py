"""Browsing the data through the KPI service: which days hold data, which values a dimension takes.

Pages and the API use these to fill period defaults and filter dropdowns without building queries
themselves; every answer is an ordinary `KpiService.query`, so it sees exactly what the KPIs see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from callboard.core.viewer import Viewer
from callboard.core.errors import InvalidInput
from callboard.metrics.dimensions import TIME, canonical
from callboard.metrics.names import display_names, queue_names
from callboard.metrics.service import KpiService

# A day or a value "has data" when it has any queue entry or handled segment. (`contacts` would also
# see bot-only contacts, but its fact computes FCR repeat windows over all contacts: 10x slower.)
PRESENCE_METRICS = ("offered", "handled")


@dataclass(frozen=True)
class DataSpan:
    """First and last day (organisation time zone) with any queue entry or handled segment."""

    first_day: dt.date | None
    last_day: dt.date | None
    days_with_data: int

    def last_days(self, days: int) -> tuple[dt.date | None, dt.date | None]:
        """The `days` days ending on the last day with data (inclusive), clipped to the first day."""
        if self.last_day is None:
            return None, None
        start = self.last_day - dt.timedelta(days=days - 1)
        if self.first_day is not None and start < self.first_day:
            start = self.first_day
        return start, self.last_day


def _present(row: dict[str, object]) -> bool:
    return any(isinstance(row.get(m), (int, float)) and row[m] for m in PRESENCE_METRICS)  # type: ignore[operator]


class KpiBrowser:
    """Read-only questions about the data, answered with the same `KpiService` the KPIs use."""

    def __init__(self, kpi: KpiService) -> None:
        self.kpi = kpi

    def data_span(self, *, where: dict[str, list[str]] | None = None, viewer: Viewer | None = None) -> DataSpan:
        result = self.kpi.query(metrics=list(PRESENCE_METRICS), by=["day"], where=where, viewer=viewer)
        days = sorted(row["day"] for row in result.rows if row.get("day") is not None and _present(row))
        parsed = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in days]
        return DataSpan(parsed[0] if parsed else None, parsed[-1] if parsed else None, len(parsed))

    def dimension_options(self, dimensions: list[str] | tuple[str, ...], *, from_date: str | dt.date | None = None,
                          to_date: str | dt.date | None = None,
                          where: dict[str, list[str]] | None = None,
                          viewer: Viewer | None = None) -> dict[str, tuple[str, ...]]:
        """Values of several non-time dimensions in ONE query (grouped by all of them), keyed as requested."""
        dims = [self._value_dimension(d) for d in dimensions]
        if not dims:
            return {}
        result = self.kpi.query(metrics=list(PRESENCE_METRICS), by=list(dict.fromkeys(dims)), from_date=from_date,
                                to_date=to_date, where=where, viewer=viewer)
        present = [row for row in result.rows if _present(row)]
        return {
            requested: tuple(sorted({str(r[dim]) for r in present if r.get(dim) is not None}, key=str.casefold))
            for requested, dim in zip(dimensions, dims, strict=True)
        }

    @staticmethod
    def _value_dimension(dimension: str) -> str:
        dim = canonical(dimension)
        if dim in TIME:
            raise InvalidInput(f"dimension '{dimension}' is a time bucket, not a list of values",
                               hint="ask for one of: agent, team, queue, channel, topic, direction")
        return dim

    def dimension_values(self, dimension: str, *, from_date: str | dt.date | None = None,
                         to_date: str | dt.date | None = None,
                         where: dict[str, list[str]] | None = None, viewer: Viewer | None = None) -> tuple[str, ...]:
        """Distinct non-null values of a non-time dimension with any volume in the period, sorted."""
        dim = self._value_dimension(dimension)
        result = self.kpi.query(metrics=list(PRESENCE_METRICS), by=[dim], from_date=from_date, to_date=to_date,
                                where=where, viewer=viewer)
        values = {str(row[dim]) for row in result.rows if row.get(dim) is not None and _present(row)}
        return tuple(sorted(values, key=str.casefold))

    def queue_names(self) -> dict[str, str]:
        """queue_id -> display name (see `queue_names`). Not personal data: every viewer of KPIs may see them."""
        return queue_names(self.kpi.store)

    def agent_names(self, viewer: Viewer | None = None) -> dict[str, str]:
        """agent_id -> display name, for agents whose source gave one (the `agents` table) and the viewer sees."""
        if viewer is not None and viewer.aggregates_only:
            return {}
        records = display_names(self.kpi.store, "agents", "agent_id")
        return {str(r["agent_id"]): str(r["display_name"]) for r in records
                if r.get("display_name") and (viewer is None or viewer.sees_agent(str(r["agent_id"])))}
