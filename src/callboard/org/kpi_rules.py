"""Turn the organisation settings document into the rules the KPI engine applies (metrics/org_rules.py):
default variant per KPI, and service-level / short-abandon thresholds per queue and channel."""

from __future__ import annotations

from callboard.metrics.org_rules import OrgRules, SettingRule
from callboard.org.settings_model import OrgSettingsDocument, Thresholds

_FIELDS = {"service_level_threshold_s": "service_level_threshold_s", "short_abandon_s": "short_abandon_s"}


def rules_from_document(document: OrgSettingsDocument, version: int, fallback: dict[str, float]) -> OrgRules:
    """`fallback`: the data directory's settings (callboard.toml / environment). They are the default until an
    administrator first saves the organisation settings (version 0), so a configured threshold is not
    silently replaced by the document's built-in 20 s; the built-in channel values (chat 45 s) apply."""
    settings = []
    for setting, field in _FIELDS.items():
        if version == 0 and setting in fallback:
            default = float(fallback[setting])
        else:
            default = float(getattr(document.default_thresholds, field))
        settings.append(SettingRule(
            setting=setting,
            default=default,
            by_queue=_values(document.queue_thresholds, field),
            by_channel=_values(document.channel_thresholds, field),
        ))
    return OrgRules(metric_defaults=tuple(sorted(document.metric_defaults.items())), settings=tuple(settings),
                    version=version)


def _values(by_key: dict[str, Thresholds], field: str) -> tuple[tuple[str, float], ...]:
    return tuple((key, float(getattr(t, field))) for key, t in sorted(by_key.items()))
