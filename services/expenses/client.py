"""The typed client other services use to call the expenses service over HTTP."""

from __future__ import annotations

from mip.core.http import ServiceClient


class ExpensesClient(ServiceClient):
    """Calls the expenses service; domain calls are added beside its routes."""
