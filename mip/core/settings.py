"""Settings every MIP process reads from its environment.

Development needs no configuration at all: every default points at what `mip dev` runs on
this machine. Production refuses to start with any development default that would be a
security hole (the shared dev signing secret, no service token).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "mip-dev-secret-do-not-use-in-production-0123456789"  # noqa: S105
MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MIP_", extra="ignore", frozen=True, populate_by_name=True
    )

    environment: Environment = Environment.development
    database_url: SecretStr = Field(
        default=SecretStr("postgresql://mip@127.0.0.1:25432/mip"),
        validation_alias=_env("DATABASE_URL", "MIP_DATABASE_URL"),
    )
    db_pool_min: int = Field(default=1, ge=0)
    db_pool_max: int = Field(default=10, ge=1)
    startup_timeout_s: float = Field(default=60.0, gt=0)
    # While the database is down or frozen a request must fail fast with a 503 rather than
    # hold its client for the driver's own defaults (60 s to connect, no limit on a query).
    # A stopped database fails at connect, in milliseconds; waiting for a pooled connection
    # is what a burst does too (200 submissions at once on two cores queue for seconds), so
    # the wait allowed is longer than a busy moment and shorter than a person's patience.
    db_acquire_timeout_s: float = Field(default=5.0, gt=0)
    db_connect_timeout_s: float = Field(default=5.0, gt=0)
    db_statement_timeout_s: float = Field(default=10.0, gt=0)

    temporal_address: str = Field(
        default="127.0.0.1:7233", validation_alias=_env("TEMPORAL_ADDRESS", "MIP_TEMPORAL_ADDRESS")
    )
    temporal_namespace: str = Field(
        default="default", validation_alias=_env("TEMPORAL_NAMESPACE", "MIP_TEMPORAL_NAMESPACE")
    )

    smtp_url: str = Field(
        default="smtp://127.0.0.1:1025", validation_alias=_env("SMTP_URL", "MIP_SMTP_URL")
    )

    # Shared-secret (HS256) signing; unset in development means the public dev secret.
    jwt_secret: SecretStr | None = None
    jwt_public_key: str | None = None
    jwt_jwks_url: str | None = None
    jwt_issuer: str = "mip"
    jwt_audience: str = "mip"
    # No token is accepted (or minted by `mip token`) that lives longer than this.
    jwt_max_lifetime_s: int = Field(default=24 * 3600, gt=0)
    # What this service presents when it calls another; minted from the dev secret in development.
    service_token: SecretStr | None = None

    applications_url: str = "http://127.0.0.1:8001"
    offers_url: str = "http://127.0.0.1:8002"
    expenses_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    # The web portal (services/portal): where people sign in; it issues their tokens.
    portal_url: str = "http://127.0.0.1:8000"
    # Where people reach each service, for links in e-mail; unset: the address above.
    applications_public_url: str | None = None
    offers_public_url: str | None = None
    expenses_public_url: str | None = None
    notifications_public_url: str | None = None
    portal_public_url: str | None = None

    # The internship office's address: told of bookings, withdrawals and claims. The
    # per-service names it once had are still read.
    office_email: str = Field(
        default="internships@mip.example.org",
        validation_alias=_env(
            "MIP_OFFICE_EMAIL", "MIP_APPLICATIONS_OFFICE_EMAIL", "MIP_EXPENSES_OFFICE_EMAIL"
        ),
    )

    # Prefixes every task queue, so two deployments (or two tests) can share a namespace.
    task_queue_prefix: str = ""

    log_level: str = "INFO"
    log_json: bool = False

    @property
    def production(self) -> bool:
        return self.environment is Environment.production

    def public_url(self, service: str) -> str:
        """Where a person reaches `service` (links in e-mail), without a trailing slash."""
        url: str = getattr(self, f"{service}_public_url") or getattr(self, f"{service}_url")
        return url.rstrip("/")

    def queue(self, base: str) -> str:
        return self.task_queue_prefix + base

    @property
    def signing_secret(self) -> str | None:
        """The HS256 secret tokens are checked against, if any."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return None if self.production else DEV_JWT_SECRET

    @model_validator(mode="after")
    def _refuse_dev_defaults_in_production(self) -> Self:
        if not self.production:
            return self
        problems = []
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else None
        if secret == DEV_JWT_SECRET:
            problems.append("MIP_JWT_SECRET is the public development secret")
        elif secret is not None and len(secret) < MIN_SECRET_LENGTH:
            problems.append(f"MIP_JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters")
        if not (secret or self.jwt_public_key or self.jwt_jwks_url):
            problems.append("set MIP_JWT_PUBLIC_KEY or MIP_JWT_JWKS_URL to verify tokens")
        if self.service_token is None:
            problems.append("set MIP_SERVICE_TOKEN for calls between services")
        if problems:
            raise ValueError("production settings refused: " + "; ".join(problems))
        return self
