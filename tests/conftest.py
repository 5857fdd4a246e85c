from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from launcher.mailcatcher import MailCatcher
from mip.core.settings import Environment, Settings
from tests.support.auth import RunApp, running
from tests.support.servers import (
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
