"""/api/v1/metrics: the KPI catalog (formulas, parameters, aliases) and one metric explained with its SQL."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from callboard.web.api.models import ErrorResponse, MetricExplainResponse, MetricListResponse
from callboard.web.api.kpi import KpiViewer
from callboard.web.context import WebContext, get_context

router = APIRouter(prefix="/api/v1", tags=["metrics"])


def _aliases_of(catalog: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for alias, target in sorted(catalog.aliases.items()):
        out.setdefault(target, []).append(alias)
    return out


@router.get("/metrics", response_model=MetricListResponse, summary="The KPI catalog")
def list_metrics(ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer,
                 kpi: Annotated[str | None, Query(description="Only this KPI's variants, e.g. service_level")] = None,
                 ) -> Any:
    """Every metric with its formula and parameters, grouped by KPI (default variant first), and the aliases."""
    catalog = ctx.runtime.catalog
    aliases = _aliases_of(catalog)
    metrics = [
        {"id": m.id, "kpi": m.kpi, "variant": m.variant, "title": m.title, "type": m.type, "unit": m.unit,
         "better": m.better, "default": m.default, "formula": " ".join(m.formula.split()),
         "params": {k: {"default": p.default, "setting": p.setting, "description": p.description}
                    for k, p in m.params.items()},
         "aliases": aliases.get(m.id, []), "reference": m.reference, "description": m.description}
        for m in sorted(catalog.metrics.values(), key=lambda m: (m.kpi, not m.default, m.id))
        if kpi in (None, "", m.kpi)
    ]
    return {"metrics": metrics, "aliases": dict(sorted(catalog.aliases.items()))}


@router.get("/metrics/{name}", response_model=MetricExplainResponse, summary="Explain one metric, with its SQL",
            responses={404: {"model": ErrorResponse, "description": "unknown metric (the hint lists valid names)"},
                       422: {"model": ErrorResponse, "description": "unreadable request or bad parameter"}})
def explain_metric(ctx: Annotated[WebContext, Depends(get_context)], viewer: KpiViewer, name: str) -> Any:
    """`name` is an id (`service_level.genesys_cloud`), an alias (`aht_s`), a KPI (its default variant) or any of
    those with parameters (`service_level(threshold_s=30)`, URL-encoded)."""
    with ctx.engine():
        e = ctx.kpi.explain(name)
    return {"id": e.id, "requested": name, "kpi": e.kpi, "variant": e.variant, "title": e.title, "type": e.type,
            "unit": e.unit, "better": e.better, "formula": " ".join(e.formula.split()), "params": e.params,
            "measures": e.measures, "aliases": _aliases_of(ctx.runtime.catalog).get(e.id, []),
            "reference": e.reference, "description": e.description, "sql": e.sql}
