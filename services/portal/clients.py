"""The four services' typed clients, bound to one token, for one page.

`PortalServices` (the `Services` dependency in web.py) holds `.applications`, `.offers`,
`.expenses` and `.notifications`: the clients from services/<name>/client.py, made on
first use, sharing the runtime's connection pools. A service that does not answer, or
answers 5xx, raises `Unavailable` naming it; web.py turns that into the friendly page
errors/unavailable.html. A 4xx answer is the client's `RemoteProblem` as usual, for the
page to show (see forms.py) or, if it does not, errors.py.
"""

from __future__ import annotations

from functools import cached_property
from typing import TypeVar

import httpx

from mip.core.http import ServiceClient
from services.applications.client import ApplicationsClient
from services.expenses.client import ExpensesClient
from services.notifications.client import NotificationsClient
from services.offers.client import OffersClient
from services.portal.runtime import PortalRuntime

C = TypeVar("C", bound=ServiceClient)
# What a person calls each service, for "… is not available just now".
WHAT = {
    "applications": "Placements and applications",
    "offers": "Offers and rankings",
    "expenses": "Expense claims",
    "notifications": "Email and the alerts list",
    "portal": "Signing in",
}


class Unavailable(Exception):
    """A service did not answer, or answered 5xx: nothing it was asked to do can be assumed."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.what = WHAT.get(service, service)
        self.detail = detail


class NamedTransport(httpx.AsyncBaseTransport):
    """The runtime's shared transport to one service, raising `Unavailable` for it."""

    def __init__(self, name: str, inner: httpx.AsyncBaseTransport) -> None:
        self._name = name
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
        except httpx.TransportError as exc:
            raise Unavailable(self._name, f"no answer ({type(exc).__name__})") from exc
        if response.status_code >= 500:
            await response.aclose()
            raise Unavailable(self._name, f"answered {response.status_code}")
        return response

    async def aclose(self) -> None:
        """The pool outlives one page's client: the runtime closes it at shutdown."""


def transport_for(runtime: PortalRuntime, name: str) -> NamedTransport:
    """A client's transport to service `name`: the runtime's pool, `Unavailable` on 5xx."""
    return NamedTransport(name, runtime.transports[name])


class PortalServices:
    """One page's clients, bound to one token: a person's, the portal's own
    (`runtime.service_token()`, for what only a service may ask), or None (a visitor)."""

    def __init__(self, runtime: PortalRuntime, token: str | None) -> None:
        self._runtime = runtime
        self._token = token
        self._made: list[ServiceClient] = []

    def _client(self, kind: type[C], name: str, url: str) -> C:
        client = kind(url, self._token, transport=transport_for(self._runtime, name))
        self._made.append(client)
        return client

    @cached_property
    def applications(self) -> ApplicationsClient:
        url = self._runtime.settings.applications_url
        return self._client(ApplicationsClient, "applications", url)

    @cached_property
    def offers(self) -> OffersClient:
        return self._client(OffersClient, "offers", self._runtime.settings.offers_url)

    @cached_property
    def expenses(self) -> ExpensesClient:
        return self._client(ExpensesClient, "expenses", self._runtime.settings.expenses_url)

    @cached_property
    def notifications(self) -> NotificationsClient:
        url = self._runtime.settings.notifications_url
        return self._client(NotificationsClient, "notifications", url)

    async def aclose(self) -> None:
        for client in self._made:
            await client.aclose()

    async def __aenter__(self) -> PortalServices:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()
