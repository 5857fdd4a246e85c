"""Applicants keep their own profile; the office sees equal-opportunities answers as totals."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from mip.core.deps import ApplicantUser, OfficeUser, PoolDep, Runtime
from services.applications.applicants import service
from services.applications.applicants.schemas import (
    Eligibility,
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


@router.get("/me/eligibility")
async def read_eligibility(
    runtime: Runtime, me: ApplicantUser, placement_id: UUID | None = None
) -> Eligibility:
    """R6, R7: the reason an application would be refused, judged against the deadline of
    `placement_id`'s round (or the soonest open round's); R8: the division's allowance, and
    whether that placement is longer than it."""
    return await service.eligibility(runtime, me.subject, placement_id)


@router.put(
    "/me/equal-opportunities", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def save_equal_opportunities(
    body: EqualOpportunitiesIn, pool: PoolDep, me: ApplicantUser
) -> None:
    """Optional (R9); stored apart from the profile and never shown to hosts."""
    await service.save_equal_opportunities(pool, me.subject, body)


@router.get("/me/equal-opportunities")
async def read_equal_opportunities(pool: PoolDep, me: ApplicantUser) -> EqualOpportunitiesIn:
    """R9: the applicant's own answers, to change them; only their owner reads them."""
    return await service.equal_opportunities_of(pool, me.subject)


@router.get("/office/equal-opportunities")
async def equal_opportunities_totals(
    pool: PoolDep, _: OfficeUser, round_id: UUID | None = None
) -> EqualOpportunitiesTotals:
    return await service.equal_opportunities_totals(pool, round_id)
