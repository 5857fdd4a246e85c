"""The connection pool a service uses for its own schema, and nothing else."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import asyncpg

log = logging.getLogger("mip.db")

Pool = asyncpg.Pool
CONNECT_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncio.TimeoutError)

# The server cancels a statement at `statement_timeout_s`, which leaves the connection
# usable; the driver's own limit comes this much later, so it fires only when the server
# cannot answer at all (stopped, frozen, or cut off by the network).
CLIENT_TIMEOUT_MARGIN_S = 1.0


class BoundedPool(asyncpg.Pool):  # type: ignore[misc]
    """A pool whose `acquire()` gives up after `acquire_timeout_s` unless told otherwise.

    Every service calls `pool.acquire()` (and `pool.fetch()` and the like, which acquire)
    without a timeout; waiting here for a database that does not answer is what would
    turn an outage into requests hanging for a minute instead of a prompt 503.
    """

    def __init__(self, *args: Any, acquire_timeout_s: float | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout_s = acquire_timeout_s

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout_s if timeout is None else timeout)


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
) -> asyncpg.Pool:
    """Open a pool whose connections see `schema` first, retrying while the server starts.

    The retry matters when a whole stack starts at once: PostgreSQL may accept TCP
    connections a moment after the services that need it. `None` for a timeout means no
    limit, which only migrations should want: a long index build is no outage.
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
            min_size=min_size,
            max_size=max_size,
            max_queries=50000,
            max_inactive_connection_lifetime=300.0,
            loop=None,
            connection_class=asyncpg.Connection,
            record_class=asyncpg.Record,
            server_settings=server_settings,
            timeout=connect_timeout_s,
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


async def ping(pool: asyncpg.Pool, *, timeout_s: float = 2.0) -> None:
    async with asyncio.timeout(timeout_s):
        await pool.fetchval("SELECT 1")
