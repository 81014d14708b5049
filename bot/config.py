"""Settings from the environment or a `.env` file (prefix `KOTOBOT_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.catalogue.loader import DEFAULT_CATALOGUE

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE = Path("var") / "kotobot.sqlite3"


class Settings(BaseSettings):
    """Everything the bot reads from its environment.

    `token` is optional here so that the catalogue commands work without one; `kotobot run`
    refuses to start without it and says where a token comes from.
    """

    model_config = SettingsConfigDict(env_prefix="KOTOBOT_", env_file=".env", extra="ignore")

    token: SecretStr | None = None
    api_base_url: str = TELEGRAM_API_BASE_URL
    database: Path = DEFAULT_DATABASE
    coordinators: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    timezone: str = "Europe/Helsinki"
    catalogue: Path = DEFAULT_CATALOGUE
    log_format: Literal["text", "json"] = "text"
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=1)
    retention_days: int = Field(default=365, ge=1)
    privacy_controller: str = "Vaasan kaupunki – Vasa stad – City of Vaasa"
    privacy_contact: str = "kirjaamo@vaasa.fi"

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            return frozenset(int(part) for part in parts if part)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_file_url(self) -> str:
        """PTB's file URL sits beside the API URL: `.../bot` becomes `.../file/bot`."""
        root, _, tail = self.api_base_url.rstrip("/").rpartition("/")
        return f"{root}/file/{tail}"
