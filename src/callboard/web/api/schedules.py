"""/api/v1 schedules endpoints (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["schedules"])
