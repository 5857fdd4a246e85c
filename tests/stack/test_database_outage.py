"""A database outage is a prompt 503 with Retry-After, and the service recovers by itself.

The service runs behind a real uvicorn socket on a PostgreSQL of this module's own (the
embedded one `mip dev` runs, whatever backs the rest of the suite), because the test
stops and freezes that server and must not disturb any other test.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from launcher.postgres import EmbeddedPostgres
from mip.core.auth import Role
from mip.core.settings import Environment, Settings
from services.applications.app import create_app as applications_app
from services.offers.app import create_app as offers_app
from tests.support.applying import pdf
from tests.support.auth import auth
from tests.support.servers import Servers, free_port
from tests.support.stack import _serving
from tests.support.waiting import eventually

PROBLEM = "application/problem+json"
# What "within a few seconds" means for a request while the database is down.
FAST_S = 5.0
# How long a load balancer's probe waits for an answer (Kubernetes' default, 1 s).
PROBE_S = 1.0


class PrivatePostgres:
    """An embedded PostgreSQL this module may stop, start, freeze and thaw at will."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server = EmbeddedPostgres(workdir / "data", port=free_port())
        self.server.initialize()
        self.child = self.server.child(workdir / "postgres.log")
        self.url = self.server.url

    async def start(self) -> None:
        self.child = self.server.child(self.workdir / "postgres.log")
        self.child.start()
        await self.child.wait_ready(60)

    def stop(self) -> None:
        self.child.stop()

    def _processes(self) -> list[int]:
        """The postmaster first, then its backends: each backend runs in a session of its
        own, so signalling the postmaster's process group would miss them."""
        assert self.child.process is not None
        postmaster = self.child.process.pid
        backends = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:  # it exited while we looked
                    continue
                if int(stat.rpartition(")")[2].split()[1]) == postmaster:
                    backends.append(int(entry.name))
        return [postmaster, *backends]

    def freeze(self) -> None:
        """What a paused container or a hung host looks like: sockets open, no answers."""
        for pid in self._processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in reversed(self._processes()):
            os.kill(pid, signal.SIGCONT)


@pytest.fixture(scope="module")
async def private_postgres(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[PrivatePostgres]:
    pg = PrivatePostgres(tmp_path_factory.mktemp("private-postgres"))
    await pg.start()
    try:
        yield pg
    finally:
        if pg.child.running:
            pg.thaw()
        pg.stop()


def _settings(servers: Servers, pg: PrivatePostgres, **limits: float) -> Settings:
    return Settings(
        environment=Environment.test,
        database_url=pg.url,
        temporal_address=servers.temporal_address,
        startup_timeout_s=10,
        task_queue_prefix=f"t{uuid.uuid4().hex[:10]}-",
    ).model_copy(update=limits)


@asynccontextmanager
async def _offers(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with _app(offers_app(settings)) as http:
        yield http


@asynccontextmanager
async def _app(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    port = free_port()
    async with (
        _serving(app, port),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http,
    ):
        yield http


async def _timed(request: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await request
    return response, time.monotonic() - started


async def _timed_get(
    http: httpx.AsyncClient, path: str, headers: dict[str, str] | None = None
) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await http.get(path, headers=headers)
    return response, time.monotonic() - started


def _assert_outage_problem(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["type"] == "urn:mip:problem:service-unavailable"
    assert body["unavailable"] == "database"
    assert "Try again" in body["detail"]


def _assert_names_the_database_only(response: httpx.Response, pg: PrivatePostgres) -> None:
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert "retry-after" in response.headers
    body = response.json()
    assert body["checks"]["database"] == "unreachable"
    assert "database" in body["detail"]
    for leak in (str(pg.server.port), "127.0.0.1", "Errno", "Error", "refused", "asyncpg"):
        assert leak not in response.text, leak


@contextmanager
def _captured(name: str, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    logger = logging.getLogger(name)
    logger.addHandler(caplog.handler)
    try:
        yield
    finally:
        logger.removeHandler(caplog.handler)


async def _back_to_200(http: httpx.AsyncClient, path: str, headers: dict[str, str]) -> float:
    started = time.monotonic()

    async def ok() -> bool:
        return (await http.get(path, headers=headers)).status_code == 200

    await eventually(ok, timeout_s=30)
    return time.monotonic() - started


async def test_a_stopped_database_is_a_prompt_503_and_the_service_recovers(
    servers: Servers, private_postgres: PrivatePostgres, caplog: pytest.LogCaptureFixture
) -> None:
    pg = private_postgres
    settings = _settings(servers, pg)
    paths = {
        "/v1/me/offers": auth(settings, Role.applicant),
        "/v1/admin/status": auth(settings, Role.service),
    }
    async with _offers(settings) as http:
        for path, headers in paths.items():
            assert (await http.get(path, headers=headers)).status_code == 200
        pg.stop()
        try:
            # The service's lifespan replaced the root handlers, caplog's among them.
            with _captured("mip", caplog):
                # More requests than the pool has connections, so every one of them
                # meets a dead connection or a refused new one, never a pooled survivor.
                for _ in range(settings.db_pool_max + 2):
                    for path, headers in paths.items():
                        response, took = await _timed_get(http, path, headers)
                        _assert_outage_problem(response)
                        assert took < FAST_S
                health, took = await _timed_get(http, "/healthz")
                _assert_names_the_database_only(health, pg)
                assert took < FAST_S
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
            assert any("database unavailable" in r.getMessage() for r in caplog.records)
        finally:
            await pg.start()
        for path, headers in paths.items():
            await _back_to_200(http, path, headers)


async def test_a_frozen_database_is_a_503_within_a_second_for_a_read_a_write_and_healthz(
    servers: Servers, private_postgres: PrivatePostgres
) -> None:
    """With the settings production has: each answer comes before a load balancer's probe
    gives up, whether the pool still holds a connection to the frozen server or must open
    one, as the second round of requests must."""
    pg = private_postgres
    settings = _settings(servers, pg)
    me = auth(settings, Role.applicant, "ada@example.org")
    form = {"placement_id": str(uuid.uuid4()), "statement": "I would like to learn."}
    cv = {"cv": ("cv.pdf", pdf(), "application/pdf")}
    async with _app(applications_app(settings)) as http:
        requests: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
            "read": lambda: http.get("/v1/placements", headers=me),
            "write": lambda: http.post("/v1/applications", headers=me, data=form, files=cv),
            "healthz": lambda: http.get("/healthz"),
        }
        assert (await requests["read"]()).status_code == 200
        pg.freeze()
        try:
            # A request under way as the server froze waits as a query the freeze caught
            # does; this is about the ones that come after.
            await asyncio.sleep(settings.db_answer_timeout_s)
            answers = []
            for _ in range(2):
                for what, request in requests.items():
                    answers.append((what, *await _timed(request())))
        finally:
            pg.thaw()
        for what, response, _ in answers:
            if what == "healthz":
                _assert_names_the_database_only(response, pg)
            else:
                _assert_outage_problem(response)
        assert [(what, took) for what, _, took in answers if took >= PROBE_S] == []
        await _back_to_200(http, "/v1/placements", me)


async def test_a_slow_query_on_a_live_server_is_not_cut_short(
    servers: Servers, private_postgres: PrivatePostgres
) -> None:
    """The bound on hearing from the database at all is far shorter than the one on a
    statement's work: a query that works for longer than the first still completes."""
    settings = _settings(servers, private_postgres)
    app = offers_app(settings)
    async with app.router.lifespan_context(app):
        pool = app.state.runtime.pool
        slow = settings.db_answer_timeout_s * 3
        assert await pool.fetchval("SELECT pg_sleep($1::float8)::text", slow) == ""


async def test_the_statement_timeout_cancels_a_slow_query_on_a_live_server(
    servers: Servers, private_postgres: PrivatePostgres
) -> None:
    """A live server cancels a statement that outlasts the limit itself, and the pool's
    connection stays usable for the next request."""
    pg = private_postgres
    settings = _settings(servers, pg, db_statement_timeout_s=0.5)
    app = offers_app(settings)
    async with app.router.lifespan_context(app):
        pool = app.state.runtime.pool
        started = time.monotonic()
        with pytest.raises(asyncpg.QueryCanceledError):
            await pool.fetchval("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 1.5
        assert await pool.fetchval("SELECT 1") == 1
