"""The whole of MIP in-process for browser tests: the four services, the workflow worker
and the portal, each behind a real socket on loopback, on real PostgreSQL, Temporal and
SMTP. The services check people's tokens against the portal's JWKS (as `mip dev` sets
them up) and still take the dev secret's, which `api_as` uses to set data up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from launcher.mailcatcher import MailCatcher
from mip.core.settings import Settings
from mip.core.temporal import connect
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from services.portal.app import create_app as portal_app
from services.portal.config import PortalSettings
from services.portal.runtime import PortalRuntime
from tests.support.servers import free_port
from tests.support.stack import _serving
from workflows.worker import serving

OFFICE = "office@example.org"
SERVICE_APPS = {
    "applications": applications_app,
    "offers": offers_app,
    "expenses": expenses_app,
    "notifications": notifications_app,
}


@dataclass
class PortalStack:
    """`url`: the portal's address; `smtp`: every e-mail sent; `portal`: the portal app
    (its `runtime` holds the clock and limits a test may move); `apps`/`http`: the
    services, as tests/support/stack.py has them."""

    url: str
    settings: Settings
    temporal: Client
    smtp: MailCatcher
    portal: FastAPI
    apps: dict[str, FastAPI]
    http: dict[str, httpx.AsyncClient]

    @property
    def runtime(self) -> PortalRuntime:
        runtime: PortalRuntime = self.portal.state.runtime
        return runtime


def portal_settings_for_tests() -> PortalSettings:
    """Office at OFFICE; limits high enough for a whole suite's sign-ins from 127.0.0.1
    (a test of the limits puts tight ones on the runtime for its own time)."""
    return PortalSettings(office_emails=(OFFICE,), links_per_client=10_000, links_per_address=1000)


@asynccontextmanager
async def running_portal_stack(settings: Settings, smtp: MailCatcher) -> AsyncIterator[PortalStack]:
    ports = {name: free_port() for name in ("portal", *SERVICE_APPS)}
    urls = {f"{name}_url": f"http://127.0.0.1:{port}" for name, port in ports.items()}
    settings = settings.model_copy(
        update={
            **urls,
            "smtp_url": smtp.url,
            "jwt_jwks_url": urls["portal_url"] + "/.well-known/jwks.json",
        }
    )
    async with AsyncExitStack() as exits:
        client = await connect(settings)
        portal = portal_app(settings, portal_settings_for_tests())
        await exits.enter_async_context(_serving(portal, ports["portal"]))
        apps, http = {}, {}
        for name, factory in SERVICE_APPS.items():
            app = factory(settings)
            await exits.enter_async_context(_serving(app, ports[name]))
            await app.state.runtime.temporal.wait_connected(10)
            apps[name] = app
            http[name] = await exits.enter_async_context(
                httpx.AsyncClient(base_url=urls[f"{name}_url"], timeout=30)
            )
        await exits.enter_async_context(serving(client, settings))
        yield PortalStack(
            url=urls["portal_url"],
            settings=settings,
            temporal=client,
            smtp=smtp,
            portal=portal,
            apps=apps,
            http=http,
        )
