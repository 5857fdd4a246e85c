"""Settings only the applications service reads."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.requests import Request

from mip.core.runtime import ServiceRuntime
from services.applications.applicants.eligibility import DEFAULT_ALLOWANCE
from services.applications.applicants.schemas import Division


class ApplicationsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIP_APPLICATIONS_", extra="ignore", frozen=True)

    # R8's table, as JSON in the environment: {"medical_sciences": 5, "social_sciences": null}.
    allowance_days: dict[Division, int | None] = Field(
        default_factory=lambda: dict(DEFAULT_ALLOWANCE)
    )
    cv_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    statement_max_chars: int = Field(default=20_000, ge=1000)


def applications_settings(runtime: ServiceRuntime) -> ApplicationsSettings:
    """The settings the applications service built at start."""
    return runtime.config_as(ApplicationsSettings)


def cv_limit(request: Request) -> int:
    """The CV size limit, read before the request's body is."""
    return applications_settings(request.app.state.runtime).cv_max_bytes
