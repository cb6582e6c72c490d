"""Settings: where data lives, which engine runs the analytics store, the organisation's defaults."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from callboard.core.errors import InvalidInput

DEFAULT_DATA_DIR = Path.home() / ".callboard"


class Settings(BaseSettings):
    """Built once by the CLI or `create_app`, then passed down; nothing reads the environment later."""

    model_config = SettingsConfigDict(env_prefix="CALLBOARD_", extra="ignore")

    data_dir: Path = Field(default=DEFAULT_DATA_DIR)
    analytics_url: str | None = Field(
        default=None,
        description="duckdb:///path/file.duckdb (default under data_dir) or spark://local?parquet=DIR",
    )
    app_db_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite under data_dir")
    time_zone: str = Field(default="UTC", description="Organisation time zone for days, weeks and periods")
    service_level_threshold_s: float = Field(default=20.0, ge=0)
    short_abandon_s: float = Field(default=5.0, ge=0)
    fcr_window_days: int = Field(default=7, ge=0)
    survey_window_days: int = Field(default=7, ge=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)

    def resolved_analytics_url(self) -> str:
        return self.analytics_url or f"duckdb:///{self.data_dir / 'analytics.duckdb'}"

    def resolved_app_db_url(self) -> str:
        return self.app_db_url or f"sqlite:///{self.data_dir / 'app.db'}"


SETTINGS_FILE = "settings.toml"


def _file_values(data_dir: Path) -> dict[str, object]:
    """`<data_dir>/settings.toml` (e.g. `time_zone = "Europe/London"`); CALLBOARD_* variables win over it."""
    path = data_dir / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"{path} is not valid TOML: {exc}", hint="fix or remove the file") from exc
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise InvalidInput(f"{path}: unknown settings {unknown}", hint=f"valid: {', '.join(Settings.model_fields)}")
    return {k: v for k, v in data.items() if f"CALLBOARD_{k.upper()}" not in os.environ}


def load_settings(data_dir: Path | str | None = None, **overrides: object) -> Settings:
    """Settings from explicit overrides, then CALLBOARD_* variables, then `<data_dir>/settings.toml`."""
    values: dict[str, object] = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = Path(data_dir)
    base = Path(str(values.get("data_dir") or os.environ.get("CALLBOARD_DATA_DIR") or DEFAULT_DATA_DIR)).expanduser()
    given = set(values)
    values = {**_file_values(base), **values}
    try:
        settings = Settings(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise _setting_error(exc, given=given, file=base / SETTINGS_FILE) from None
    settings.data_dir = settings.data_dir.expanduser().resolve()
    check_data_dir(settings.data_dir)
    return settings


_EXPECTED = {"float": "a number", "int": "a whole number", "str": "text", "Path": "a folder path"}


def _setting_error(exc: ValidationError, *, given: set[str], file: Path) -> InvalidInput:
    """One line for the first bad setting: its name, where the value came from and what it should be."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "?"
    variable = f"CALLBOARD_{name.upper()}"
    if name in given:
        origin = "given on the command line"
    elif variable in os.environ:
        origin = f"from environment variable {variable}"
    else:
        origin = f"in {file}"
    field = Settings.model_fields.get(name)
    annotation = getattr(field.annotation, "__name__", "") if field else ""
    expected = _EXPECTED.get(annotation, "a valid value")
    default = f" (default {field.default})" if field is not None and field.default is not None else ""
    return InvalidInput(f"setting {name} = {error.get('input')!r} {origin} is not valid: {error['msg']}",
                        hint=f"{name} expects {expected}{default}; fix or remove it")


def check_data_dir(path: Path) -> None:
    """The data directory must be a folder (or not exist yet: Callboard creates it)."""
    if path.exists() and not path.is_dir():
        raise InvalidInput(f"the data directory {path} is a file, not a folder",
                           hint="give --data-dir (or CALLBOARD_DATA_DIR) a folder, e.g. ~/.callboard")


def make_data_dir(path: Path) -> None:
    """Create the data directory; one clear error when the path (or a parent of it) is a file."""
    check_data_dir(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise InvalidInput(f"cannot create the data directory {path}: part of that path is a file",
                           hint="give --data-dir (or CALLBOARD_DATA_DIR) a folder whose parents are folders") from exc


def environment_data_dir() -> str | None:
    return os.environ.get("CALLBOARD_DATA_DIR")
