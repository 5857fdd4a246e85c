"""The expenses service's activities, served on the `mip-expenses` task queue."""

from __future__ import annotations

from mip.core.activities import ServiceActivities, served
from services.expenses.claims import repository as repo
from services.expenses.contract import RECORD_CLAIM, ClaimChange


class ExpenseActivities(ServiceActivities):
    @served(RECORD_CLAIM)
    async def record_claim(self, change: ClaimChange) -> None:
        async with self.pool.acquire() as conn:
            await repo.apply_change(conn, change)
