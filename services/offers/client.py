"""The typed client other services use to call the offers service over HTTP."""

from __future__ import annotations

from mip.core.http import ServiceClient


class OffersClient(ServiceClient):
    """Calls the offers service; domain calls are added beside its routes."""
