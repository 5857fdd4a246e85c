"""Settings only the office's pages read, built once at the portal's start.

- `MIP_TEMPORAL_UI_URL`: where people open the Temporal web UI (its public address, as the
  office's browser reaches it). `mip dev` sets it to the UI it starts, port offset and all;
  the default is the dev server's own address.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlencode

from pydantic import AnyHttpUrl, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OfficeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIP_", extra="ignore", frozen=True)

    temporal_ui_url: AnyHttpUrl = Field(default=AnyHttpUrl("http://127.0.0.1:8233"))


@lru_cache(maxsize=1)
def office_settings() -> OfficeSettings:
    """Read once per process, like every other setting."""
    return OfficeSettings()


def workflows_link(base: str, namespace: str, **attributes: str) -> str:
    """The Temporal UI's workflow list already filtered by a visibility query on search
    attributes, e.g. `RoundId="…" AND ApplicationStatus="offered"` (P1, P7)."""
    query = " AND ".join(f'{name}="{value}"' for name, value in attributes.items())
    params = urlencode({"query": query}, quote_via=quote)
    return f"{base.rstrip('/')}/namespaces/{quote(namespace, safe='')}/workflows?{params}"
