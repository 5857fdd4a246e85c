"""Running many awaitables with a few in flight at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


async def at_most(limit: int, jobs: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run each job with at most `limit` in flight; their results, in order."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))
