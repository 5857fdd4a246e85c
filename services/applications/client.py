"""The typed client other services use to call the applications service over HTTP."""

from __future__ import annotations

from mip.core.http import ServiceClient


class ApplicationsClient(ServiceClient):
    """Calls the applications service; domain calls are added beside its routes."""
