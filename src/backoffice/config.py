"""Settings from the environment and an optional .env file, checked at start-up."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
# src/backoffice -> repository root, where config/ lives for a checkout.
DEFAULT_CONFIG_DIR = PACKAGE_DIR.parent.parent / "config"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default=Path("var"), alias="BACKOFFICE_DATA_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    config_dir: Path = Field(default=DEFAULT_CONFIG_DIR, alias="BACKOFFICE_CONFIG_DIR")
    worker: Literal["inprocess", "external"] = Field(default="inprocess",
                                                     alias="BACKOFFICE_WORKER")
    worker_concurrency: int = Field(default=2, ge=1, le=64,
                                    alias="BACKOFFICE_WORKER_CONCURRENCY")
    # A worker that has not sent a heartbeat for this long is presumed dead and its
    # jobs are retried by the others.
    heartbeat_seconds: float = Field(default=10.0, gt=0, alias="BACKOFFICE_HEARTBEAT_SECONDS")
    stalled_after_seconds: float = Field(default=30.0, gt=0,
                                         alias="BACKOFFICE_STALLED_AFTER_SECONDS")
    # A generation left queued or running with nothing in the queue for it (its process
    # died) is queued again after this long, at most max_requeues times, then failed.
    sweep_after_seconds: float = Field(default=60.0, gt=0, alias="BACKOFFICE_SWEEP_AFTER_SECONDS")
    max_requeues: int = Field(default=3, ge=0, le=100, alias="BACKOFFICE_MAX_REQUEUES")
    # Times the queue runs a generation step again after a transient fault (database
    # away, disk full), with backoff from 4 s to 60 s, before the job fails visibly.
    job_retries: int = Field(default=6, ge=0, le=40, alias="BACKOFFICE_JOB_RETRIES")
    # /readyz reports the queue stuck when work has waited this long with nothing running.
    stuck_after_seconds: float = Field(default=300.0, gt=0,
                                       alias="BACKOFFICE_STUCK_AFTER_SECONDS")
    language: Literal["fr", "en"] = Field(default="fr", alias="BACKOFFICE_LANGUAGE")
    host: str = Field(default="127.0.0.1", alias="HOST")
    port: int = Field(default=8001, ge=1, le=65535, alias="PORT")
    quality_retries: int = Field(default=5, ge=0, le=50, alias="BACKOFFICE_QUALITY_RETRIES")

    openrouter_api_key: str | None = Field(default=None, alias="OPENROUTER_API_KEY")
    openrouter_base_url: str = Field(default="https://openrouter.ai/api/v1",
                                     alias="OPENROUTER_BASE_URL")
    gemini_api_key: str | None = Field(default=None, alias="GEMINI_API_KEY")
    gemini_base_url: str = Field(default="https://generativelanguage.googleapis.com/v1beta",
                                 alias="GEMINI_BASE_URL")
    comfyui_url: str | None = Field(default=None, alias="COMFYUI_URL")
    # Local AI (providers/diffusers.py): where model folders named in models.yml are
    # looked for; default <data dir>/models.
    models_dir_setting: Path | None = Field(default=None, alias="BACKOFFICE_MODELS_DIR")

    # Accounts and security (features/accounts).
    session_idle_minutes: int = Field(default=120, ge=1, le=7 * 24 * 60,
                                      alias="BACKOFFICE_SESSION_IDLE_MINUTES")
    session_max_hours: int = Field(default=12, ge=1, le=24 * 90,
                                   alias="BACKOFFICE_SESSION_MAX_HOURS")
    login_max_failures_account: int = Field(default=5, ge=1, le=1000,
                                            alias="BACKOFFICE_LOGIN_MAX_FAILURES_ACCOUNT")
    login_max_failures_ip: int = Field(default=50, ge=1, le=10000,
                                       alias="BACKOFFICE_LOGIN_MAX_FAILURES_IP")
    # After the free tries of an account from one address: wait this, then twice as long
    # after each further failure (up to the window).
    login_backoff_seconds: float = Field(default=5.0, gt=0, le=3600,
                                         alias="BACKOFFICE_LOGIN_BACKOFF_SECONDS")
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60,
                                      alias="BACKOFFICE_LOGIN_WINDOW_MINUTES")
    max_body_mb: float = Field(default=10.0, gt=0, le=1024, alias="BACKOFFICE_MAX_BODY_MB")
    # Forms and JSON are small; only multipart (files) may use the whole body limit.
    max_form_kb: int = Field(default=1024, ge=1, le=1024 * 1024, alias="BACKOFFICE_MAX_FORM_KB")
    max_form_fields: int = Field(default=2000, ge=10, le=100_000,
                                 alias="BACKOFFICE_MAX_FORM_FIELDS")
    # Addresses (IPs or CIDR networks, comma-separated) of reverse proxies whose
    # X-Forwarded-For / X-Forwarded-Proto are believed. Empty: nobody's.
    trusted_proxies: str = Field(default="", alias="BACKOFFICE_TRUSTED_PROXIES")
    # Bringing one's own art (features/uploads): the upload routes' own body limit, and
    # what one upload may expand to (files, pixels, zip contents).
    max_upload_mb: float = Field(default=200.0, gt=0, le=4096, alias="BACKOFFICE_MAX_UPLOAD_MB")
    upload_max_files: int = Field(default=500, ge=1, le=5000, alias="BACKOFFICE_UPLOAD_MAX_FILES")
    upload_max_unzipped_mb: float = Field(default=1024.0, gt=0, le=16384,
                                          alias="BACKOFFICE_UPLOAD_MAX_UNZIPPED_MB")
    upload_max_megapixels: int = Field(default=90, ge=1, le=1000,
                                       alias="BACKOFFICE_UPLOAD_MAX_MEGAPIXELS")

    # Where pages and files are kept (storage/): this machine's files/ folder, or an
    # S3-compatible bucket shared by every machine. Credentials: the usual AWS variables
    # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE).
    storage: Literal["filesystem", "s3"] = Field(default="filesystem",
                                                 alias="BACKOFFICE_STORAGE")
    s3_bucket: str | None = Field(default=None, alias="BACKOFFICE_S3_BUCKET")
    s3_prefix: str = Field(default="", max_length=200, alias="BACKOFFICE_S3_PREFIX")
    s3_endpoint_url: str | None = Field(default=None, alias="BACKOFFICE_S3_ENDPOINT_URL")
    s3_region: str | None = Field(default=None, alias="BACKOFFICE_S3_REGION")
    # 0: downloads are streamed by the app; N: they redirect to a URL valid N seconds.
    s3_presign_seconds: int = Field(default=0, ge=0, le=7 * 24 * 3600,
                                    alias="BACKOFFICE_S3_PRESIGN_SECONDS")
    # The local copies of objects that PDF building, preflight and thumbnails read.
    s3_cache_mb: float = Field(default=2048, ge=16, alias="BACKOFFICE_S3_CACHE_MB")

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (PostgreSQL 16)")
        if value.startswith("postgres://"):
            value = "postgresql://" + value[len("postgres://"):]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        import ipaddress

        for item in (part.strip() for part in value.split(",")):
            if item:
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @field_validator("s3_bucket", "s3_endpoint_url", "s3_region")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("s3_bucket")
    @classmethod
    def _bucket_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", value):
            raise ValueError("a bucket name: 3 to 63 lowercase letters, digits, dots or "
                             "hyphens")
        return value

    @field_validator("s3_endpoint_url")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("must be an http:// or https:// URL, such as "
                                 "http://127.0.0.1:9000")
        return value

    @field_validator("s3_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        value = value.strip().strip("/")
        if value and not re.fullmatch(r"[A-Za-z0-9._\-/]+", value):
            raise ValueError("letters, digits, '.', '_', '-' and '/' only")
        return value + "/" if value else ""

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("BACKOFFICE_S3_BUCKET must be set when BACKOFFICE_STORAGE is s3")
        return self

    def s3_identity(self) -> tuple[object, ...]:
        return (self.s3_endpoint_url, self.s3_bucket, self.s3_prefix, self.s3_region,
                self.s3_presign_seconds, self.s3_cache_mb)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)

    @property
    def max_form_bytes(self) -> int:
        return min(self.max_form_kb * 1024, self.max_body_bytes)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def storage_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def pgdata_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def models_dir(self) -> Path:
        return self.models_dir_setting or self.data_dir / "models"

    @property
    def themes_dir(self) -> Path:
        return self.config_dir / "themes"

    @property
    def listing_dir(self) -> Path:
        """The listing copy of every theme (config/listing/themes.yml)."""
        return self.config_dir / "listing"

    @property
    def models_file(self) -> Path:
        return self.config_dir / "generation" / "models.yml"


class SettingsError(ValueError):
    pass


def describe_validation_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    name = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    # A rule over several settings (a model validator) names them in its message.
    return f"invalid setting {name}: {message}" if name else f"invalid settings: {message}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None
