"""Run services in-process on the real servers, each behind a real HTTP socket on loopback,
the way `mip dev` runs them as processes: services can call each other over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import httpx
import uvicorn
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.runtime import Runtime

from mip.core.settings import Settings
from mip.core.temporal import connect
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.servers import free_port
from workflows.worker import serving


@dataclass
class Stack:
    settings: Settings
    temporal: Client
    http: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    apps: dict[str, FastAPI] = field(default_factory=dict)


@asynccontextmanager
async def _serving(app: FastAPI, port: int) -> AsyncIterator[None]:
    # Idle connections kept as long as `mip serve` keeps them (launcher/serve.py): at
    # uvicorn's 5 s, the server closed a connection just as httpx's pool (also 5 s) sent
    # the next request on it, and the request failed with ReadError.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        log_level="warning",
        timeout_keep_alive=Settings.model_fields["http_keep_alive_s"].default,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(30):
            while not server.started:
                if task.done():
                    task.result()  # the reason it could not start
                await asyncio.sleep(0.05)
        yield
    finally:
        server.should_exit = True
        await task


def running_stack(
    settings: Settings, **factories: Callable[[Settings], FastAPI]
) -> AbstractAsyncContextManager[Stack]:
    """Each named app with its lifespan (pool, migrations, activity worker) behind its own
    port, plus the workflow worker; `stack.http[name]` talks to it over HTTP."""
    return running_stack_on(None, settings, **factories)


def round_stack(
    settings: Settings, *, expenses: bool = False
) -> AbstractAsyncContextManager[Stack]:
    """The services a round's life runs through, applying to offers and the e-mails each
    step sends: applications, offers and notifications; with `expenses`, the expenses
    service too (an intern's claims)."""
    factories: dict[str, Callable[[Settings], FastAPI]] = {
        "applications": applications_app,
        "offers": offers_app,
    }
    if expenses:
        factories["expenses"] = expenses_app
    factories["notifications"] = notifications_app
    return running_stack(settings, **factories)


@asynccontextmanager
async def running_stack_on(
    worker_runtime: Runtime | None,
    settings: Settings,
    **factories: Callable[[Settings], FastAPI],
) -> AsyncIterator[Stack]:
    """`running_stack` with the workflow worker on `worker_runtime` (e.g. one exporting
    metrics)."""
    ports = {name: free_port() for name in factories}
    settings = settings.model_copy(
        update={f"{name}_url": f"http://127.0.0.1:{port}" for name, port in ports.items()}
    )
    async with AsyncExitStack() as exits:
        client = await connect(settings, runtime=worker_runtime)
        stack = Stack(settings=settings, temporal=client)
        for name, factory in factories.items():
            app = factory(settings)
            await exits.enter_async_context(_serving(app, ports[name]))
            await app.state.runtime.temporal.wait_connected(10)
            stack.http[name] = await exits.enter_async_context(
                httpx.AsyncClient(base_url=settings.__getattribute__(f"{name}_url"), timeout=30)
            )
            stack.apps[name] = app
        await exits.enter_async_context(serving(client, settings))
        yield stack
