"""Configuration, read from the environment once at the entry point and passed down.

A missing or malformed value stops start-up with one line naming it
(:func:`load_config` raises :class:`ConfigError`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API_DEFAULT = "https://slack.com/api/"
# /healthz fails once the inbox's oldest request has waited this long for its work: far beyond a healthy
# wait (a second or two), well within the time a person waits for an answer before trying again.
HEALTH_MAX_AGE_SECONDS = 120.0
# prometheus-client's own setting: the folder where each process of ``serve`` keeps its counts.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class ConfigError(RuntimeError):
    """One line naming the setting that is missing or malformed."""


class Config(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_signing_secret: SecretStr
    # One workspace: its bot token. Several: the three OAuth settings instead (see multi_workspace).
    slack_bot_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_state_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    database_url: str = "sqlite:///releasebot.db"
    slack_api_url: str = SLACK_API_DEFAULT
    port: int = Field(default=3000, ge=1, le=65535)
    releasebot_admins: str = ""
    releasebot_playbooks: Path | None = None
    releasebot_scheduler: str = "on"
    # The GIL serialises Python work anyway; a few threads keep tail latency lowest (see bench/RESULTS.md).
    web_threads: int = Field(default=4, ge=1, le=256)
    releasebot_health_max_age: float = Field(default=HEALTH_MAX_AGE_SECONDS, gt=0)
    # Where people reach ``serve`` from outside (https://releasebot.example.com): calendar links start with it.
    releasebot_public_url: str | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value() and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value or None

    @model_validator(mode="after")
    def _one_way_to_speak(self) -> Config:
        """A bot token (one workspace) or all three OAuth settings (any number of workspaces)."""
        oauth = {
            "slack_client_id": self.slack_client_id,
            "slack_client_secret": self.slack_client_secret,
            "slack_state_secret": self.slack_state_secret,
        }
        missing = [name.upper() for name, value in oauth.items() if not value]
        if len(missing) < len(oauth) and missing:
            raise ValueError(
                f"{missing[0]} is not set (installing in several workspaces needs all three OAuth settings)"
            )
        if missing and self.slack_bot_token is None:
            raise ValueError(
                "SLACK_BOT_TOKEN is not set (or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)"
            )
        return self

    @property
    def multi_workspace(self) -> bool:
        """Installed through OAuth in any number of workspaces (the three OAuth settings are set)."""
        return self.slack_client_id is not None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value() and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value or None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        # slack_sdk joins method names onto the base URL, which needs its trailing slash.
        return value if value.endswith("/") else value + "/"

    @field_validator("releasebot_public_url")
    @classmethod
    def _public_url_shape(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://releasebot.example.com")
        return value.rstrip("/")

    @field_validator("releasebot_playbooks")
    @classmethod
    def _playbooks_folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        return value

    @field_validator("releasebot_scheduler")
    @classmethod
    def _scheduler_switch(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"on", "off"}:
            raise ValueError("must be on or off")
        return value

    @property
    def admins(self) -> frozenset[str]:
        """User ids from RELEASEBOT_ADMINS (comma or space separated)."""
        return frozenset(part for part in self.releasebot_admins.replace(",", " ").split() if part)


def load_config(**overrides) -> Config:
    """Build settings from the environment (plus explicit overrides, for tests and the CLI)."""
    try:
        return Config(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        problem = "is not set" if first["type"] == "missing" else first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a rule across settings names them itself
            raise ConfigError(problem) from None
        raise ConfigError(f"{str(first['loc'][0]).upper()} {problem}") from None
