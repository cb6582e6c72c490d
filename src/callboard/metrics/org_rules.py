"""Organisation rules the KPI engine applies when a request does not say otherwise.

An organisation chooses a default variant per KPI (`service_level` -> `service_level.genesys_cloud`) and
service-level / short-abandon thresholds per queue and per channel (chat 80/45 beside voice 80/20). The org
settings service (a layer above) turns its settings document into an `OrgRules`; the KPI service asks for
the current one on every request, so a saved change applies to the next query.

A metric parameter given in the request (`service_level(threshold_s=30)`) always wins: then one number
applies to every row. A parameter left to its setting is evaluated per row: the queue's own value, else the
channel's, else the organisation default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

# Parameters' settings that may differ per queue and channel (metric YAML: `setting:` of a parameter).
PER_ROW_SETTINGS = ("service_level_threshold_s", "short_abandon_s")


@dataclass(frozen=True)
class SettingRule:
    """One setting's values: the default, then overrides per queue and per channel (queue wins)."""

    setting: str
    default: float
    by_queue: tuple[tuple[str, float], ...] = ()
    by_channel: tuple[tuple[str, float], ...] = ()

    @property
    def varies(self) -> bool:
        return any(v != self.default for _, v in (*self.by_queue, *self.by_channel))

    def describe(self) -> str:
        """e.g. `20; chat 45; queue q_vip 10` for the resolved metric's name."""
        parts = [format_number(self.default)]
        parts += [f"{channel} {format_number(v)}" for channel, v in self.by_channel if v != self.default]
        parts += [f"queue {queue} {format_number(v)}" for queue, v in self.by_queue]
        return "; ".join(parts)

    def expression(self, t: ir.Table) -> ir.Value:
        """The setting per row of a fact table (literal default where the fact has no queue/channel)."""
        cases: list[tuple[ir.Value, ir.Value]] = []
        if "queue_id" in t.columns:
            cases += [(t.queue_id == queue, _literal(v)) for queue, v in self.by_queue]
        if "channel" in t.columns:
            cases += [(t.channel == channel, _literal(v)) for channel, v in self.by_channel if v != self.default]
        if not cases:
            return _literal(self.default)
        return ibis.cases(*cases, else_=_literal(self.default))


@dataclass(frozen=True)
class OrgRules:
    """What the organisation settings add to every KPI request."""

    metric_defaults: tuple[tuple[str, str], ...] = ()  # KPI -> catalog metric id
    settings: tuple[SettingRule, ...] = field(default=())
    version: int = 0  # the settings version these came from (shown nowhere; part of cache keys)

    def overrides(self) -> dict[str, str]:
        return dict(self.metric_defaults)

    def rule(self, setting: str) -> SettingRule | None:
        return next((r for r in self.settings if r.setting == setting and r.varies), None)

    def default(self, setting: str) -> float | None:
        return next((r.default for r in self.settings if r.setting == setting), None)


def _literal(value: float) -> ir.Value:
    """Whole numbers as integers, so `wait_ms <= 20 * 1000` stays integer arithmetic in DuckDB."""
    return ibis.literal(int(value)) if float(value).is_integer() else ibis.literal(float(value), type="float64")


def format_number(value: float) -> str:
    """20.0 -> '20', 2.5 -> '2.5'."""
    return str(int(value)) if float(value).is_integer() else str(value)
