"""Hosts select (R17): mark each forwarded application and rank them once (P2).
The office can see everything and selects nothing."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from mip.core.deps import AnyUser, HostUser, Runtime
from services.offers.contract import MarkIn, RankingIn, RankingOutcome, Selection
from services.offers.selection import service

router = APIRouter(prefix="/v1/placements", tags=["selection"])


@router.get("/{placement_id}/selection")
async def selection(placement_id: UUID, runtime: Runtime, who: AnyUser) -> Selection:
    return await service.selection(runtime, placement_id, who)


@router.post("/{placement_id}/marks")
async def mark(placement_id: UUID, body: MarkIn, runtime: Runtime, me: HostUser) -> MarkIn:
    """The host's mark for one forwarded application, as it was saved."""
    await service.mark(runtime, placement_id, body, me)
    return body


@router.post(
    "/{placement_id}/ranking",
    responses={
        409: {
            "description": "ranked already, not forwarded yet, or the outcomes-by date has passed"
        }
    },
)
async def rank(
    placement_id: UUID, body: RankingIn, runtime: Runtime, me: HostUser
) -> RankingOutcome:
    """Offers go at once to the top candidates, and cascade down the ranking (P2); the
    answer names whoever the ranking leaves out, who will hear "not successful" (R18)."""
    return await service.rank(runtime, placement_id, body, me)
