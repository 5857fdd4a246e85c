"""P7: the office sees a round at a glance: per placement and in total, applications,
offers open, accepted, declined, lapsed, places unfilled; and the next date on its clock."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from mip.core.deps import OFFICE_ONLY, Runtime
from services.offers.contract import RoundView, Withdrawal
from services.offers.round_view import service

# Every route is the office's; none needs to know which office user asks.
router = APIRouter(prefix="/v1/office", tags=["office"], dependencies=[OFFICE_ONLY])


@router.get("/rounds/{round_id}")
async def round_at_a_glance(round_id: UUID, runtime: Runtime) -> RoundView:
    return await service.round_view(runtime, round_id)


@router.get("/rounds/{round_id}/withdrawals")
async def withdrawals_after_acceptance(round_id: UUID, runtime: Runtime) -> list[Withdrawal]:
    """R23: who withdrew after accepting, when and why; recorded and reported to the office."""
    return await service.withdrawals(runtime, round_id)
