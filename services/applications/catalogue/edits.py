"""What the office may change after setting something up, and what it may not.

A change never alters what applicants already applied for: once an application is in, a
placement stays as it was advertised, a round keeps its weeks and limits, and a host keeps
the name, sector, kind and place applicants saw (R1-R5, and the expenses rules R24-R27 read
a host's kind and place); only its contact may change, as people do. After a round's
deadline nothing of it changes here, since its placements have gone to their hosts (R16).
Each refusal is a 409 that says why and what can still be done.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import ValidationError

from mip.core import when
from mip.core.auth import Principal
from mip.core.errors import Conflict, InvalidInput, NotFound, or_not_found
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue import edits_repository as edits
from services.applications.catalogue import repository as repo
from services.applications.catalogue import welcome
from services.applications.catalogue.clock import CLOCK_FIELDS, reschedule
from services.applications.catalogue.rules import (
    LONDON,
    MIDDAY,
    MIDNIGHT,
    OUTCOMES_HOUR,
    RoundClock,
    check_placement_days,
    check_weeks_after_clock,
    london,
    placement_week,
)
from services.applications.catalogue.schemas import Host, HostIn, Placement, PlacementIn, Round
from services.applications.catalogue.service import round_of
from services.applications.contract import Frozen, RoundDatesIn, RoundSettingsIn, why_frozen

# What applicants saw of a host; the contact is not among them.
HOST_AS_ADVERTISED = ("name", "sector", "kind", "location")


def _refuse_once_applied(count: int, rest: str, **extensions: Any) -> None:
    """Once anyone has applied, what they applied for stays as they saw it (a 409 saying
    how many applications were made, and `rest`: where, and what can still change)."""
    if count:
        made = "1 application has" if count == 1 else f"{count} applications have"
        raise Conflict(f"{made} been made {rest}", **extensions)


async def host_of(pool: asyncpg.Pool, host_id: UUID) -> Host:
    async with pool.acquire() as conn:
        return or_not_found(await repo.get_host(conn, host_id), f"There is no host {host_id}.")


async def update_host(runtime: ServiceRuntime, host_id: UUID, body: HostIn, who: Principal) -> Host:
    """A new contact address is welcomed like a new host's: it may never have heard of MIP."""
    welcome_id = None
    async with runtime.pool.acquire() as conn, conn.transaction():
        if not await edits.lock_host(conn, host_id):
            raise NotFound(f"There is no host {host_id}.")
        before = await repo.get_host(conn, host_id)
        assert before is not None
        changed = [
            name for name in HOST_AS_ADVERTISED if getattr(before, name) != getattr(body, name)
        ]
        if changed:
            _refuse_once_applied(
                await edits.applications_to_host(conn, host_id),
                f"to this host's placements, so its {changed[0]} stays as applicants saw it. "
                "Only the contact's name and email address can change now.",
                field=changed[0],
            )
        try:
            await edits.update_host(conn, host_id, body)
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(
                f"Another host is already named “{body.name}”; choose another name.", field="name"
            ) from exc
        updated = await repo.get_host(conn, host_id)
        assert updated is not None
        if updated.contact_email != before.contact_email:
            key = welcome.first_key(updated)
            welcome_id = await welcome.enqueue(conn, runtime, updated, who, key)
    if welcome_id is not None:
        runtime.start_soon(welcome_id)
    return updated


def _refuse_if_frozen(
    the_round: Round, applications: int, now: datetime, what: str, applied: str
) -> None:
    """The contract's rule (`why_frozen`), refused in words that say `what` cannot change
    and, once applied for, `applied`: where, and what can still be done."""
    why = why_frozen(the_round.clock, applications, now)
    if why is Frozen.closed:
        raise Conflict(
            f"Applications to this round closed at {when.when(the_round.clock.deadline_at)} "
            f"and have gone to the hosts, so {what} can no longer change."
        )
    if why is Frozen.applied:
        _refuse_once_applied(applications, applied)


async def update_round(runtime: ServiceRuntime, round_id: UUID, body: RoundSettingsIn) -> Round:
    """R2: the weeks (and the limits applicants apply under) change only while no one has
    applied and the deadline is to come; a week that has placements stays."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        # FOR UPDATE: an application arriving now waits for this change (see edits_repository).
        found = or_not_found(
            await repo.get_round(conn, round_id, lock=True), f"There is no round {round_id}."
        )
        _refuse_if_frozen(
            found,
            await edits.applications_to_round(conn, round_id),
            runtime.clock(),
            "its weeks and limits",
            "in this round, so its weeks and limits stay as applicants saw them. "
            "Dates still to come can still be moved.",
        )
        check_weeks_after_clock(body.weeks, found.clock)
        kept = {w.starts_on for w in body.weeks}
        dropped = [w.starts_on for w in found.weeks if w.starts_on not in kept]
        in_use = await edits.placements_in_weeks(conn, round_id, dropped)
        if in_use:
            raise Conflict(
                f"A week you removed has placements ({'; '.join(in_use)}); move or change "
                "them first.",
                field="weeks",
            )
        await edits.update_round_settings(conn, round_id, body)
        await edits.replace_weeks(conn, round_id, body.weeks)
        updated = await repo.get_round(conn, round_id)
    assert updated is not None
    return updated


# The dates in the order they fall (R3, R4), each with what the form calls it: a pair out
# of order is refused naming the later one, beside its field.
_ORDER = (
    ("advertise_at", "deadline_at", "The application deadline must be after the advertising date"),
    ("deadline_at", "outcomes_at", "The outcomes-by date must be after the application deadline"),
    (
        "deadline_at",
        "second_round_opens_at",
        "The second round must open after the application deadline",
    ),
    (
        "second_round_opens_at",
        "second_round_deadline_at",
        "The second round's deadline must be after the day it opens",
    ),
)


def clock_keeping_unchanged(old: RoundClock, body: RoundDatesIn) -> RoundClock:
    """The programme's calendar for the dates given (R3); a date the office left as it was
    keeps the exact instant it had, so resaving a form never moves a time that passed, and
    a rehearsal's times minutes apart on one day stay as they were."""
    days = {
        "advertise_at": (body.advertising_date, MIDNIGHT),
        "deadline_at": (body.deadline_date, MIDDAY),
        "outcomes_at": (body.outcomes_by_date, OUTCOMES_HOUR),
        "second_round_opens_at": (body.second_round_opens_on, MIDNIGHT),
        "second_round_deadline_at": (body.second_round_closes_on, MIDDAY),
    }
    instants: dict[str, datetime | None] = {}
    for name in CLOCK_FIELDS:
        before = getattr(old, name)
        day, at = days[name]
        if day is None:
            instants[name] = None
        elif before is not None and before.astimezone(LONDON).date() == day:
            instants[name] = before
        else:
            instants[name] = london(day, at)
    for earlier, later, message in _ORDER:
        first, then = instants[earlier], instants[later]
        if first is not None and then is not None and not first < then:
            raise InvalidInput(message + ".", field=later)
    try:
        return RoundClock(**instants)
    except ValidationError as exc:  # one second-round date without the other
        raise InvalidInput(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from exc


async def reschedule_dates(runtime: ServiceRuntime, round_id: UUID, body: RoundDatesIn) -> Round:
    """R3: move the dates still to come, given as days; passed dates are refused by the
    same check as `PUT /v1/rounds/{id}/clock`."""
    found = await round_of(runtime.pool, round_id)
    return await reschedule(runtime, round_id, clock_keeping_unchanged(found.clock, body))


async def update_placement(
    runtime: ServiceRuntime, placement_id: UUID, body: PlacementIn
) -> Placement:
    """R1, R2: a placement changes only while no one has applied for it and its round's
    deadline is to come; the changed placement obeys the same rules as a new one."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        round_id = await edits.lock_placement(conn, placement_id)
        if round_id is None:
            raise NotFound(f"There is no placement {placement_id}.")
        the_round = await repo.get_round(conn, round_id)
        assert the_round is not None
        _refuse_if_frozen(
            the_round,
            await edits.applications_to_placement(conn, placement_id),
            runtime.clock(),
            "its placements",
            "for this placement, so it stays as applicants saw it. Add a new placement instead.",
        )
        week = placement_week(the_round.weeks, body.week_starts_on, field="week_starts_on")
        days = check_placement_days(body.days, week)
        if await repo.get_host(conn, body.host_id) is None:
            raise InvalidInput(f"There is no host {body.host_id}.", field="host_id")
        await edits.update_placement(conn, placement_id, body, days)
        updated = await repo.get_placement(conn, placement_id)
    assert updated is not None
    return updated
