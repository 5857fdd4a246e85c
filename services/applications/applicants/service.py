"""What the applicants' routes do: a profile kept by its owner, equal-opportunities answers
kept beside it (R9), and the office's totals of them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from mip.core.errors import InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.applicants import repository as repo
from services.applications.applicants.eligibility import (
    Ineligible,
    allowance_advice,
    allowance_warning,
    check_eligible,
)
from services.applications.applicants.schemas import (
    Eligibility,
    EqualOpportunitiesIn,
    EqualOpportunitiesTotals,
    Profile,
    ProfileIn,
)
from services.applications.catalogue import repository as catalogue
from services.applications.catalogue.rules import LONDON
from services.applications.catalogue.schemas import Placement
from services.applications.config import applications_settings


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


async def equal_opportunities_of(pool: asyncpg.Pool, email: str) -> EqualOpportunitiesIn:
    """The applicant's own answers; "prefer not to say" to what they have not answered."""
    async with pool.acquire() as conn:
        return await repo.get_equal_opportunities(conn, email) or EqualOpportunitiesIn()


async def equal_opportunities_totals(
    pool: asyncpg.Pool, round_id: UUID | None
) -> EqualOpportunitiesTotals:
    async with pool.acquire() as conn:
        return await repo.equal_opportunities_totals(conn, round_id)


async def eligibility(
    runtime: ServiceRuntime, email: str, placement_id: UUID | None
) -> Eligibility:
    """The refusal an application would get (R6, R7), judged against the deadline of the
    placement's round, or of the soonest open round; and the division's allowance (R8)."""
    allowance = applications_settings(runtime).allowance_days
    now = runtime.clock()
    async with runtime.pool.acquire() as conn:
        profile = await repo.get_profile(conn, email)
        if profile is None:
            raise NotFound("You have no profile yet; PUT /v1/me/profile first.")
        placement = await _advertised(conn, placement_id, now) if placement_id else None
        deadline = (
            await _deadline_for(conn, placement, now)
            if placement
            else await catalogue.next_deadline(conn, now)
        )
    judged_against = (deadline or now).astimezone(LONDON).date()
    try:
        check_eligible(profile, judged_against)
        reason = None
    except Ineligible as refused:
        reason = refused.detail
    return Eligibility(
        eligible=reason is None,
        reason=reason,
        judged_against=judged_against,
        allowance_days=allowance.get(profile.division),
        allowance_advice=allowance_advice(profile.division, allowance),
        placement_warning=(
            allowance_warning(profile.division, len(placement.days), allowance)
            if placement
            else None
        ),
    )


async def _advertised(conn: asyncpg.Connection, placement_id: UUID, now: datetime) -> Placement:
    found = await catalogue.get_placement(conn, placement_id)
    the_round = await catalogue.get_round(conn, found.round_id) if found else None
    if found is None or the_round is None or the_round.clock.advertise_at > now:
        raise NotFound(f"There is no advertised placement {placement_id}.")
    return found


async def _deadline_for(conn: asyncpg.Connection, placement: Placement, now: datetime) -> datetime:
    """The first round's deadline, or the second's once the first has passed for a
    re-advertised placement (R4)."""
    the_round = await catalogue.get_round(conn, placement.round_id)
    assert the_round is not None
    clock = the_round.clock
    second = clock.second_round_deadline_at
    if now >= clock.deadline_at and placement.readvertised and second is not None:
        return second
    return clock.deadline_at
