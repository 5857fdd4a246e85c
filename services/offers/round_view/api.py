"""P7: the office sees a round at a glance: per placement and in total, applications,
offers open, accepted, declined, lapsed, places unfilled; and the next date on its clock."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from mip.core.deps import OfficeUser, Runtime
from services.offers.round_view import service
from services.offers.round_view.schemas import RoundView

router = APIRouter(prefix="/v1/office", tags=["office"])


@router.get("/rounds/{round_id}")
async def round_at_a_glance(round_id: UUID, runtime: Runtime, _: OfficeUser) -> RoundView:
    return await service.round_view(runtime, round_id)
