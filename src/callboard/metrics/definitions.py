"""Catalog vocabulary: measures (expression + aggregation + filter on one fact) and metrics.

metric types: `simple` (one measure), `ratio` (numerator / denominator, each a sum or difference of
measures), `derived` (any arithmetic over measures). Every division is guarded.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Aggregation = Literal["count", "sum", "mean", "min", "max", "count_distinct"]
MetricType = Literal["simple", "ratio", "derived"]
Unit = Literal["ratio", "seconds", "count", "points", "score", "per_hour"]


class Measure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    fact: str
    agg: Aggregation
    expr: str | None = None  # row expression; `count` counts rows passing the filter
    filter: str | None = None
    params: tuple[str, ...] = ()
    description: str = ""


class Param(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    default: float
    setting: str | None = None  # organisation setting that overrides the YAML default
    description: str = ""


class Metric(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kpi: str
    title: str
    type: MetricType
    unit: Unit
    better: Literal["higher", "lower", "neutral"] = "neutral"
    formula: str
    params: dict[str, Param] = Field(default_factory=dict)
    default: bool = False  # the reference default variant of its KPI
    reference: str = ""
    description: str = ""

    @property
    def variant(self) -> str:
        return self.id.split(".", 1)[1] if "." in self.id else "default"
