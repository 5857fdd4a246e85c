from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role, mint_token
from mip.core.settings import Environment, Settings
from tests.servers import (
    Servers,
    TestServerSettings,
    container_servers,
    docker_available,
    embedded_servers,
)

_servers: Servers | None = None


@pytest.fixture(scope="session")
async def servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Servers]:
    global _servers
    settings = TestServerSettings()
    if docker_available([settings.postgres_image, settings.temporal_image]):
        provider = container_servers(settings)
    elif settings.require_docker:
        pytest.fail("MIP_TEST_REQUIRE_DOCKER is set but Docker or its images are not available")
    else:
        provider = embedded_servers(tmp_path_factory.mktemp("servers"))
    async with provider as found:
        _servers = found
        yield found


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _servers is not None:
        terminalreporter.write_sep("-", "real servers used")
        terminalreporter.write_line(f"PostgreSQL: {_servers.postgres_source}")
        terminalreporter.write_line(f"Temporal:   {_servers.temporal_source}")


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture
async def database_url(servers: Servers) -> AsyncIterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(servers.postgres_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(servers.postgres_url, name)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def settings(database_url: str, servers: Servers) -> Settings:
    return Settings(
        environment=Environment.test,
        database_url=database_url,
        temporal_address=servers.temporal_address,
        startup_timeout_s=10,
        # Each test's workers poll queues of their own on the shared Temporal server.
        task_queue_prefix=f"t{uuid.uuid4().hex[:10]}-",
    )


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


@pytest.fixture
def run_app() -> RunApp:
    return running


@pytest.fixture
async def smtp(tmp_path: Path) -> AsyncIterator[MailCatcher]:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
    catcher = MailCatcher(tmp_path / "smtp", refuse=lambda rcpt: rcpt.startswith("nobody@"))
    await catcher.start()
    try:
        yield catcher
    finally:
        await catcher.stop()


@pytest.fixture
def mail_settings(settings: Settings, smtp: MailCatcher) -> Settings:
    return settings.model_copy(update={"smtp_url": smtp.url})
