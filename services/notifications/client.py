"""The typed client other services use to call the notifications service over HTTP."""

from __future__ import annotations

from mip.core.http import ServiceClient


class NotificationsClient(ServiceClient):
    """Calls the notifications service; domain calls are added beside its routes."""
