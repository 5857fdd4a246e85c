"""A 500 is logged once and leaves the client's keep-alive connection usable; an outage of
the database or another part is a 503 with Retry-After. Served by a real uvicorn socket,
since what a server does to the connection after an error is the point."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import asyncpg
import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request

from mip.core.errors import ServiceUnavailable
from mip.core.problems import install_problem_handlers
from tests.support.servers import free_port
from tests.support.stack import _serving

PROBLEM = "application/problem+json"
SECRET = "secret internals: password=hunter2"


class Boom(RuntimeError):
    pass


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter()

    @router.get("/port")
    async def port(request: Request) -> int:
        # The client's own port tells whether two requests shared one connection.
        assert request.client is not None
        return request.client.port

    @router.get("/boom")
    async def boom() -> None:
        raise Boom(SECRET)

    @router.get("/temporal-down")
    async def temporal_down() -> None:
        raise ServiceUnavailable("The workflow engine is unreachable just now.")

    @router.get("/not-the-database")
    async def not_the_database() -> None:
        # An OSError the driver did not raise (a mail server, say) is no database outage.
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 1025)")

    @router.get("/refused-database")
    async def refused_database() -> None:
        await asyncpg.connect(f"postgresql://mip@127.0.0.1:{free_port()}/mip", timeout=2)

    app.include_router(router)
    return app


@asynccontextmanager
async def _served(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    port = free_port()
    # One connection at most, so a second request can only reuse the first one's.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with (
        _serving(app, port),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=10) as http,
    ):
        yield http


@contextmanager
def _every_log_record(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Catch what uvicorn logs too: its loggers do not propagate to the root."""
    loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(caplog.handler)


async def test_a_500_is_logged_once_and_the_connection_stays_usable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with _served(_app()) as http:
        with _every_log_record(caplog):
            before = (await http.get("/port")).json()
            failed = await http.get("/boom")
            after = await http.get("/port")
    assert failed.status_code == 500
    assert failed.headers["content-type"] == PROBLEM
    assert failed.json()["type"] == "urn:mip:problem:internal-error"
    assert "hunter2" not in failed.text
    assert failed.headers.get("connection") != "close"
    assert after.status_code == 200
    assert after.json() == before, "the 500 cost the client its connection"
    logged = [
        r for r in caplog.records if r.exc_info is not None and isinstance(r.exc_info[1], Boom)
    ]
    assert len(logged) == 1, [(r.name, r.getMessage()) for r in logged]
    assert logged[0].name == "mip.problems"
    assert failed.json()["incident"] in logged[0].getMessage()


async def test_a_part_that_is_down_is_a_503_with_retry_after() -> None:
    async with _served(_app()) as http:
        temporal = await http.get("/temporal-down")
        database = await http.get("/refused-database")
    for response in (temporal, database):
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:mip:problem:service-unavailable"
        assert int(response.headers["retry-after"]) > 0
    assert database.json()["unavailable"] == "database"
    assert "Connect call failed" not in database.text


async def test_an_oserror_from_elsewhere_is_not_blamed_on_the_database() -> None:
    async with _served(_app()) as http:
        response = await http.get("/not-the-database")
    assert response.status_code == 500
    assert response.json()["type"] == "urn:mip:problem:internal-error"
    assert "retry-after" not in response.headers
