"""The connection pool a service uses for its own schema, and nothing else."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import asyncpg
from opentelemetry.instrumentation.utils import suppress_instrumentation

log = logging.getLogger("mip.db")

Pool = asyncpg.Pool
CONNECT_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncio.TimeoutError)

# The server cancels a statement at `statement_timeout_s`, which leaves the connection
# usable; the driver's own limit comes this much later, so it fires only when the server
# cannot answer at all (stopped, frozen, or cut off by the network).
CLIENT_TIMEOUT_MARGIN_S = 1.0


class BoundedPool(asyncpg.Pool):  # type: ignore[misc]
    """A pool that gives up promptly on a database that does not answer.

    Every service calls `pool.acquire()` (and `pool.fetch()` and the like, which acquire)
    without a timeout; waiting here for a database that does not answer is what would
    turn an outage into requests hanging for a minute instead of a prompt 503.

    A stopped server refuses connections at once, but a frozen one (a paused container, a
    hung host) keeps its sockets open and answers nothing, so only a bound can tell: with
    `answer_timeout_s`, a pooled connection must answer a ping within it before it is
    handed out, and a connection being returned is dropped rather than waited for past it.
    Once the server has failed to answer, new connections are given that bound too, not
    `connect_timeout_s`, until it answers again.
    """

    def __init__(
        self,
        *args: Any,
        acquire_timeout_s: float | None,
        answer_timeout_s: float | None,
        connect_timeout_s: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, connect=self._connect, **kwargs)
        self.acquire_timeout_s = acquire_timeout_s
        self.answer_timeout_s = answer_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.silent = False  # the server last failed to answer within answer_timeout_s

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout_s if timeout is None else timeout)

    # asyncpg's own `setup` hook would close a connection that fails it gracefully, which
    # waits on the very server that did not answer; this terminates it instead.
    async def _acquire(self, timeout: float | None) -> Any:  # noqa: ASYNC109 (asyncpg's)
        connection = await super()._acquire(timeout)
        if self.answer_timeout_s is not None:
            await self._hear_from(connection, self.answer_timeout_s)
        return connection

    async def _hear_from(self, connection: Any, bound: float) -> None:
        try:
            # A ping is no query of the request's: it stays out of the request's trace.
            with suppress_instrumentation():
                await connection.execute("SELECT 1", timeout=bound)
        except TimeoutError as exc:
            self.silent = True
            connection.terminate()  # which returns it to the pool, to be opened again
            raise TimeoutError(f"the database did not answer within {bound:g} s") from exc
        except BaseException:
            connection.terminate()
            raise
        self.silent = False

    async def release(
        self,
        connection: Any,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (asyncpg's signature)
    ) -> None:
        # Returning a connection resets it, or first waits until a statement the driver
        # gave up on is cancelled, which a silent server never confirms. Past the bound the
        # driver drops the connection; the request keeps its own outcome, which does not
        # depend on this connection being reused.
        bound = self.answer_timeout_s if timeout is None else timeout
        try:
            await super().release(connection, timeout=bound)
        except TimeoutError:
            log.info("a connection the database did not answer on was dropped, not reused")

    async def _connect(self, *args: Any, **kwargs: Any) -> asyncpg.Connection:
        silent = self.silent and self.answer_timeout_s is not None
        bound = self.answer_timeout_s if silent else self.connect_timeout_s
        try:
            connection = await asyncpg.connect(*args, **kwargs, timeout=bound)
        except TimeoutError as exc:
            self.silent = True
            raise TimeoutError(
                f"the database did not let a connection in within {bound:g} s"
            ) from exc
        self.silent = False
        return connection


async def create_pool(
    dsn: str,
    *,
    schema: str,
    min_size: int = 1,
    max_size: int = 10,
    timeout_s: float = 60.0,
    acquire_timeout_s: float | None = None,
    connect_timeout_s: float = 60.0,
    statement_timeout_s: float | None = None,
    answer_timeout_s: float | None = None,
) -> asyncpg.Pool:
    """Open a pool whose connections see `schema` first, retrying while the server starts.

    The retry matters when a whole stack starts at once: PostgreSQL may accept TCP
    connections a moment after the services that need it. `None` for a timeout means no
    limit, which only migrations should want: a long index build is no outage. Without
    `answer_timeout_s` connections are used without a ping (see `BoundedPool`).
    """
    server_settings = {"search_path": f"{schema},public", "application_name": schema}
    command_timeout = None
    if statement_timeout_s is not None:
        server_settings["statement_timeout"] = str(round(statement_timeout_s * 1000))
        command_timeout = statement_timeout_s + CLIENT_TIMEOUT_MARGIN_S
    deadline = time.monotonic() + timeout_s
    delay = 0.2
    while True:
        pool = BoundedPool(
            dsn,
            acquire_timeout_s=acquire_timeout_s,
            answer_timeout_s=answer_timeout_s,
            connect_timeout_s=connect_timeout_s,
            min_size=min_size,
            max_size=max_size,
            max_queries=50000,
            max_inactive_connection_lifetime=300.0,
            loop=None,
            connection_class=asyncpg.Connection,
            record_class=asyncpg.Record,
            server_settings=server_settings,
            command_timeout=command_timeout,
        )
        try:
            await pool
            return pool
        except CONNECT_ERRORS as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.info("database not ready (%s); retrying in %.1fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)


# How long a health check waits for the database, pool and all: a load balancer's probe
# gives up after 1 s (Kubernetes' default), and an answer must come before it does.
PING_TIMEOUT_S = 0.9


async def ping(pool: asyncpg.Pool, *, timeout_s: float = PING_TIMEOUT_S) -> None:
    async with asyncio.timeout(timeout_s):
        await pool.fetchval("SELECT 1")
