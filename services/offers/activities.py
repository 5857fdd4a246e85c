"""The offers service's activities, served on the `mip-offers` task queue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from temporalio import activity

from mip.core.runtime import ServiceRuntime
from services.offers.contract import (
    CLAIM_ACCEPTANCE,
    HOLD_PLACE,
    PLACEMENT_COUNTS,
    RECORD_OFFER,
    RELEASE_PLACE,
    AcceptanceClaim,
    OfferRecord,
    PlaceHold,
    PlacementCounts,
)
from services.offers.decisions import repository as repo


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

    @activity.defn(name=HOLD_PLACE)
    async def hold_place(self, hold: PlaceHold) -> bool:
        async with self._pool.acquire() as conn:
            return await repo.hold_place(conn, hold)

    @activity.defn(name=RELEASE_PLACE)
    async def release_place(self, hold: PlaceHold) -> bool:
        async with self._pool.acquire() as conn:
            return await repo.release_place(conn, hold)

    @activity.defn(name=PLACEMENT_COUNTS)
    async def placement_counts(self, round_id: str) -> dict[str, PlacementCounts]:
        async with self._pool.acquire() as conn:
            return await repo.counts(conn, UUID(round_id))


def activities(runtime: ServiceRuntime) -> Sequence[Callable[..., Any]]:
    acts = OfferActivities(runtime)
    return [
        acts.record_offer,
        acts.claim_acceptance,
        acts.hold_place,
        acts.release_place,
        acts.placement_counts,
    ]
