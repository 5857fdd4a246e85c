"""The connection pool a service uses for its own schema, and nothing else."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import asyncpg
from opentelemetry.instrumentation.utils import suppress_instrumentation

log = logging.getLogger("mip.db")

Pool = asyncpg.Pool
CONNECT_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncio.TimeoutError)

# The server cancels a statement at `statement_timeout_s`, which leaves the connection
# usable; the driver's own limit comes this much later, so it fires only when the server
# cannot answer at all (stopped, frozen, or cut off by the network).
CLIENT_TIMEOUT_MARGIN_S = 1.0


# A connection is pinged before use unless the server answered a query within this share
# of the answer bound: under load it always has, and a ping would add a round trip to every
# use. A request that starts in that instant after a freeze waits as one the freeze caught
# mid-query does, for the statement timeout.
RECENT_SHARE = 0.2


K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def by_parent(
    rows: Iterable[asyncpg.Record],
    parents: Iterable[K],
    column: str,
    make: Callable[[asyncpg.Record], T],
) -> dict[K, list[T]]:
    """Child rows read for many parents at once (one query, not one each), under each
    parent's id in `column`, in the rows' order; a parent with none has []."""
    found: dict[K, list[T]] = {parent: [] for parent in parents}
    for row in rows:
        found[row[column]].append(make(row))
    return found


class BoundedPool(asyncpg.Pool):  # type: ignore[misc]
    """A pool that gives up promptly on a database that does not answer.

    Every service calls `pool.acquire()` (and `pool.fetch()` and the like, which acquire)
    without a timeout; waiting here for a database that does not answer is what would
    turn an outage into requests hanging for a minute instead of a prompt 503.

    A stopped server refuses connections at once, but a frozen one (a paused container, a
    hung host) keeps its sockets open and answers nothing, so only a bound can tell. With
    `answer_timeout_s`, a pooled connection is pinged before it is handed out (unless the
    server has only just answered), and the server is called silent when, while the ping
    waits, it has answered no query on any of the pool's connections for that long: a
    busy server still answers someone, and its ping waits on. While silent, new
    connections get that bound too rather than `connect_timeout_s`, and a connection being
    returned is dropped rather than waited on.
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
        self.heard_at = time.monotonic()  # when the server last answered a query
        self.silent = False  # it had answered none for answer_timeout_s when last asked

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout_s if timeout is None else timeout)

    # asyncpg's own `setup` hook would close a connection that fails it gracefully, which
    # waits on the very server that did not answer; this terminates it instead.
    async def _acquire(self, timeout: float | None) -> Any:  # noqa: ASYNC109 (asyncpg's)
        connection = await super()._acquire(timeout)
        answer = self.answer_timeout_s
        if answer is not None and self._unheard_for(answer * RECENT_SHARE):
            await self._ping(connection, answer)
        return connection

    async def hear_from(self, bound: float) -> None:
        """Raise unless the server answers a ping now: always asked, unlike in `acquire`, and
        a ping that fails ends its connection rather than waiting to return it."""
        async with self.acquire() as connection:
            await self._ping(connection, self.answer_timeout_s or bound)

    async def _ping(self, connection: Any, bound: float) -> None:
        # A ping is no query of the request's: it stays out of the request's trace.
        with suppress_instrumentation():
            ping = asyncio.ensure_future(connection.execute("SELECT 1"))
        started = time.monotonic()
        try:
            while not ping.done():
                # Once the ping has waited `bound`, and the server has answered no one for
                # as long, it is silent; while it answers others it is only busy.
                wait = max(started, self.heard_at) + bound - time.monotonic()
                if wait <= 0:
                    self.silent = True
                    raise TimeoutError(f"the database answered nothing for {bound:g} s")
                await asyncio.wait({ping}, timeout=wait)
            ping.result()
        except BaseException:
            connection.terminate()  # which returns it to the pool, to be opened again
            ping.cancel()
            await asyncio.gather(ping, return_exceptions=True)
            raise

    def _unheard_for(self, seconds: float) -> bool:
        return time.monotonic() - self.heard_at >= seconds

    def _answered(self, query: asyncpg.connection.LoggedQuery) -> None:
        if query.exception is None or isinstance(query.exception, asyncpg.PostgresError):
            self.heard_at = time.monotonic()
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
        bound = self.answer_timeout_s if timeout is None and self.silent else timeout
        try:
            await super().release(connection, timeout=bound)
        except TimeoutError:
            log.info("a connection the database did not answer on was dropped, not reused")

    async def _connect(self, *args: Any, **kwargs: Any) -> asyncpg.Connection:
        answer = self.answer_timeout_s
        bound = answer if answer is not None and self.silent else self.connect_timeout_s
        try:
            connection = await asyncpg.connect(*args, **kwargs, timeout=bound)
        except TimeoutError as exc:
            self.silent = answer is not None and self._unheard_for(answer)
            raise TimeoutError(
                f"the database did not let a connection in within {bound:g} s"
            ) from exc
        self.heard_at, self.silent = time.monotonic(), False
        connection.add_query_logger(self._answered)
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
        await pool.hear_from(timeout_s)
