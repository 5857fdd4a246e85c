"""Applicants keep their own profile; the office sees equal-opportunities answers as totals."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, status

from mip.core.deps import ApplicantUser, OfficeUser, PoolDep
from mip.core.errors import InvalidInput, NotFound
from services.applications.applicants import repository as repo
from services.applications.applicants.schemas import (
    EqualOpportunitiesIn,
    EqualOpportunitiesTotals,
    Profile,
    ProfileIn,
)

router = APIRouter(prefix="/v1", tags=["applicants"])


@router.put("/me/profile")
async def save_profile(body: ProfileIn, pool: PoolDep, me: ApplicantUser) -> Profile:
    async with pool.acquire() as conn:
        return await repo.upsert_profile(conn, me.subject, body)


@router.get("/me/profile")
async def read_profile(pool: PoolDep, me: ApplicantUser) -> Profile:
    async with pool.acquire() as conn:
        found = await repo.get_profile(conn, me.subject)
    if found is None:
        raise NotFound("You have no profile yet; PUT /v1/me/profile first.")
    return found


@router.put("/me/equal-opportunities", status_code=status.HTTP_204_NO_CONTENT)
async def save_equal_opportunities(
    body: EqualOpportunitiesIn, pool: PoolDep, me: ApplicantUser
) -> None:
    """Optional (R9); stored apart from the profile and never shown to hosts."""
    async with pool.acquire() as conn:
        if await repo.get_profile(conn, me.subject) is None:
            raise InvalidInput("Save your profile first; these answers are kept beside it.")
        await repo.upsert_equal_opportunities(conn, me.subject, body)


@router.get("/office/equal-opportunities")
async def equal_opportunities_totals(
    pool: PoolDep, _: OfficeUser, round_id: UUID | None = None
) -> EqualOpportunitiesTotals:
    async with pool.acquire() as conn:
        return await repo.equal_opportunities_totals(conn, round_id)
