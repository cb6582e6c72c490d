"""The organisation settings document (pydantic): site time zones, default metric variants, thresholds.

One JSON document, versioned in `settings_versions` (every save is a new version; the highest is in force).
Field validation here covers shape and ranges; names that depend on the app (site ids, catalog metrics)
are checked by `settings_service.validate_references`.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from callboard.core.errors import InvalidInput

_IDENT = re.compile(r"^[A-Za-z0-9_.:\- ]{1,100}$")


class Thresholds(BaseModel):
    """Service level `target_ratio` answered within `service_level_threshold_s`; abandons up to
    `short_abandon_s` are short (excluded). Chat 80/45 means target_ratio 0.8 within 45 s."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_level_target_ratio: float = Field(0.8, ge=0.0, le=1.0, description="e.g. 0.8 for 80%")
    service_level_threshold_s: float = Field(20.0, gt=0.0, le=86_400.0 * 7, description="answer within, seconds")
    short_abandon_s: float = Field(5.0, ge=0.0, le=3_600.0, description="abandons up to this wait are short")


DEFAULT_CHANNEL_THRESHOLDS: dict[str, Thresholds] = {
    "voice": Thresholds(service_level_target_ratio=0.8, service_level_threshold_s=20.0, short_abandon_s=5.0),
    "chat": Thresholds(service_level_target_ratio=0.8, service_level_threshold_s=45.0, short_abandon_s=5.0),
}


def _check_keys(values: dict[str, object], what: str) -> None:
    for key in values:
        if not _IDENT.match(key):
            raise ValueError(f"{what} '{key}' is not a valid id (letters, digits, _ . : - and spaces, up to 100)")


class OrgSettingsDocument(BaseModel):
    """What an administrator edits on /admin and through PUT /api/v1/settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site_time_zones: dict[str, str] = Field(default_factory=dict,
                                            description="site id -> IANA time zone, e.g. Europe/London")
    metric_defaults: dict[str, str] = Field(default_factory=dict,
                                            description="KPI -> catalog metric id used when the KPI is named alone, "
                                                        "e.g. service_level -> service_level.genesys_cloud")
    default_thresholds: Thresholds = Field(default_factory=Thresholds,
                                           description="for channels and queues without their own")
    channel_thresholds: dict[str, Thresholds] = Field(default_factory=lambda: dict(DEFAULT_CHANNEL_THRESHOLDS))
    queue_thresholds: dict[str, Thresholds] = Field(default_factory=dict,
                                                    description="queue id -> thresholds; wins over the channel's")

    @field_validator("site_time_zones")
    @classmethod
    def _zones(cls, value: dict[str, str]) -> dict[str, str]:
        _check_keys(value, "site")
        for site, name in value.items():
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"site {site}: unknown time zone '{name}' (use an IANA name such as "
                                 "Europe/London or America/New_York)") from exc
        return value

    @field_validator("metric_defaults")
    @classmethod
    def _defaults(cls, value: dict[str, str]) -> dict[str, str]:
        _check_keys(value, "KPI")
        return value

    @field_validator("channel_thresholds")
    @classmethod
    def _channels(cls, value: dict[str, Thresholds]) -> dict[str, Thresholds]:
        _check_keys(value, "channel")
        return value

    @field_validator("queue_thresholds")
    @classmethod
    def _queues(cls, value: dict[str, Thresholds]) -> dict[str, Thresholds]:
        _check_keys(value, "queue")
        return value


def validation_message(exc: ValidationError) -> str:
    """Pydantic errors as `field.path: message; ...` (what and where)."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where or 'document'}: {message}")
    return "; ".join(parts)


def parse_document(data: object) -> OrgSettingsDocument:
    """A JSON-like body -> the document, or InvalidInput naming every wrong field."""
    try:
        return OrgSettingsDocument.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"settings are not valid: {validation_message(exc)}",
                           hint="see GET /api/v1/settings for the current document and its shape") from exc
