"""One settings object, read from the environment (``MINQING_*``) and validated at start."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"
ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MINQING_", env_file=".env", extra="ignore")

    # development/demo allow the placeholder secret; production refuses it.
    environment: Literal["development", "demo", "test", "production"] = "production"
    database_url: str = f"sqlite:///{ROOT / 'data' / 'minqing.sqlite'}"
    secret_key: str = PLACEHOLDER_SECRET

    access_token_minutes: int = 15
    refresh_token_days: int = 30
    # A phone on a bad link may send the same refresh token again after the answer was
    # lost; within this window that retry is honoured instead of treated as theft.
    refresh_grace_seconds: int = 120
    jwt_issuer: str = "minqing"
    jwt_audience: str = "minqing-api"

    login_failures_per_user: str = "5/minute"
    login_failures_per_address: str = "30/minute"

    max_body_bytes: int = 2 * 1024 * 1024
    max_ops_per_batch: int = 500
    max_pull_limit: int = 1000
    clock_skew_flag_seconds: int = 300

    pwa_dist: Path = ROOT / "pwa" / "dist"
    # Fault injection for tests that kill the server in the middle of a batch. Only
    # honoured when environment == "test" (backend/failpoints.py). The ready file is written
    # when a batch enters the window, so a test kills on that signal and not after a guess.
    failpoint_push_sleep_s: float = Field(default=0.0, ge=0)
    failpoint_ready_file: Path | None = None

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "Settings":
        if self.environment == "production" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "MINQING_SECRET_KEY is unset or too short: set it to a random string of at "
                "least 32 characters (python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or set MINQING_ENVIRONMENT=development for a local demo."
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
