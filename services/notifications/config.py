"""Settings only the notifications service reads."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from mip.core.runtime import ServiceRuntime


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIP_MAIL_", extra="ignore", frozen=True)

    sender: str = "MIP Internship Office <internships@mip.example.org>"
    reply_to: str = "internships@mip.example.org"
    message_id_domain: str = "mip.example.org"
    smtp_timeout_s: float = 20.0


def mail_settings(runtime: ServiceRuntime) -> MailSettings:
    """The settings the notifications service built at start."""
    return runtime.config_as(MailSettings)
