"""The offers service's activities, served on the `mip-offers` task queue."""

from __future__ import annotations

from uuid import UUID

from mip.core.activities import ServiceActivities, served
from mip.core.erasure import Erased, ErasureRequest
from services.offers import opening
from services.offers.contract import (
    ANONYMISE_ROUND_SELECTION,
    CLAIM_ACCEPTANCE,
    ERASE_SELECTION,
    HOLD_PLACE,
    PLACEMENT_COUNTS,
    RECORD_OFFER,
    RELEASE_PLACE,
    START_PLACEMENTS,
    AcceptanceClaim,
    OfferRecord,
    PlaceHold,
    PlacementCounts,
    PlacementStart,
)
from services.offers.decisions import repository as repo
from services.offers.erasure import service as erasure
from services.offers.retention import repository as retention


class OfferActivities(ServiceActivities):
    @served(RECORD_OFFER)
    async def record_offer(self, record: OfferRecord) -> None:
        async with self.pool.acquire() as conn:
            await repo.record_offer(conn, record)

    @served(CLAIM_ACCEPTANCE)
    async def claim_acceptance(self, claim: AcceptanceClaim) -> bool:
        async with self.pool.acquire() as conn:
            return await repo.claim_acceptance(conn, claim)

    @served(HOLD_PLACE)
    async def hold_place(self, hold: PlaceHold) -> bool:
        async with self.pool.acquire() as conn:
            return await repo.hold_place(conn, hold)

    @served(RELEASE_PLACE)
    async def release_place(self, hold: PlaceHold) -> bool:
        async with self.pool.acquire() as conn:
            return await repo.release_place(conn, hold)

    @served(START_PLACEMENTS)
    async def start_placements(self, starts: list[PlacementStart]) -> int:
        return await opening.start_all(self.runtime.workflow_client(), starts)

    @served(PLACEMENT_COUNTS)
    async def placement_counts(self, round_id: str) -> dict[str, PlacementCounts]:
        async with self.pool.acquire() as conn:
            return await repo.counts(conn, UUID(round_id))

    @served(ANONYMISE_ROUND_SELECTION)
    async def anonymise_round_selection(self, round_id: str) -> int:
        async with self.pool.acquire() as conn:
            return await retention.anonymise_round(conn, UUID(round_id))

    @served(ERASE_SELECTION)
    async def erase_selection(self, request: ErasureRequest) -> Erased:
        return await erasure.erase(self.pool, request)
