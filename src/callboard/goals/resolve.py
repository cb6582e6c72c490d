"""Bind a goal's metric to one catalog definition: the organisation's default variant, and for a queue or
channel goal the service-level threshold and short-abandon time from the settings (`thresholds_for`).

A goal over an agent, a team, a site or the centre spans queues and channels, so it leaves those two
thresholds to the settings, as the dashboards do: each chat is counted against chat's 45 s and each call
against 20 s (metrics/org_rules.py), and the goal's figure is the one the team sees on its pages. Other
settings (the FCR window, the survey window) are fixed in the goal's metric when it is created."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from callboard.core.errors import NotFound
from callboard.metrics.catalog import ResolvedMetric
from callboard.metrics.org_rules import PER_ROW_SETTINGS
from callboard.org.settings_service import OrgSettingsService

THRESHOLD_SETTINGS = ("service_level_threshold_s", "short_abandon_s")


def settings_values(kpi: Any) -> dict[str, float]:
    s = kpi.settings
    return {"service_level_threshold_s": float(s.service_level_threshold_s), "short_abandon_s": float(s.short_abandon_s),
            "fcr_window_days": float(s.fcr_window_days), "survey_window_days": float(s.survey_window_days)}


def queue_channel(kpi: Any, queue: str) -> str | None:
    """The channel a queue's contacts came in on (the most frequent), or None without data."""
    result = kpi.query(metrics=["offered"], by=["channel"], where={"queue": [queue]})
    rows = [r for r in result.rows if isinstance(r.get("offered"), (int, float))]
    return str(max(rows, key=lambda r: r["offered"])["channel"]) if rows else None


def with_org_default(catalog: Any, requested: str, overrides: dict[str, str]) -> str:
    """A KPI name or a short alias of the KPI (service_level, aht_s) -> the organisation's default variant of
    its KPI (the catalog's rule, `Catalog.find`); an explicit variant id (service_level.genesys_cloud) is kept."""
    name, bracket, rest = requested.strip().partition("(")
    name = name.strip()
    if name in catalog.metrics:
        return requested
    chosen = catalog.find(name, overrides).id
    return requested if chosen == catalog.find(name).id else f"{chosen}{bracket}{rest}"


def resolve_goal_metric(kpi: Any, settings: OrgSettingsService, requested: str, scope_kind: str,
                        scope_id: str) -> ResolvedMetric:
    document = settings.current().document
    values = settings_values(kpi)
    try:
        requested = with_org_default(kpi.catalog, requested, document.metric_defaults)
    except NotFound as exc:  # one sentence, not the catalog's ~80 names (the goal form lists the usable ones)
        name = requested.split("(")[0].strip()
        raise NotFound(f"unknown metric '{name}'", hint="pick a metric from the goal form, or see GET /api/v1/metrics"
                       ) from exc
    metric = kpi.catalog.find(requested.split("(")[0].strip())
    uses_thresholds = any(p.setting in THRESHOLD_SETTINGS for p in metric.params.values())
    if uses_thresholds and scope_kind in ("queue", "channel"):
        queue = scope_id if scope_kind == "queue" else None
        channel = scope_id if scope_kind == "channel" else queue_channel(kpi, scope_id)
        found = settings.thresholds_for(queue=queue, channel=channel, document=document)
        values["service_level_threshold_s"] = found.service_level_threshold_s
        values["short_abandon_s"] = found.short_abandon_s
        return kpi.catalog.resolve(requested, values, document.metric_defaults)  # type: ignore[no-any-return]
    resolved: ResolvedMetric = kpi.catalog.resolve(requested, values, document.metric_defaults)
    per_row = {key for key, setting in resolved.from_settings if setting in PER_ROW_SETTINGS}
    return replace(resolved, params=tuple((k, v) for k, v in resolved.params if k not in per_row),
                   from_settings=tuple((k, s) for k, s in resolved.from_settings if k not in per_row))
