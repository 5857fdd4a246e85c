"""Moving a round's dates after it was made: the office reschedules what is still to come
(R3), and a rehearsal round takes its next step now. Each move is stored and signalled to
the round's workflow as one change, so the two never disagree."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from temporalio.service import RPCError, RPCStatusCode

from mip.core import ids, outbox, when
from mip.core.errors import Conflict, InvalidInput, ServiceUnavailable, or_not_found
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue import repository as repo
from services.applications.catalogue.rules import RoundClock, check_programme_calendar
from services.applications.catalogue.schemas import RehearsalStep, Round
from workflows.retention import RetentionWorkflow
from workflows.round import RoundWorkflow

log = logging.getLogger("mip.applications.clock")

CLOCK_FIELDS = (
    "advertise_at",
    "deadline_at",
    "outcomes_at",
    "second_round_opens_at",
    "second_round_deadline_at",
)


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
        clock = moved(or_not_found(found, f"There is no round {round_id}."), runtime.clock())
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
    await _tell_retention(runtime, round_id)
    return updated


async def _tell_retention(runtime: ServiceRuntime, round_id: UUID) -> None:
    """The round's retention schedule counts from its dates: woken to read them again.
    Without this it reads them at its next step anyway, so a date moved earlier would only
    be erased on late; a failure is logged, not refused."""
    wf_id = ids.retention(str(round_id))
    try:
        handle = runtime.workflow_client().get_workflow_handle(wf_id)
        await handle.signal(RetentionWorkflow.dates_moved)
    except (RPCError, ServiceUnavailable) as exc:
        log.warning("%s not told of the moved dates (%s)", wf_id, exc)


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
