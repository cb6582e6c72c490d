"""/docs: an offline API reference rendered from the app's own OpenAPI document (no CDN assets)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from callboard.core.viewer import Viewer
from callboard.web.auth import signed_in
from callboard.web.context import WebContext, get_context

router = APIRouter(tags=["pages"])

EXAMPLES = {
    "/api/v1/kpi": "/api/v1/kpi?metrics=offered,service_level,aht_s&by=queue",
    "/api/v1/kpi.csv": "/api/v1/kpi.csv?metrics=offered,service_level,aht_s&by=queue",
    "/api/v1/metrics": "/api/v1/metrics",
    "/api/v1/metrics/{name}": "/api/v1/metrics/service_level",
    "/api/v1/data-range": "/api/v1/data-range",
    "/api/v1/dimensions/{dimension}/values": "/api/v1/dimensions/queue/values",
    "/api/v1/health": "/api/v1/health",
}


def _type_of(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"] if s.get("type") != "null") or "any"
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _endpoints(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _type_of(p.get("schema", {})), "description": p.get("description") or
                       p.get("schema", {}).get("description", "")} for p in op.get("parameters", [])]
            responses = [{"status": status, "description": r.get("description", "")}
                         for status, r in op.get("responses", {}).items()]
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "params": params, "responses": responses,
                        "tag": (op.get("tags") or [""])[0], "example": EXAMPLES.get(path)})
    return out


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request, ctx: Annotated[WebContext, Depends(get_context)],
             viewer: Annotated[Viewer, Depends(signed_in())]) -> HTMLResponse:
    spec = request.app.openapi()
    return ctx.templates.TemplateResponse(request, "api_docs.html", {
        "info": spec.get("info", {}), "endpoints": _endpoints(spec), "nav": "docs",
    })
