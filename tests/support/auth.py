"""Bearer tokens for tests, and a service app run in-process behind ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
from fastapi import FastAPI

from mip.core.auth import Role, mint_token
from mip.core.settings import Settings


def token(settings: Settings, role: Role, subject: str = "someone@example.org") -> str:
    return mint_token(settings, role=role, subject=subject)


def auth(settings: Settings, role: Role, subject: str = "someone@example.org") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(settings, role, subject)}"}


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run an app's lifespan (pool, migrations, worker) and talk to it over ASGI."""
    async with app.router.lifespan_context(app):
        # Like a real server: an unhandled error becomes the 500 response, not a raise here.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


RunApp = Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]]
