"""Subject access (issue 23): a person's own data, and the office's copy of anyone's."""

from __future__ import annotations

import asyncpg
from fastapi import APIRouter
from pydantic import EmailStr

from mip.core.deps import OfficeUser, PersonUser, PoolDep
from services.notifications.access import repository as repo
from services.notifications.contract import NotificationsData

router = APIRouter(prefix="/v1", tags=["subject access"])


@router.get("/me/data")
async def my_data(pool: PoolDep, me: PersonUser) -> NotificationsData:
    return await _held_about(pool, me.subject)


@router.get("/office/people/{email}/data")
async def data_of(email: EmailStr, pool: PoolDep, _: OfficeUser) -> NotificationsData:
    return await _held_about(pool, email)


async def _held_about(pool: asyncpg.Pool, email: str) -> NotificationsData:
    address = email.lower()
    async with pool.acquire() as conn:
        tables = await repo.held_about(conn, address)
    return NotificationsData.model_validate({"email": address, **tables})
