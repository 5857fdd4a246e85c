"""What the catalogue's routes do: hosts, rounds and placements checked against the rules
and stored; a round's RoundWorkflow started with it (through the outbox) and told when its
dates change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
from temporalio.service import RPCError, RPCStatusCode

from mip.core import ids, outbox, when
from mip.core.auth import Principal, Role
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue import repository as repo
from services.applications.catalogue import welcome
from services.applications.catalogue.rules import (
    RoundClock,
    check_placement_days,
    check_programme_calendar,
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
    RehearsalStep,
    Round,
    RoundIn,
)
from workflows.queues import WORKFLOWS
from workflows.round import RoundInput, RoundWorkflow

CLOCK_FIELDS = (
    "advertise_at",
    "deadline_at",
    "outcomes_at",
    "second_round_opens_at",
    "second_round_deadline_at",
)


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
        await outbox.enqueue(
            conn,
            workflow_type=RoundWorkflow.__name__,
            workflow_id=ids.round_(str(created.id)),
            task_queue=runtime.settings.queue(WORKFLOWS),
            arg=start.model_dump(mode="json"),
        )
    runtime.start_soon(ids.round_(str(created.id)))
    return created


def _label(name: str) -> str:
    return {
        "advertise_at": "advertising date",
        "deadline_at": "application deadline",
        "outcomes_at": "outcomes-by date",
        "second_round_opens_at": "second round's opening",
        "second_round_deadline_at": "second round's deadline",
    }[name]


def check_untouched_past(old: RoundClock, new: RoundClock, now: datetime) -> None:
    """Dates that have passed stay as they were: what happened at them has happened."""
    for name in CLOCK_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before is not None and before <= now and before != after:
            raise Conflict(
                f"The {_label(name)}, {when.when(before)}, has passed; it cannot be moved now.",
                field=name,
            )
        if after is not None and after != before and after <= now:
            raise InvalidInput(
                f"The new {_label(name)}, {when.when(after)}, is in the past; "
                "choose a time still to come.",
                field=name,
            )


async def reschedule(runtime: ServiceRuntime, round_id: UUID, clock: RoundClock) -> Round:
    """R3: move the dates still to come, in any phase; the round's workflow (and through it
    every placement workflow already running) takes the new dates."""
    if runtime.settings.production:
        check_programme_calendar(clock)

    def moved(found: Round, now: datetime) -> RoundClock:
        check_untouched_past(found.clock, clock, now)
        return clock

    return await _move_clock(runtime, round_id, moved)


async def _move_clock(
    runtime: ServiceRuntime, round_id: UUID, moved: Callable[[Round, datetime], RoundClock]
) -> Round:
    """The round's clock becomes `moved(round, now)` (which refuses what may not move), as
    one change: stored, and signalled to the round's workflow in the same transaction."""
    client = runtime.workflow_client()
    wf_id = ids.round_(str(round_id))
    async with runtime.pool.acquire() as conn, conn.transaction():
        found = await repo.get_round(conn, round_id, lock=True)
        if found is None:
            raise NotFound(f"There is no round {round_id}.")
        clock = moved(found, runtime.clock())
        await repo.update_clock(conn, round_id, clock)
        await outbox.ensure_started(runtime.pool, client, wf_id)
        # Signalled inside the transaction: if Temporal is away, the dates do not change.
        try:
            await client.get_workflow_handle(wf_id).signal(RoundWorkflow.reschedule, clock)
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
            raise Conflict("Every date of this round has passed; it can no longer change.") from exc
        updated = await repo.get_round(conn, round_id)
    assert updated is not None
    return updated


# Each rehearsal step: the date it moves to now, and the date that must have passed first
# (with what to do instead, said when it has not).
_STEPS = {
    RehearsalStep.close_applications: ("deadline_at", "advertise_at"),
    RehearsalStep.send_outcomes: ("outcomes_at", "deadline_at"),
    RehearsalStep.open_second_round: ("second_round_opens_at", "deadline_at"),
    RehearsalStep.close_second_round: ("second_round_deadline_at", "second_round_opens_at"),
}
_NOT_YET = {
    "advertise_at": "The round is not advertised until {at}, so applications cannot close yet.",
    "deadline_at": "Applications are open until {at}; close applications first.",
    "second_round_opens_at": "The second round opens at {at}; open it first.",
}
_DONE = {
    "deadline_at": "Applications closed at {at}.",
    "outcomes_at": "Outcomes were sent at {at}.",
    "second_round_opens_at": "The second round opened at {at}.",
    "second_round_deadline_at": "The second round closed at {at}.",
}


def rehearsal_clock(found: Round, step: RehearsalStep, now: datetime) -> RoundClock:
    """A rehearsal round's clock with `step`'s date moved to `now`: only a rehearsal, only
    a step still to come, and only once the step before it has happened."""
    if not found.rehearsal:
        raise Conflict(
            f"{found.name} is a real round, so its steps happen at its dates; move a date "
            "still to come on the round's dates page instead."
        )
    field, after = _STEPS[step]
    at, before = getattr(found.clock, field), getattr(found.clock, after)
    if at is None or before is None:
        raise Conflict(f"{found.name} has no second round.")
    if at <= now:
        raise Conflict(_DONE[field].format(at=when.when(at)))
    if before >= now:
        raise Conflict(_NOT_YET[after].format(at=when.when(before)))
    return RoundClock.model_validate({**found.clock.model_dump(), field: now})


async def rehearse(runtime: ServiceRuntime, round_id: UUID, step: RehearsalStep) -> Round:
    """A rehearsal round's next step, taken now (never in production): its date moves to
    this moment and the round's workflow takes the step at once."""
    if not runtime.settings.allows_rehearsals:
        raise Conflict("Rehearsals are not allowed in production.")
    return await _move_clock(
        runtime, round_id, lambda found, now: rehearsal_clock(found, step, now)
    )


async def rounds(pool: asyncpg.Pool) -> list[Round]:
    async with pool.acquire() as conn:
        return await repo.list_rounds(conn)


async def round_of(pool: asyncpg.Pool, round_id: UUID) -> Round:
    async with pool.acquire() as conn:
        found = await repo.get_round(conn, round_id)
    if found is None:
        raise NotFound(f"There is no round {round_id}.")
    return found


async def create_placement(pool: asyncpg.Pool, round_id: UUID, body: PlacementIn) -> Placement:
    """R1, R2: a placement falls on working days of one of its round's weeks."""
    async with pool.acquire() as conn:
        found = await repo.get_round(conn, round_id)
        if found is None:
            raise NotFound(f"There is no round {round_id}.")
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
