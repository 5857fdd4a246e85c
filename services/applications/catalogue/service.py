"""What the catalogue's routes do: hosts, rounds and placements checked against the rules
and stored; a round's RoundWorkflow started with it (through the outbox). Moving a round's
dates afterwards is `clock.py`."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from mip.core import ids
from mip.core.auth import Principal, Role
from mip.core.errors import Conflict, InvalidInput, NotFound, or_not_found
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue import repository as repo
from services.applications.catalogue import welcome
from services.applications.catalogue.rules import (
    RoundClock,
    check_placement_days,
    check_weeks_after_clock,
    clock_from_dates,
    placement_week,
)
from services.applications.catalogue.schemas import (
    Host,
    HostIn,
    Placement,
    PlacementIn,
    PlacementQuery,
    Round,
    RoundIn,
)
from services.applications.retention.service import enqueue_retention
from workflows.queues import INTERACTIVE
from workflows.round import RoundInput, RoundWorkflow


async def create_host(runtime: ServiceRuntime, body: HostIn, who: Principal) -> Host:
    """R5: a new host, and the welcome to its contact (through the outbox, on commit)."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        try:
            created = await repo.insert_host(conn, body)
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(f"A host named “{body.name}” already exists.") from exc
        welcome_id = await welcome.enqueue(conn, runtime, created, who, welcome.first_key(created))
    runtime.start_soon(welcome_id)
    return created


async def hosts(pool: asyncpg.Pool) -> list[Host]:
    async with pool.acquire() as conn:
        return await repo.list_hosts(conn)


async def hosts_with_contact(pool: asyncpg.Pool, email: str) -> list[Host]:
    """The hosts whose registered contact is `email` (the portal's sign-in asks, to know
    who signs in as a host)."""
    async with pool.acquire() as conn:
        return await repo.hosts_with_contact(conn, email)


def is_rehearsal(body: RoundIn) -> bool:
    """A round made with an exact clock, or an offer window in seconds, is a rehearsal."""
    return body.clock is not None or body.acceptance_window_seconds is not None


def _clock_of(runtime: ServiceRuntime, body: RoundIn) -> RoundClock:
    """The programme's calendar from the round's dates, or a rehearsal's exact clock
    (refused in production, where every round keeps the programme's calendar)."""
    if is_rehearsal(body) and not runtime.settings.allows_rehearsals:
        raise InvalidInput("Rehearsal clocks are refused in production; give the round's dates.")
    if body.clock is not None:
        return body.clock
    # RoundIn's own check: without a clock, the three dates are there.
    assert body.advertising_date
    assert body.deadline_date
    assert body.outcomes_by_date
    clock = clock_from_dates(
        advertising_date=body.advertising_date,
        deadline_date=body.deadline_date,
        outcomes_by_date=body.outcomes_by_date,
        second_round_opens_on=body.second_round_opens_on,
        second_round_closes_on=body.second_round_closes_on,
    )
    check_weeks_after_clock(body.weeks, clock)
    return clock


async def create_round(runtime: ServiceRuntime, spec: RoundIn) -> Round:
    clock = _clock_of(runtime, spec)
    async with runtime.pool.acquire() as conn, conn.transaction():
        try:
            created = await repo.insert_round(conn, spec, clock, rehearsal=is_rehearsal(spec))
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(f"A round named “{spec.name}” already exists.") from exc
        start = RoundInput(
            round_id=str(created.id),
            name=created.name,
            clock=clock,
            window_seconds=created.acceptance_window_seconds
            or created.acceptance_window_hours * 3600,
        )
        # A round's few tasks (forwarding, each digest) wait on their own queue, not behind
        # the thousands of its applications' (workflows/queues.py).
        started = await runtime.enqueue_workflow(
            conn, RoundWorkflow, ids.round_(str(created.id)), start, queue=INTERACTIVE
        )
        retaining = await enqueue_retention(runtime, conn, created.id, rehearsal=created.rehearsal)
    runtime.start_soon(started)
    runtime.start_soon(retaining)
    return created


async def rounds(pool: asyncpg.Pool) -> list[Round]:
    async with pool.acquire() as conn:
        return await repo.list_rounds(conn)


async def round_of(pool: asyncpg.Pool, round_id: UUID) -> Round:
    async with pool.acquire() as conn:
        return or_not_found(await repo.get_round(conn, round_id), f"There is no round {round_id}.")


async def create_placement(pool: asyncpg.Pool, round_id: UUID, body: PlacementIn) -> Placement:
    """R1, R2: a placement falls on working days of one of its round's weeks."""
    async with pool.acquire() as conn:
        found = or_not_found(await repo.get_round(conn, round_id), f"There is no round {round_id}.")
        week = placement_week(found.weeks, body.week_starts_on)
        days = check_placement_days(body.days, week)
        if await repo.get_host(conn, body.host_id) is None:
            raise InvalidInput(f"There is no host {body.host_id}; create the host first.")
        placement_id = await repo.insert_placement(conn, round_id, body, days)
        placement = await repo.get_placement(conn, placement_id)
    assert placement is not None
    return placement


async def placements_of_round(pool: asyncpg.Pool, round_id: UUID) -> list[Placement]:
    async with pool.acquire() as conn:
        return await repo.search_placements(conn, round_id=round_id)


async def advertised(pool: asyncpg.Pool, query: PlacementQuery) -> list[Placement]:
    """R3: placements of rounds advertised and still open; none before their date."""
    async with pool.acquire() as conn:
        return await repo.search_placements(conn, query, advertised_at=datetime.now(UTC))


def for_the_public(placement: Placement) -> Placement:
    """A placement as a visitor without a token sees it: no host contact to harvest."""
    host = placement.host.model_copy(update={"contact_name": "", "contact_email": ""})
    return placement.model_copy(update={"host": host})


async def placement_for(pool: asyncpg.Pool, placement_id: UUID, who: Principal | None) -> Placement:
    """Only the office sees a placement before its round is advertised (R3)."""
    async with pool.acquire() as conn:
        found = await repo.get_placement(conn, placement_id)
        its_round = await repo.get_round(conn, found.round_id) if found else None
    hidden = (
        its_round is not None
        and (who is None or who.role is not Role.office)
        and its_round.clock.advertise_at > datetime.now(UTC)
    )
    if found is None or hidden:
        raise NotFound(f"There is no advertised placement {placement_id}.")
    return found


async def placement(pool: asyncpg.Pool, placement_id: UUID) -> Placement | None:
    async with pool.acquire() as conn:
        return await repo.get_placement(conn, placement_id)


async def placements_of_host(pool: asyncpg.Pool, email: str) -> list[Placement]:
    async with pool.acquire() as conn:
        return await repo.placements_of_host(conn, email)
