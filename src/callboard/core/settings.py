"""Settings: where data lives, which engine runs the analytics store, the organisation's defaults."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import Field
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
    service_level_threshold_s: float = 20.0
    short_abandon_s: float = 5.0
    fcr_window_days: int = 7
    survey_window_days: int = 7
    host: str = "127.0.0.1"
    port: int = 8765

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
    values = {**_file_values(base), **values}
    settings = Settings(**values)  # type: ignore[arg-type]
    settings.data_dir = settings.data_dir.expanduser().resolve()
    return settings


def environment_data_dir() -> str | None:
    return os.environ.get("CALLBOARD_DATA_DIR")
