"""Erasure on request (issue 23 item 4) in the offers service."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core.erasure import Erased, ErasureRequest
from services.offers.erasure import repository as repo


async def erase(pool: asyncpg.Pool, request: ErasureRequest) -> Erased:
    applications = [UUID(a) for a in request.application_ids]
    async with pool.acquire() as conn:
        removed = await repo.erase(conn, request.email.lower(), applications)
    return Erased(service="offers", removed=removed)
