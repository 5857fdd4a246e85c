"""Settings only the portal reads (`MIP_PORTAL_*`, plus `MIP_OFFICE_EMAILS`,
`MIP_APPLICANT_DOMAINS` and `MIP_TEMPORAL_UI_URL`), built once at start and kept on the
runtime (`runtime.config`).

- `MIP_PORTAL_SIGNING_KEY_FILE` (a PEM file) or `MIP_PORTAL_SIGNING_KEY` (the PEM itself):
  the private key the portal signs people's tokens with (Ed25519, or EC P-256). Production
  refuses to start without one; development makes one up for the process, and `mip dev`
  keeps one under its data directory.
- `MIP_OFFICE_EMAILS`: who signs in as the office (a JSON list or comma-separated).
- `MIP_APPLICANT_DOMAINS`: when set, only addresses at these domains (or their
  subdomains) sign in as applicants; hosts and the office sign in wherever they are.
- `MIP_TEMPORAL_UI_URL`: where the office opens the Temporal web UI (its public address, as
  the office's browser reaches it). `mip dev` sets it to the UI it starts, port offset and
  all; the default is the dev server's own address.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from mip.core.settings import names

Names = Annotated[tuple[str, ...], NoDecode]


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MIP_PORTAL_", extra="ignore", frozen=True, populate_by_name=True
    )

    signing_key_file: Path | None = None
    signing_key: SecretStr | None = None
    office_emails: Names = Field(
        default=("internships@mip.example.org",),
        validation_alias=AliasChoices("MIP_OFFICE_EMAILS", "office_emails"),
    )
    applicant_domains: Names = Field(
        default=(), validation_alias=AliasChoices("MIP_APPLICANT_DOMAINS", "applicant_domains")
    )
    temporal_ui_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:8233"),
        validation_alias=AliasChoices("MIP_TEMPORAL_UI_URL", "temporal_ui_url"),
    )
    # The services' tokens are minted per page: short, so a leaked one is soon useless.
    token_ttl_s: int = Field(default=300, ge=30, le=3600)
    session_ttl_s: int = Field(default=8 * 3600, ge=300, le=7 * 24 * 3600)
    link_ttl_s: int = Field(default=15 * 60, ge=60, le=3600)
    # How many sign-in links one client, and one address, may ask for.
    links_per_client: int = Field(default=10, ge=1)
    links_per_client_window_s: float = Field(default=600, gt=0)
    links_per_address: int = Field(default=3, ge=1)
    links_per_address_window_s: float = Field(default=3600, gt=0)

    @field_validator("office_emails", "applicant_domains", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        value = names(value)
        if isinstance(value, tuple):
            return tuple(n.lower().lstrip("@") for n in value)
        return value

    def private_key_pem(self) -> bytes | None:
        """The configured private key, if any: the secret, else the file's content."""
        if self.signing_key is not None:
            return self.signing_key.get_secret_value().encode()
        if self.signing_key_file is not None:
            return self.signing_key_file.read_bytes()
        return None
