"""The YAML mapping that tells the CSV/Excel connector how to read one kind of export.

A mapping names the source system, describes the file (delimiter, decimal separator, encoding, header
row, time zone, Excel epoch), says whether rows are contacts or per-period aggregates, and maps each
canonical field to a source column, a pair of date + time columns, or a constant. See docs/csv-mapping.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from callboard.core.errors import InvalidInput

Kind = Literal["contacts", "intervals"]

# What kind of value each canonical field holds; the parser for it follows from this.
# string | channel | direction | outcome | timestamp | duration | bool | count | score | percent
CONTACT_FIELDS: dict[str, str] = {
    "contact_id": "string",
    "arrived_at": "timestamp",
    "connected_at": "timestamp",
    "ended_at": "timestamp",
    "updated_at": "timestamp",
    "channel": "channel",
    "direction": "direction",
    "customer_id": "string",
    "topic": "string",
    "disposition": "string",
    "resolved": "bool",
    "bot_only": "bool",
    "queue_id": "string",
    "agent_id": "string",
    "agent_name": "string",
    "team_id": "string",
    "wait_ms": "duration",
    "talk_ms": "duration",
    "hold_ms": "duration",
    "acw_ms": "duration",
    "handle_ms": "duration",
    "hold_count": "count",
    "abandoned": "bool",
    "answered": "bool",
    "transferred": "bool",
    "outcome": "outcome",
    "csat": "score",
    "nps": "score",
    "ces": "score",
}

INTERVAL_FIELDS: dict[str, str] = {
    "interval_start": "timestamp",
    "queue_id": "string",
    "channel": "channel",
    "agent_id": "string",
    "agent_name": "string",
    "team_id": "string",
    "offered": "count",
    "answered": "count",
    "abandoned": "count",
    "handled": "count",
    "answered_within_threshold": "count",
    "service_level": "percent",
    "aht_ms": "duration",  # average handle time per handled contact
    "asa_ms": "duration",  # average speed of answer per answered contact
    "handle_ms": "duration",  # total handle time of the period
    "wait_answered_ms": "duration",  # total wait of the answered contacts
}

REQUIRED: dict[str, tuple[str, ...]] = {"contacts": ("arrived_at",), "intervals": ("interval_start",)}

DEFAULT_SCALES: dict[str, tuple[float, float]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}

DURATION_FORMATS = ("hms", "hm", "seconds", "milliseconds", "minutes", "hours", "days")
TIMESTAMP_SPECIALS = ("excel", "iso", "epoch_s", "epoch_ms")
PERCENT_FORMATS = ("percent", "fraction")
SL_BASES = ("answered_plus_abandoned", "offered", "answered")

DEFAULT_TRUE = ("y", "yes", "true", "t", "1", "x", "ja", "j", "oui", "si", "sí", "on")
DEFAULT_FALSE = ("n", "no", "false", "f", "0", "nein", "non", "off", "-")


def fields_for(kind: str) -> dict[str, str]:
    return CONTACT_FIELDS if kind == "contacts" else INTERVAL_FIELDS


class FieldSpec(BaseModel):
    """Where one canonical field comes from: a column, a date + time pair, or a constant."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    date: str | None = None
    time: str | None = None
    constant: str | int | float | bool | None = None
    # timestamp: strptime pattern(s) or excel | iso | epoch_s | epoch_ms;
    # duration: hms | hm | seconds | milliseconds | minutes | hours | days; percent: percent | fraction
    format: str | list[str] | None = None
    date_format: str | list[str] | None = None
    time_format: str | list[str] | None = None
    extract: str | None = None  # regex whose first group is the value to parse, e.g. "09:00" of "09:00 - 09:30"
    scale: tuple[float, float] | None = None  # survey scores: [min, max]
    values: dict[str, str] | None = None  # source value -> canonical value (channel, direction, outcome)
    true_values: list[str] | None = None
    false_values: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # `agent_id: Agent Name` is short for `agent_id: {column: Agent Name}`
        if isinstance(data, str):
            return {"column": data}
        return data

    @model_validator(mode="after")
    def _one_origin(self) -> FieldSpec:
        origins = [self.column is not None, self.date is not None, self.constant is not None]
        if sum(origins) != 1:
            raise ValueError("give exactly one of column, date (+ time) or constant")
        if self.time is not None and self.date is None:
            raise ValueError("time needs date: give both date and time columns")
        return self

    def columns(self) -> list[str]:
        return [c for c in (self.column, self.date, self.time) if c is not None]

    def formats(self) -> list[str]:
        return as_list(self.format)


def as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class FileOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "xlsx"] | None = None  # default: from the file extension
    encoding: str = "utf-8"
    delimiter: str = ","
    quote: str = '"'
    decimal: str = "."
    thousands: str | None = None
    header_row: int = Field(default=1, ge=1)
    sheet: str | int | None = None  # xlsx: sheet name or 0-based index; default the first
    time_zone: str = "UTC"
    excel_epoch: Literal["auto", "1900", "1904"] = "auto"  # auto: the workbook's flag; CSV: 1900
    true_values: list[str] = Field(default_factory=lambda: list(DEFAULT_TRUE))
    false_values: list[str] = Field(default_factory=lambda: list(DEFAULT_FALSE))
    max_field_chars: int = Field(default=100_000, ge=1)

    @field_validator("excel_epoch", mode="before")
    @classmethod
    def _epoch_str(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("delimiter", "quote")
    @classmethod
    def _one_char(cls, value: str) -> str:
        value = "\t" if value in ("\\t", "tab") else value
        if len(value) != 1:
            raise ValueError("must be one character (use \\t for tab)")
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}': use an IANA name such as Europe/London") from exc
        return value

    @field_validator("decimal")
    @classmethod
    def _decimal(cls, value: str) -> str:
        if value not in (".", ","):
            raise ValueError("must be '.' or ','")
        return value


class IntervalOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interval_minutes: int = Field(default=30, ge=1, le=1440)
    service_level_threshold_s: float = 20.0
    # which denominator the file's service-level percentage used: SL% x that count = answered within T
    service_level_basis: Literal["answered_plus_abandoned", "offered", "answered"] = "answered_plus_abandoned"


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    source: str = "csv"
    kind: Kind = "contacts"
    file: FileOptions = Field(default_factory=FileOptions)
    intervals: IntervalOptions = Field(default_factory=IntervalOptions)
    fields: dict[str, FieldSpec]

    @model_validator(mode="after")
    def _known_fields(self) -> Mapping:
        known = fields_for(self.kind)
        unknown = [name for name in self.fields if name not in known]
        if unknown:
            raise ValueError(
                f"unknown field(s) {', '.join(unknown)} for kind {self.kind}; valid fields: {', '.join(known)}"
            )
        for name in REQUIRED[self.kind]:
            if name not in self.fields:
                raise ValueError(f"kind {self.kind} needs the field {name}")
        for name, spec in self.fields.items():
            if spec.date is not None and known[name] != "timestamp":
                raise ValueError(f"{name}: date/time columns are only for timestamps")
            if known[name] == "duration" and spec.format and spec.format not in DURATION_FORMATS:
                raise ValueError(f"{name}: duration format must be one of {', '.join(DURATION_FORMATS)}")
            if known[name] == "percent" and spec.format and spec.format not in PERCENT_FORMATS:
                raise ValueError(f"{name}: percent format must be one of {', '.join(PERCENT_FORMATS)}")
        if self.kind == "intervals" and not any(f in self.fields for f in ("offered", "answered", "abandoned")):
            raise ValueError("kind intervals needs at least one of offered, answered, abandoned")
        return self

    def scale(self, field: str) -> tuple[float, float]:
        spec = self.fields.get(field)
        return spec.scale if spec and spec.scale else DEFAULT_SCALES[field]


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; every problem becomes one InvalidInput naming the file and key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"mapping file {path} not found", hint="write one with --suggest-mapping") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read mapping file {path}: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise InvalidInput(f"mapping {path}{where} is not valid YAML", hint=str(exc).splitlines()[0]) from exc
    return mapping_from_dict(data, origin=str(path))


def mapping_from_dict(data: Any, *, origin: str = "mapping") -> Mapping:
    if not isinstance(data, dict):
        raise InvalidInput(f"{origin}: a mapping is a YAML object with source, kind, file and fields")
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInput(
            f"{origin}: {where}: {message}", hint="see docs/csv-mapping.md for the mapping format"
        ) from exc


def mapping_to_dict(mapping: Mapping) -> dict[str, Any]:
    """A compact dict for YAML: defaults left out of fields, the file block written in full."""
    data: dict[str, Any] = {
        "version": mapping.version,
        "source": mapping.source,
        "kind": mapping.kind,
        "file": mapping.file.model_dump(mode="json", exclude={"true_values", "false_values", "max_field_chars"}),
    }
    csv_only = ("encoding", "delimiter", "quote", "decimal", "thousands")
    for key in csv_only if mapping.file.format == "xlsx" else ("sheet",):
        data["file"].pop(key)
    if mapping.file.true_values != list(DEFAULT_TRUE):
        data["file"]["true_values"] = mapping.file.true_values
    if mapping.file.false_values != list(DEFAULT_FALSE):
        data["file"]["false_values"] = mapping.file.false_values
    if mapping.kind == "intervals":
        data["intervals"] = mapping.intervals.model_dump(mode="json")
    data["fields"] = {
        name: spec.model_dump(mode="json", exclude_none=True) for name, spec in mapping.fields.items()
    }
    return data


def dump_mapping(mapping: Mapping, *, notes: dict[str, str] | None = None, header: str = "") -> str:
    """YAML text; `notes` adds a trailing comment per field (sample values, things to review)."""
    data = mapping_to_dict(mapping)
    fields = data.pop("fields")
    lines = [header.rstrip("\n")] if header else []
    lines.append(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120).rstrip("\n"))
    lines.append("fields:")
    for name, spec in fields.items():
        if "scale" in spec:
            spec["scale"] = [int(v) if float(v).is_integer() else v for v in spec["scale"]]
        flow = yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, allow_unicode=True, width=100_000)
        text = f"  {name}: {flow.strip()}"
        note = (notes or {}).get(name)
        lines.append(f"{text}  # {note}" if note else text)
    return "\n".join(lines) + "\n"


def save_mapping(mapping: Mapping, path: Path, *, notes: dict[str, str] | None = None, header: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dump_mapping(mapping, notes=notes, header=header)
    # what we write must read back as the same mapping
    mapping_from_dict(yaml.safe_load(text), origin=str(path))
    path.write_text(text, encoding="utf-8")
    return path
