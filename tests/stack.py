"""Run services in-process, on the real servers, the way `mip dev` runs them as processes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from mip.core.settings import Settings
from mip.core.temporal import connect
from workflows.worker import build_worker


@dataclass
class Stack:
    settings: Settings
    temporal: Client
    http: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    apps: dict[str, FastAPI] = field(default_factory=dict)


@asynccontextmanager
async def running_stack(
    settings: Settings, **factories: Callable[[Settings], FastAPI]
) -> AsyncIterator[Stack]:
    """Each named app with its lifespan (pool, migrations, activity worker), plus the
    workflow worker; `stack.http[name]` talks to an app over ASGI."""
    async with AsyncExitStack() as exits:
        client = await connect(settings)
        stack = Stack(settings=settings, temporal=client)
        for name, factory in factories.items():
            app = factory(settings)
            await exits.enter_async_context(app.router.lifespan_context(app))
            await app.state.runtime.temporal.wait_connected(10)
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            stack.http[name] = await exits.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url=f"http://{name}")
            )
            stack.apps[name] = app
        await exits.enter_async_context(build_worker(client, settings))
        yield stack
