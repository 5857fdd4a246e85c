"""What the applicants' routes do: a profile kept by its owner, equal-opportunities answers
kept beside it (R9), and the office's totals of them."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core.errors import InvalidInput, NotFound
from services.applications.applicants import repository as repo
from services.applications.applicants.schemas import (
    EqualOpportunitiesIn,
    EqualOpportunitiesTotals,
    Profile,
    ProfileIn,
)


async def save_profile(pool: asyncpg.Pool, email: str, body: ProfileIn) -> Profile:
    async with pool.acquire() as conn:
        return await repo.upsert_profile(conn, email, body)


async def profile_of(pool: asyncpg.Pool, email: str) -> Profile:
    async with pool.acquire() as conn:
        found = await repo.get_profile(conn, email)
    if found is None:
        raise NotFound("You have no profile yet; PUT /v1/me/profile first.")
    return found


async def save_equal_opportunities(
    pool: asyncpg.Pool, email: str, body: EqualOpportunitiesIn
) -> None:
    """Kept beside a profile, so an applicant with none has nowhere to keep them."""
    async with pool.acquire() as conn:
        if await repo.get_profile(conn, email) is None:
            raise InvalidInput("Save your profile first; these answers are kept beside it.")
        await repo.upsert_equal_opportunities(conn, email, body)


async def equal_opportunities_totals(
    pool: asyncpg.Pool, round_id: UUID | None
) -> EqualOpportunitiesTotals:
    async with pool.acquire() as conn:
        return await repo.equal_opportunities_totals(conn, round_id)
