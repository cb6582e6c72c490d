"""The KPI catalog: YAML files compiled into validated Measure and Metric definitions.

Built-in definitions live in `metrics/catalog/*.yaml`; an organisation adds its own by dropping YAML
files in `<data_dir>/metrics/`. Requests name a metric by ID (`service_level.genesys_cloud`), by a
short alias (`aht_s`) or by KPI (`service_level` -> its default variant), optionally with parameters:
`service_level(threshold_s=30)`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from callboard.core.errors import InvalidInput, unknown_name
from callboard.metrics.definitions import Measure, Metric, Param
from callboard.metrics.expressions import parse

BUILTIN_DIR = Path(__file__).parent / "catalog"
_DURATION_SUFFIXES = ("_s", "_ms", "_min", "_hours", "_days")  # thresholds and windows: a length of time
_FLAG_PREFIX = "include_"  # switches: 1 = on, 0 = off


def check_param(metric_id: str, key: str, value: float) -> float:
    """A request's parameter value: a finite number; a threshold or window (`threshold_s`, `window_days`) not
    negative; an `include_*` switch 0 or 1. Anything else would quietly give a wrong figure (`threshold_s=-5`
    counts no call as answered in time)."""
    if not math.isfinite(value):
        raise InvalidInput(f"parameter {key}={value} of {metric_id} is not a finite number", hint="give a plain number")
    if key.endswith(_DURATION_SUFFIXES) and value < 0:
        raise InvalidInput(f"parameter {key}={value:g} of {metric_id} is negative",
                           hint="a threshold or window is a length of time: give 0 or more")
    if key.startswith(_FLAG_PREFIX) and value not in (0, 1):
        raise InvalidInput(f"parameter {key}={value:g} of {metric_id} is a switch", hint="give 1 (on) or 0 (off)")
    return value


_REQUEST = re.compile(r"^\s*(?P<name>[A-Za-z_][\w.]*)\s*(?:\((?P<args>[^()]*)\))?\s*$")


@dataclass(frozen=True)
class ResolvedMetric:
    """A request bound to one catalog metric and concrete parameter values."""

    requested: str
    metric: Metric
    params: tuple[tuple[str, float], ...]
    # Parameters the request left to a setting: (parameter, setting). The KPI engine may evaluate these
    # per row from the organisation's per-queue / per-channel values (metrics/org_rules.py).
    from_settings: tuple[tuple[str, str], ...] = ()

    @property
    def resolved_name(self) -> str:
        if not self.params:
            return self.metric.id
        args = ", ".join(f"{k}={_fmt(v)}" for k, v in self.params)
        return f"{self.metric.id}({args})"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def split_metric_list(text: str) -> list[str]:
    """Split `a,b(x=1,y=2),c` on top-level commas only."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return [p for p in parts if p]


class Catalog:
    def __init__(self, measures: dict[str, Measure], metrics: dict[str, Metric], aliases: dict[str, str]) -> None:
        self.measures = measures
        self.metrics = metrics
        self.aliases = aliases
        self._validate()

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, extra_dirs: list[Path] | None = None) -> Catalog:
        measures: dict[str, Measure] = {}
        metrics: dict[str, Metric] = {}
        aliases: dict[str, str] = {}
        files = sorted(BUILTIN_DIR.glob("*.yaml"))
        for directory in extra_dirs or []:
            if directory.is_dir():
                files += sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
        for path in files:
            _load_file(path, measures, metrics, aliases)
        return cls(measures, metrics, aliases)

    def _validate(self) -> None:
        for metric in self.metrics.values():
            for name in parse(metric.formula).names:
                if name not in self.measures and name not in metric.params:
                    raise unknown_name(f"measure (in metric {metric.id})", name, list(self.measures))
            for name in self.measure_names(metric):
                missing = set(self.measures[name].params) - set(metric.params)
                if missing:
                    raise InvalidInput(f"metric {metric.id} uses measure {name} but does not declare {sorted(missing)}")
        for alias, target in self.aliases.items():
            if target not in self.metrics:
                raise unknown_name(f"metric (alias {alias})", target, list(self.metrics))

    # -- lookup --------------------------------------------------------------------------------
    def measure_names(self, metric: Metric) -> list[str]:
        return sorted(n for n in parse(metric.formula).names if n in self.measures)

    def kpis(self) -> dict[str, list[Metric]]:
        out: dict[str, list[Metric]] = {}
        for metric in self.metrics.values():
            out.setdefault(metric.kpi, []).append(metric)
        return out

    def default_for(self, kpi: str, overrides: dict[str, str] | None = None) -> Metric | None:
        if overrides and kpi in overrides and overrides[kpi] in self.metrics:
            return self.metrics[overrides[kpi]]
        for metric in self.metrics.values():
            if metric.kpi == kpi and metric.default:
                return metric
        return None

    def find(self, name: str, overrides: dict[str, str] | None = None) -> Metric:
        """A metric id names itself. A KPI name, or a short alias that names the KPI itself (`aht_s`,
        `fcr_rate`: the KPI plus a unit), names the organisation's default variant of its KPI when `overrides`
        sets one. An alias that names a statistic (`csat_mean`, `csat_top2_rate`) keeps its target."""
        if name in self.metrics:
            return self.metrics[name]
        if name in self.aliases:
            target = self.metrics[self.aliases[name]]
            chosen = (overrides or {}).get(target.kpi)
            follows = name in (target.kpi, f"{target.kpi}_s", f"{target.kpi}_rate")
            return self.metrics[chosen] if follows and chosen in self.metrics else target
        default = self.default_for(name, overrides)
        if default is not None:
            return default
        raise unknown_name("metric", name, [*self.metrics, *self.aliases])

    def resolve(self, requested: str, settings_values: dict[str, float] | None = None,
                overrides: dict[str, str] | None = None) -> ResolvedMetric:
        match = _REQUEST.match(requested)
        if not match:
            raise InvalidInput(f"cannot read metric '{requested}'",
                               hint="write NAME or NAME(param=value, ...), e.g. service_level(threshold_s=30)")
        metric = self.find(match["name"], overrides)
        given: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in (match["args"] or "").split(","))):
            key, _, value = part.partition("=")
            key = key.strip()
            if key not in metric.params:
                valid = ", ".join(metric.params) or "none"
                raise InvalidInput(f"metric {metric.id} has no parameter '{key}'", hint=f"its parameters: {valid}")
            try:
                number = float(value)
            except ValueError as exc:
                raise InvalidInput(f"parameter {key}='{value.strip()}' of {metric.id} is not a number") from exc
            given[key] = check_param(metric.id, key, number)
        params = []
        from_settings = []
        for key, param in metric.params.items():
            if key in given:
                params.append((key, given[key]))
            elif param.setting and settings_values and param.setting in settings_values:
                params.append((key, float(settings_values[param.setting])))
                from_settings.append((key, param.setting))
            else:
                params.append((key, param.default))
        return ResolvedMetric(requested=requested, metric=metric, params=tuple(params),
                              from_settings=tuple(from_settings))


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when built in: 9x faster


def _load_file(path: Path, measures: dict[str, Measure], metrics: dict[str, Metric], aliases: dict[str, str]) -> None:
    try:
        data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"metric catalog {path} is not valid YAML: {exc}") from exc
    try:
        for fact, entries in (data.get("measures") or {}).items():
            for name, body in entries.items():
                measures[name] = Measure(name=name, fact=fact, **body)
        for metric_id, body in (data.get("metrics") or {}).items():
            body = dict(body)
            params = {k: Param(**(v if isinstance(v, dict) else {"default": v})) for k, v in (body.pop("params", None) or {}).items()}
            body.setdefault("kpi", metric_id.split(".", 1)[0])
            metrics[metric_id] = Metric(id=metric_id, params=params, **body)
        for alias, target in (data.get("aliases") or {}).items():
            aliases[alias] = target
    except (ValidationError, TypeError) as exc:
        raise InvalidInput(f"metric catalog {path}: {exc}".splitlines()[0],
                           hint="see docs/metrics.md for the catalog format") from exc
