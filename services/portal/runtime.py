"""What the running portal holds: settings, its pool (its own sign-in tables only), its
signing key, the clock its rules read, the services' HTTP transports and its limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from starlette.requests import Request

from mip.core.app import migrate, request_pool
from mip.core.auth import Role
from mip.core.ratelimit import SlidingWindow
from mip.core.runtime import ServiceSpec
from mip.core.settings import Settings
from services.portal.config import PortalSettings
from services.portal.keys import SigningKeys

SERVICES = ("applications", "offers", "expenses", "notifications")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PortalRuntime:
    settings: Settings
    config: PortalSettings
    keys: SigningKeys
    pool: asyncpg.Pool
    # One connection pool per service, shared by every page's clients.
    transports: dict[str, httpx.AsyncHTTPTransport] = field(
        default_factory=lambda: {name: httpx.AsyncHTTPTransport() for name in SERVICES}
    )
    # The clock sign-in rules read (link and session expiry); tests move it.
    clock: Callable[[], datetime] = _now
    per_client: SlidingWindow = field(init=False)
    per_address: SlidingWindow = field(init=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        def seconds() -> float:
            return self.clock().timestamp()

        cfg = self.config
        self.per_client = SlidingWindow(
            limit=cfg.links_per_client, per_s=cfg.links_per_client_window_s, clock=seconds
        )
        self.per_address = SlidingWindow(
            limit=cfg.links_per_address, per_s=cfg.links_per_address_window_s, clock=seconds
        )

    @property
    def secure_cookies(self) -> bool:
        return self.settings.hardened

    def person_token(self, email: str, role: Role) -> str:
        """A token the services accept for a signed-in person, for one page's calls."""
        return self.keys.sign(
            self.settings, role=role, subject=email, ttl_s=self.config.token_ttl_s
        )

    def service_token(self) -> str:
        """The portal's own token, for what only a service may ask (whose address is a
        host contact)."""
        return self.keys.sign(self.settings, role=Role.service, subject="service:portal", ttl_s=60)

    def url(self, path: str) -> str:
        """An absolute address of the portal, as people reach it (links in e-mail)."""
        return self.settings.public_url("portal") + path

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` after the answer, keeping a reference until it ends."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait for background work (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        await self.settle()
        for transport in self.transports.values():
            await transport.aclose()


@asynccontextmanager
async def running(
    spec: ServiceSpec, settings: Settings, config: PortalSettings, keys: SigningKeys
) -> AsyncIterator[PortalRuntime]:
    """The runtime for as long as the portal serves: its sign-in tables migrated and its
    pool open first; its background work settled and its connections closed at the end."""
    await migrate(spec, settings)
    pool = await request_pool(spec, settings)
    try:
        runtime = PortalRuntime(settings=settings, config=config, keys=keys, pool=pool)
        try:
            yield runtime
        finally:
            await runtime.aclose()
    finally:
        await pool.close()


def portal_runtime(request: Request) -> PortalRuntime:
    runtime: PortalRuntime = request.app.state.runtime
    return runtime
