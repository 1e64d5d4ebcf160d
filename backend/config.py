"""One settings object, read from the environment (``MINQING_*``) and validated at start."""

import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"
ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "secret_key"

log = logging.getLogger("minqing.config")


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
    # Where a generated secret key is kept when MINQING_SECRET_KEY is unset outside
    # production, for a database that is not a SQLite file (that one keeps it beside itself).
    data_dir: Path = ROOT / "data"
    # Visit photos' bytes, by SHA-256 (backend/photos/storage.py). Unset: a ``media``
    # directory beside the SQLite file (or in data_dir). Back it up with the database.
    media_dir: Path | None = None
    # XLSX exports building at once; one more answers 429 with Retry-After.
    max_concurrent_exports: int = Field(default=2, ge=1)
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
        if self.secret_key == PLACEHOLDER_SECRET and self.environment in ("development", "demo"):
            # The placeholder is public: anyone could sign an admin's token with it.
            self.secret_key = _local_secret(self._secret_dir())
        return self

    def media_path(self) -> Path:
        """Where photos' bytes are kept: MINQING_MEDIA_DIR, or ``media`` beside the database."""
        return self.media_dir or self._secret_dir() / "media"

    def _secret_dir(self) -> Path:
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix(prefix).split("?")[0]).parent
        return self.data_dir


def _local_secret(directory: Path) -> str:
    """The random key of this data directory, made once (mode 0600) and read after."""
    path = directory / SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    log.warning("MINQING_SECRET_KEY is unset: generated a random secret key in %s", path)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
