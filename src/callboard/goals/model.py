"""What a goal is: the input a supervisor fills in (pydantic, also the API body) and the stored view."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from callboard.core.errors import InvalidInput

SCOPE_KINDS = ("agent", "team", "queue", "channel")
_DURATION = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2})(\.\d+)?$")


def parse_duration(text: str) -> float | None:
    """'3:05' -> 185.0, '1:02:05' -> 3725.0, '0:45.5' -> 45.5; None when `text` is not m:ss or h:mm:ss
    (a plain number is not a duration here: callers read it as seconds)."""
    match = _DURATION.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        raise InvalidInput(f"'{text.strip()}' is not a valid duration", hint="write m:ss or h:mm:ss, e.g. 3:05")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)


class GoalInput(BaseModel):
    """A new goal, or the full replacement of one (PUT). Bands: green when the target is met, amber when
    missed by at most `amber_band` (metric units: 0.05 = 5 points of a ratio), red beyond."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, examples=["Care service level, March"])
    metric: str = Field(min_length=1, max_length=200, description="catalog metric, alias or KPI, optionally with "
                        "parameters: service_level, aht_s, service_level.genesys_cloud(threshold_s=30)")
    target: float = Field(description="in the metric's unit: ratios 0..1 (0.8 = 80%), counts, seconds (a number, "
                          "or a string m:ss or h:mm:ss for a duration metric: \"3:05\" = 185)")
    direction: Literal["higher", "lower"] | None = Field(None, description="default: the metric's `better`")
    amber_band: float | None = Field(None, ge=0, description="default 0.05 for ratios, else 10% of the target "
                                     "(m:ss accepted for a duration metric)")
    period: Literal["week", "month", "quarter", "custom"] = "month"
    starts_on: dt.date = Field(description="any day of the week/month/quarter, or the first day of a custom period")
    ends_on: dt.date | None = Field(None, description="custom periods only: the last day (inclusive)")
    scope_kind: Literal["agent", "team", "queue", "channel"]
    scope_id: str = Field(min_length=1, max_length=100, examples=["t_care", "a005", "q_billing", "chat"])
    collaborative: bool = Field(False, description="a team goal every member works toward (shown on agent pages)")
    owner: str | None = Field(None, description="username of the owner; default the signed-in user")
    # the fields given as m:ss / h:mm:ss, so the service can refuse a duration for a metric not in seconds
    _durations: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _read_durations(cls, data: Any, handler: Any) -> GoalInput:
        durations: list[str] = []
        if isinstance(data, dict):
            data = dict(data)
            for key in ("target", "amber_band"):
                value = data.get(key)
                seconds = parse_duration(value) if isinstance(value, str) else None
                if seconds is not None:
                    data[key] = seconds
                    durations.append(key)
        model: GoalInput = handler(data)
        model._durations = tuple(durations)
        return model

    @property
    def durations(self) -> tuple[str, ...]:
        """Which of target / amber_band were written as a duration (m:ss or h:mm:ss)."""
        return self._durations


def parse_goal_input(data: object) -> GoalInput:
    try:
        return GoalInput.model_validate(data)
    except ValidationError as exc:
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ())) or 'goal'}: {e.get('msg', 'invalid')}"
                 for e in exc.errors()]
        raise InvalidInput("goal is not valid: " + "; ".join(parts), hint="see /docs for the goal fields") from exc


@dataclass(frozen=True)
class GoalView:
    id: int
    name: str
    metric: str  # as stored: service_level.callboard (thresholds from the settings) or with parameters
    metric_title: str
    unit: str
    target: float
    direction: str
    amber_band: float
    period: str
    starts_on: dt.date
    ends_on: dt.date
    scope_kind: str
    scope_id: str
    collaborative: bool
    owner: str
    created_at: dt.datetime
    updated_at: dt.datetime
    archived: bool
    # The definition the figure is computed with, thresholds per channel included, e.g.
    # service_level.callboard(threshold_s=20; chat 45, short_abandon_s=5) (the KPI result's metric name).
    definition: str = ""

    def audit_dict(self) -> dict[str, object]:
        return {"name": self.name, "metric": self.metric, "target": self.target, "direction": self.direction,
                "amber_band": self.amber_band, "period": self.period, "starts_on": self.starts_on.isoformat(),
                "ends_on": self.ends_on.isoformat(), "scope_kind": self.scope_kind, "scope_id": self.scope_id,
                "collaborative": self.collaborative, "owner": self.owner, "archived": self.archived}
