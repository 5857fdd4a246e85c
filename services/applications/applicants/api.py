"""Applicants keep their own profile; the office sees equal-opportunities answers as totals."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from mip.core.deps import ApplicantUser, OfficeUser, PoolDep
from services.applications.applicants import service
from services.applications.applicants.schemas import (
    EqualOpportunitiesIn,
    EqualOpportunitiesTotals,
    Profile,
    ProfileIn,
)

router = APIRouter(prefix="/v1", tags=["applicants"])


@router.put("/me/profile")
async def save_profile(body: ProfileIn, pool: PoolDep, me: ApplicantUser) -> Profile:
    return await service.save_profile(pool, me.subject, body)


@router.get("/me/profile")
async def read_profile(pool: PoolDep, me: ApplicantUser) -> Profile:
    return await service.profile_of(pool, me.subject)


@router.put(
    "/me/equal-opportunities", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def save_equal_opportunities(
    body: EqualOpportunitiesIn, pool: PoolDep, me: ApplicantUser
) -> None:
    """Optional (R9); stored apart from the profile and never shown to hosts."""
    await service.save_equal_opportunities(pool, me.subject, body)


@router.get("/office/equal-opportunities")
async def equal_opportunities_totals(
    pool: PoolDep, _: OfficeUser, round_id: UUID | None = None
) -> EqualOpportunitiesTotals:
    return await service.equal_opportunities_totals(pool, round_id)
