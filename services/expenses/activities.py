"""The expenses service's activities, served on the `mip-expenses` task queue."""

from __future__ import annotations

from uuid import UUID

from mip.core.activities import ServiceActivities, served
from mip.core.erasure import Erased, ErasureRequest
from services.expenses.claims import repository as repo
from services.expenses.contract import (
    ERASE_CLAIMS,
    ERASE_INTERN,
    RECORD_CLAIM,
    ClaimChange,
    ClaimErasure,
    ClaimsErased,
)
from services.expenses.erasure import service as on_request
from services.expenses.retention import repository as retention


class ExpenseActivities(ServiceActivities):
    @served(RECORD_CLAIM)
    async def record_claim(self, change: ClaimChange) -> None:
        async with self.pool.acquire() as conn:
            await repo.apply_change(conn, change)

    @served(ERASE_CLAIMS)
    async def erase_claims(self, erasure: ClaimErasure) -> ClaimsErased:
        placements = [UUID(p) for p in erasure.placement_ids]
        async with self.pool.acquire() as conn:
            return await retention.erase_claims(conn, placements, erasure.paid_before)

    @served(ERASE_INTERN)
    async def erase_intern(self, request: ErasureRequest) -> Erased:
        return await on_request.erase(self.runtime, request)
