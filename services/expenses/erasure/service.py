"""Erasure on request (issue 23 item 4) in the expenses service."""

from __future__ import annotations

import asyncpg

from mip.core.erasure import Erased, ErasureRequest
from services.expenses.contract import PAID_KEPT
from services.expenses.erasure import repository as repo


async def erase(pool: asyncpg.Pool, request: ErasureRequest) -> Erased:
    async with pool.acquire() as conn:
        removed = await repo.erase(conn, request.email.lower(), request.pseudonym)
        paid = await repo.paid_claims_of(conn, request.pseudonym)
    return Erased(service="expenses", removed=removed, kept=[PAID_KEPT] if paid else [])
