"""Erasure on request (issue 23 item 4) in the notifications service."""

from __future__ import annotations

import asyncpg

from mip.core.erasure import Erased, ErasureRequest
from services.notifications.erasure import repository as repo


async def erase(pool: asyncpg.Pool, request: ErasureRequest) -> Erased:
    async with pool.acquire() as conn:
        removed = await repo.erase(conn, request.email.lower())
    return Erased(service="notifications", removed=removed)
