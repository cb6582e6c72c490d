"""/api/v1/erlang: staffing for one interval, the same names and JSON as `callboard erlang --format json`.

GET takes the parameters as query strings, POST as a JSON object (with X-CSRF-Token from a browser session).
Capability: view_forecasts. The computation is pure (no data read), so there is no scope to limit.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from callboard.core.viewer import Viewer
from callboard.web.api.models import ErrorResponse
from callboard.web.auth import allow
from callboard.workforce.erlang_query import erlang_answer

router = APIRouter(prefix="/api/v1", tags=["erlang"])

ViewForecasts = Annotated[Viewer, Depends(allow("view_forecasts"))]
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorResponse, "description": "invalid parameters"}}


class ErlangIn(BaseModel):
    calls: float = Field(ge=0, description="offered contacts in the interval (0 allowed: 0 agents)")
    interval_s: float = Field(gt=0, description="interval length, seconds")
    aht_s: float = Field(gt=0, description="average handle time, seconds")
    answer_within_s: float = Field(ge=0, description="service-level threshold T, seconds")
    target_sl: float | None = Field(None, description="service-level target, a fraction (0.8)")
    target_asa_s: float | None = Field(None, description="average speed of answer target, seconds")
    max_abandon: float | None = Field(None, description="abandonment ceiling, a fraction (needs patience_s)")
    max_occupancy: float | None = Field(None, description="occupancy cap, a fraction")
    shrinkage: float = Field(0.0, description="shrinkage, a fraction in [0, 1)")
    patience_s: float | None = Field(None, description="mean customer patience, seconds: Erlang A")
    agents: float | None = Field(None, description="evaluate this many agents on the phones instead of searching")


class ErlangOut(BaseModel):
    mode: str = Field(description="required (searched) or evaluate (--agents given)")
    model: str = Field(description="erlang_c or erlang_a")
    calls: float
    interval_s: float
    aht_s: float
    answer_within_s: float
    target_sl: float | None
    target_asa_s: float | None
    max_abandon: float | None
    max_occupancy: float | None
    shrinkage: float
    patience_s: float | None
    traffic_erlangs: float
    agents_for_target: int | None = Field(None, description="agents meeting the targets before the occupancy cap")
    agents_raw: float = Field(description="agents on the phones (after the occupancy cap, before shrinkage)")
    agents: int = Field(description="scheduled agents after shrinkage, exact ceiling")
    service_level: float | None = Field(description="null when there are no calls")
    wait_probability: float
    asa_s: float | None = Field(description="null when there are no calls or the queue is unstable")
    occupancy: float | None = Field(description="null with 0 agents")
    abandon_probability: float | None = Field(None, description="Erlang A only")
    meets_targets: bool | None = Field(None, description="evaluate mode with targets given")


def _answer(body: ErlangIn) -> dict[str, Any]:
    return erlang_answer(**body.model_dump())


@router.get("/erlang", response_model=ErlangOut, response_model_exclude_unset=True, responses=ERRORS)
def erlang_get(viewer: ViewForecasts, params: Annotated[ErlangIn, Query()]) -> dict[str, Any]:
    """Required agents (or an evaluation with `agents`) for one interval."""
    return _answer(params)


@router.post("/erlang", response_model=ErlangOut, response_model_exclude_unset=True, responses=ERRORS)
def erlang_post(viewer: ViewForecasts, body: ErlangIn) -> dict[str, Any]:
    """The same as GET, with the parameters as a JSON object."""
    return _answer(body)
