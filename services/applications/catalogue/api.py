"""Office set-up of hosts, rounds and placements; the listing every signed-in user reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from mip.core.auth import Role
from mip.core.bounds import Day
from mip.core.deps import AnyUser, OfficeOrService, OfficeUser, PoolDep, Runtime
from mip.core.errors import Conflict, InvalidInput, NotFound
from services.applications.catalogue import repository as repo
from services.applications.catalogue import rounds
from services.applications.catalogue.rules import (
    RoundClock,
    check_placement_days,
    check_programme_calendar,
    check_weeks_after_clock,
    clock_from_dates,
)
from services.applications.catalogue.schemas import (
    Host,
    HostIn,
    Placement,
    PlacementIn,
    Round,
    RoundIn,
)

router = APIRouter(prefix="/v1", tags=["catalogue"])


@router.post("/hosts", status_code=status.HTTP_201_CREATED)
async def create_host(body: HostIn, pool: PoolDep, _: OfficeUser) -> Host:
    async with pool.acquire() as conn:
        try:
            return await repo.insert_host(conn, body)
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(f"A host named {body.name!r} already exists.") from exc


@router.get("/hosts")
async def list_hosts(pool: PoolDep, _: OfficeUser) -> list[Host]:
    async with pool.acquire() as conn:
        return await repo.list_hosts(conn)


@router.post("/rounds", status_code=status.HTTP_201_CREATED)
async def create_round(body: RoundIn, runtime: Runtime, _: OfficeUser) -> Round:
    rehearsal = body.clock is not None or body.acceptance_window_seconds is not None
    if rehearsal and runtime.settings.production:
        raise InvalidInput("Rehearsal clocks are refused in production; give the round's dates.")
    clock = body.clock or clock_from_dates(
        advertising_date=body.advertising_date,
        deadline_date=body.deadline_date,
        outcomes_by_date=body.outcomes_by_date,
        second_round_opens_on=body.second_round_opens_on,
        second_round_closes_on=body.second_round_closes_on,
    )
    if body.clock is None:
        check_weeks_after_clock(body.weeks, clock)
    return await rounds.create_round(runtime, body, clock)


class RoundDates(BaseModel):
    clock: RoundClock


@router.put("/rounds/{round_id}/clock")
async def reschedule_round(
    round_id: UUID, body: RoundDates, runtime: Runtime, _: OfficeUser
) -> Round:
    """Move dates still to come; the round's workflow reschedules its timers."""
    if runtime.settings.production:
        check_programme_calendar(body.clock)
    return await rounds.reschedule(runtime, round_id, body.clock)


@router.get("/rounds")
async def list_rounds(pool: PoolDep, _: OfficeUser) -> list[Round]:
    async with pool.acquire() as conn:
        return await repo.list_rounds(conn)


@router.get("/rounds/{round_id}")
async def get_round(round_id: UUID, pool: PoolDep, _: AnyUser) -> Round:
    async with pool.acquire() as conn:
        found = await repo.get_round(conn, round_id)
    if found is None:
        raise NotFound(f"There is no round {round_id}.")
    return found


@router.post("/rounds/{round_id}/placements", status_code=status.HTTP_201_CREATED)
async def create_placement(
    round_id: UUID, body: PlacementIn, pool: PoolDep, _: OfficeUser
) -> Placement:
    async with pool.acquire() as conn:
        found = await repo.get_round(conn, round_id)
        if found is None:
            raise NotFound(f"There is no round {round_id}.")
        week = next((w for w in found.weeks if w.starts_on == body.week_starts_on), None)
        if week is None:
            offered = ", ".join(f"{w.starts_on:%d %B %Y}" for w in found.weeks)
            raise InvalidInput(
                f"{body.week_starts_on} is not a placement week of this round; "
                f"its weeks start on {offered}."
            )
        days = check_placement_days(body.days, week)
        if await repo.get_host(conn, body.host_id) is None:
            raise InvalidInput(f"There is no host {body.host_id}; create the host first.")
        placement_id = await repo.insert_placement(conn, round_id, body, days)
        placement = await repo.get_placement(conn, placement_id)
    assert placement is not None
    return placement


@router.get("/rounds/{round_id}/placements")
async def list_round_placements(
    round_id: UUID, pool: PoolDep, _: OfficeOrService
) -> list[Placement]:
    async with pool.acquire() as conn:
        return await repo.search_placements(conn, round_id=round_id)


@router.get("/placements")
async def list_advertised_placements(
    pool: PoolDep,
    _: AnyUser,
    week: Annotated[Day | None, Query(description="the Monday of a placement week")] = None,
    sector: str | None = None,
    host_id: UUID | None = None,
) -> list[Placement]:
    """Placements of rounds that are advertised and still open (R3): none before their date."""
    async with pool.acquire() as conn:
        return await repo.search_placements(
            conn, advertised_at=datetime.now(UTC), week=week, sector=sector, host_id=host_id
        )


@router.get("/placements/{placement_id}")
async def get_placement(placement_id: UUID, pool: PoolDep, principal: AnyUser) -> Placement:
    async with pool.acquire() as conn:
        found = await repo.get_placement(conn, placement_id)
        its_round = await repo.get_round(conn, found.round_id) if found else None
    hidden = (
        its_round is not None
        and principal.role is not Role.office
        and its_round.clock.advertise_at > datetime.now(UTC)
    )
    if found is None or hidden:
        raise NotFound(f"There is no advertised placement {placement_id}.")
    return found
