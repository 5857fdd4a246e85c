"""The connection pool a service uses for its own schema, and nothing else."""

from __future__ import annotations

import asyncio
import logging
import time

import asyncpg

log = logging.getLogger("mip.db")

Pool = asyncpg.Pool
CONNECT_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncio.TimeoutError)


async def create_pool(
    dsn: str, *, schema: str, min_size: int = 1, max_size: int = 10, timeout_s: float = 60.0
) -> asyncpg.Pool:
    """Open a pool whose connections see `schema` first, retrying while the server starts.

    The retry matters when a whole stack starts at once: PostgreSQL may accept TCP
    connections a moment after the services that need it.
    """
    deadline = time.monotonic() + timeout_s
    delay = 0.2
    while True:
        try:
            pool = await asyncpg.create_pool(
                dsn,
                min_size=min_size,
                max_size=max_size,
                server_settings={"search_path": f"{schema},public", "application_name": schema},
            )
            assert pool is not None
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
