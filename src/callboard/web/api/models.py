"""Response models of the JSON API (they document /openapi.json and /docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="machine-readable: invalid_input, not_found, forbidden, conflict, ...")
    message: str = Field(description="what was wrong, and where")
    hint: str | None = Field(default=None, description="how to fix it; for an unknown name, the valid names")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class MetricColumnOut(BaseModel):
    requested: str = Field(description="the name as requested, also the row key")
    resolved: str = Field(description="catalog metric id with parameter values")
    title: str
    unit: str = Field(description="ratio | seconds | count | points | score | per_hour")
    better: str = Field(description="higher | lower | neutral")
    formula: str


class KpiResponse(BaseModel):
    rows: list[dict[str, Any]] = Field(
        description="one object per group, keyed by dimension and metric names as requested")
    metrics: list[MetricColumnOut]
    dimensions: list[str]
    time_zone: str
    from_: str | None = Field(default=None, alias="from", description="first day, inclusive (null = from the start)")
    to: str | None = Field(default=None, description="last day, inclusive (null = to the end)")
    provisional_from: str | None = Field(
        default=None, description="days from this one on are provisional: an FCR repeat window or the survey "
                                  "window is still open, so their values can change (null = all final)")

    model_config = {"populate_by_name": True}


class ParamOut(BaseModel):
    default: float
    setting: str | None = None
    description: str = ""


class MetricOut(BaseModel):
    id: str
    kpi: str
    variant: str
    title: str
    type: str
    unit: str
    better: str
    default: bool = Field(description="the reference default variant of its KPI")
    formula: str
    params: dict[str, ParamOut]
    aliases: list[str] = Field(description="short names that resolve to this metric")
    reference: str
    description: str


class MetricListResponse(BaseModel):
    metrics: list[MetricOut]
    aliases: dict[str, str] = Field(description="alias -> metric id")


class MetricExplainResponse(BaseModel):
    id: str
    requested: str
    kpi: str
    variant: str
    title: str
    type: str
    unit: str
    better: str
    formula: str
    params: dict[str, float] = Field(description="parameter values this request resolved to")
    measures: dict[str, str] = Field(description="each measure of the formula: aggregation, fact and filter")
    aliases: list[str]
    reference: str
    description: str
    sql: str = Field(description="the SQL the engine runs for this metric over all data")


class DataRangeResponse(BaseModel):
    first_day: str | None
    last_day: str | None
    days_with_data: int
    time_zone: str


class DimensionValuesResponse(BaseModel):
    dimension: str
    values: list[str]


class HealthResponse(BaseModel):
    status: str
    version: str
    data_dir: str
    engine: str
    time_zone: str
