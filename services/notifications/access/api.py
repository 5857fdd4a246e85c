"""Subject access (issue 23): a person's own data, and the office's copy of anyone's."""

from __future__ import annotations

from mip.core.access_routes import data_routes
from mip.core.runtime import ServiceRuntime
from services.notifications.access import repository as repo
from services.notifications.contract import NotificationsData


async def _held_about(runtime: ServiceRuntime, email: str) -> NotificationsData:
    address = email.lower()
    async with runtime.pool.acquire() as conn:
        tables = await repo.held_about(conn, address)
    return NotificationsData.model_validate({"email": address, **tables})


router = data_routes(_held_about, NotificationsData)
