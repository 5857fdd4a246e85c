"""Settings every MIP process reads from its environment.

Development needs no configuration at all: every default points at what `mip dev` runs on
this machine. Production refuses to start with any development default that would be a
security hole (the shared dev signing secret, no service token).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mip.core.payload_keys import (
    DEV_PAYLOAD_KEYS,
    DEV_SEARCH_HASH_KEY,
    PayloadKey,
    key_problems,
    parse_payload_keys,
    search_hash,
)

DEV_JWT_SECRET = "mip-dev-secret-do-not-use-in-production-0123456789"  # noqa: S105
MIN_SECRET_LENGTH = 32


PLACEHOLDER = "change-me"  # what deploy/.env.example leaves for the operator to replace


def names(value: Any) -> Any:
    """A list setting as people write it in an environment: a JSON list, or names separated
    by commas; each name stripped, empty ones dropped. Anything else is left to validation."""
    if isinstance(value, str):
        text = value.strip()
        value = json.loads(text) if text.startswith("[") else text.split(",")
    if isinstance(value, list | tuple):
        stripped = (n.strip() if isinstance(n, str) else n for n in value)
        return tuple(n for n in stripped if n != "")
    return value


class Environment(StrEnum):
    development = "development"
    test = "test"
    # Production's rules for secrets, and rehearsal rounds allowed: a rehearsal deployment.
    staging = "staging"
    production = "production"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    # An empty variable is an unset one: compose passes `${X:-}` for what .env leaves out.
    model_config = SettingsConfigDict(
        env_prefix="MIP_",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
        env_ignore_empty=True,
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
    # Opening a connection is a fork and a few round trips, slow on a busy server; once the
    # database has failed to answer, connections get only `db_answer_timeout_s` instead.
    db_connect_timeout_s: float = Field(default=5.0, gt=0)
    # A statement's work: a heavy legitimate query has this long. The server cancels it
    # then and the connection stays usable.
    db_statement_timeout_s: float = Field(default=10.0, gt=0)
    # Whether the database answers at all: a request's connection is pinged first (unless
    # the server answered a moment ago), and /healthz's always, and a server that answers
    # no query on any connection for this long is down: a 503. A frozen server (a paused
    # container, a hung host) keeps its sockets open and answers nothing, so only such a
    # bound finds it, and a load balancer's probe gives up after 1 s. Kept apart from the
    # statement timeout so that no query is cut short by it: a ping on a live server
    # takes milliseconds, and a busy one is still answering someone.
    db_answer_timeout_s: float = Field(default=0.5, gt=0)

    temporal_address: str = Field(
        default="127.0.0.1:7233", validation_alias=_env("TEMPORAL_ADDRESS", "MIP_TEMPORAL_ADDRESS")
    )
    temporal_namespace: str = Field(
        default="default", validation_alias=_env("TEMPORAL_NAMESPACE", "MIP_TEMPORAL_NAMESPACE")
    )
    # A Temporal cluster behind TLS (mTLS, or an API key as Temporal Cloud takes): files
    # are PEM paths. TLS is on when any of these is set, unless MIP_TEMPORAL_TLS=false.
    temporal_tls: bool | None = None
    temporal_tls_ca_file: str | None = None
    temporal_tls_cert_file: str | None = None
    temporal_tls_key_file: str | None = None
    temporal_tls_server_name: str | None = None
    temporal_api_key: SecretStr | None = None
    # What Temporal stores is ciphertext (payload_keys.py): `id:base64` AES-256 keys, the
    # first encrypting, all decrypting; and the key addresses are hashed with for search.
    # Unset outside production and staging: the public development keys.
    payload_keys: SecretStr | None = None
    search_hash_key: SecretStr | None = None

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
    # Where people reach the portal: every link in MIP's e-mail opens one of its pages.
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

    # Peers whose X-Forwarded-For / -Proto are believed (comma-separated IPs or CIDRs, or
    # "*"): the reverse proxy or portal in front. Anyone else's headers are ignored, so a
    # client cannot pick the address the alerts rate limit counts it under.
    forwarded_allow_ips: str = "127.0.0.1"
    # How long a stopping process lets requests in flight and running activities finish.
    shutdown_grace_s: float = Field(default=10.0, ge=0)
    # How long an idle kept-alive connection stays open. Longer than a client's pool keeps
    # one idle (httpx 5 s, browsers and load balancers up to 60 s): at uvicorn's own 5 s,
    # the server closed connections just as a client reused them, and the request on them
    # failed with a read error (issue 24 item 6).
    http_keep_alive_s: int = Field(default=75, ge=1, le=3600)

    # The retention schedule (docs/privacy.md), in days after the instant each names; a
    # rehearsal round runs the same schedule with each day lasting `retain_rehearsal_day_s`:
    # a minute, so a rehearsal's CVs outlast its walk-through (90 days: an hour and a half)
    # and a test that watches the schedule sets fractions of a second.
    retain_unplaced_cv_days: float = Field(default=90, ge=0)
    retain_placed_cv_days: float = Field(default=90, ge=0)
    retain_equal_opportunities_days: float = Field(default=0, ge=0)
    retain_message_body_days: float = Field(default=180, ge=0)
    retain_finance_years: float = Field(default=6, ge=0)
    retain_application_days: float = Field(default=730, ge=0)
    retain_rehearsal_day_s: float = Field(default=60.0, gt=0)
    # The rest of the schedule, data that belongs to no round: swept every
    # `housekeeping_every_s` by the deployment's HousekeepingWorkflow (the portal's
    # sessions by the portal itself), each counted from its own instant.
    retain_support_days: float = Field(default=90, ge=0)
    retain_alerts_pending_days: float = Field(default=30, ge=0)
    retain_outbox_days: float = Field(default=30, ge=0)
    retain_session_days: float = Field(default=30, ge=0)
    housekeeping_every_s: float = Field(default=24 * 3600, gt=0)

    log_level: str = "INFO"
    log_json: bool = False

    @property
    def production(self) -> bool:
        return self.environment is Environment.production

    @property
    def allows_rehearsals(self) -> bool:
        """Whether rehearsal rounds (minutes apart, moved on by hand) may be made: anywhere
        but production, where every round keeps the programme's calendar."""
        return self.environment is not Environment.production

    @property
    def hardened(self) -> bool:
        """Whether development defaults are refused: production, and its rehearsal."""
        return self.environment in (Environment.production, Environment.staging)

    def public_url(self, service: str) -> str:
        """Where a person reaches `service` (links in e-mail), without a trailing slash."""
        url: str = getattr(self, f"{service}_public_url", None) or getattr(self, f"{service}_url")
        return url.rstrip("/")

    def queue(self, base: str) -> str:
        return self.task_queue_prefix + base

    @property
    def signing_secret(self) -> str | None:
        """The HS256 secret tokens are checked against, if any."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return None if self.hardened else DEV_JWT_SECRET

    @property
    def payload_keyring(self) -> tuple[PayloadKey, ...]:
        """The codec's keys, the encrypting one first (the development key when unset)."""
        text = self.payload_keys.get_secret_value() if self.payload_keys else None
        return parse_payload_keys(text or DEV_PAYLOAD_KEYS)

    def applicant_key(self, address: str) -> str:
        """The `ApplicantKey` search attribute of an applicant's address."""
        key = self.search_hash_key
        secret = key.get_secret_value() if key else DEV_SEARCH_HASH_KEY
        return search_hash(secret, address)

    @model_validator(mode="after")
    def _refuse_dev_defaults_in_production(self) -> Self:
        problems = _temporal_tls_problems(self) + _payload_key_problems(self)
        if self.hardened:
            problems += _production_problems(self)
        if problems:
            which = f"{self.environment.value} settings" if self.hardened else "settings"
            raise ValueError(f"{which} refused: " + "; ".join(problems))
        return self


def _production_problems(settings: Settings) -> list[str]:
    problems = []
    secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
    if secret == DEV_JWT_SECRET:
        problems.append("MIP_JWT_SECRET is the public development secret")
    elif secret is not None and len(secret) < MIN_SECRET_LENGTH:
        problems.append(f"MIP_JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters")
    if not (secret or settings.jwt_public_key or settings.jwt_jwks_url):
        problems.append("set MIP_JWT_PUBLIC_KEY or MIP_JWT_JWKS_URL to verify tokens")
    # With the shared secret each service mints its own short-lived service tokens; with
    # a public key or JWKS only the IdP can issue one.
    if settings.service_token is None and secret is None:
        problems.append("set MIP_SERVICE_TOKEN for calls between services")
    secrets = {
        "DATABASE_URL": settings.database_url,
        "MIP_JWT_SECRET": settings.jwt_secret,
        "MIP_SERVICE_TOKEN": settings.service_token,
        "SMTP_URL": SecretStr(settings.smtp_url),
        "MIP_TEMPORAL_API_KEY": settings.temporal_api_key,
        "MIP_PAYLOAD_KEYS": settings.payload_keys,
        "MIP_SEARCH_HASH_KEY": settings.search_hash_key,
    }
    for name, value in secrets.items():
        if value is not None and PLACEHOLDER in value.get_secret_value().lower():
            problems.append(f"{name} still holds the placeholder {PLACEHOLDER!r}")
    # Every link in e-mail opens the portal: without its public address the links would
    # name the address services reach it at, which no person can open.
    if not settings.portal_public_url:
        problems.append("set MIP_PORTAL_PUBLIC_URL to where people reach the portal")
    return problems


def _payload_key_problems(settings: Settings) -> list[str]:
    payload = settings.payload_keys.get_secret_value() if settings.payload_keys else ""
    search = settings.search_hash_key.get_secret_value() if settings.search_hash_key else ""
    return key_problems(payload, search, hardened=settings.hardened)


def _temporal_tls_problems(settings: Settings) -> list[str]:
    cert, key = settings.temporal_tls_cert_file, settings.temporal_tls_key_file
    problems = []
    if bool(cert) != bool(key):
        problems.append(
            "MIP_TEMPORAL_TLS_CERT_FILE and MIP_TEMPORAL_TLS_KEY_FILE go together: a client "
            "certificate is presented with its key"
        )
    tls_parts = (
        settings.temporal_tls_ca_file,
        cert,
        key,
        settings.temporal_tls_server_name,
    )
    if settings.temporal_tls is False and any(tls_parts):
        problems.append("MIP_TEMPORAL_TLS=false contradicts the MIP_TEMPORAL_TLS_* files given")
    if settings.temporal_tls is False and settings.temporal_api_key is not None:
        problems.append(
            "MIP_TEMPORAL_API_KEY needs TLS: with MIP_TEMPORAL_TLS=false it would cross "
            "the network in clear text"
        )
    return problems
