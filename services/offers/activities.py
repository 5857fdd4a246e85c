"""The offers service's activities, served on the `mip-offers` task queue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from temporalio import activity

from mip.core.runtime import ServiceRuntime
from services.offers import repository as repo
from workflows.offer_contracts import (
    CLAIM_ACCEPTANCE,
    PLACEMENT_COUNTS,
    RECORD_OFFER,
    AcceptanceClaim,
    OfferRecord,
    PlacementCounts,
)


class OfferActivities:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self._pool = runtime.pool

    @activity.defn(name=RECORD_OFFER)
    async def record_offer(self, record: OfferRecord) -> None:
        async with self._pool.acquire() as conn:
            await repo.record_offer(conn, record)

    @activity.defn(name=CLAIM_ACCEPTANCE)
    async def claim_acceptance(self, claim: AcceptanceClaim) -> bool:
        async with self._pool.acquire() as conn:
            return await repo.claim_acceptance(conn, claim)

    @activity.defn(name=PLACEMENT_COUNTS)
    async def placement_counts(self, round_id: str) -> dict[str, PlacementCounts]:
        async with self._pool.acquire() as conn:
            return await repo.counts(conn, UUID(round_id))


def activities(runtime: ServiceRuntime) -> Sequence[Callable[..., Any]]:
    acts = OfferActivities(runtime)
    return [acts.record_offer, acts.claim_acceptance, acts.placement_counts]
