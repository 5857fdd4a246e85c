"""A round's life beyond its row: its RoundWorkflow is started with it (through the
outbox) and told when its dates change."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
from temporalio.service import RPCError, RPCStatusCode

from mip.core import outbox
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue import repository as repo
from services.applications.catalogue.rules import RoundClock
from services.applications.catalogue.schemas import Round, RoundIn
from workflows.queues import WORKFLOWS
from workflows.round import RoundClockIn, RoundInput, RoundWorkflow, workflow_id
from workflows.tz import LONDON

CLOCK_FIELDS = (
    "advertise_at",
    "deadline_at",
    "outcomes_at",
    "second_round_opens_at",
    "second_round_deadline_at",
)


async def create_round(runtime: ServiceRuntime, spec: RoundIn, clock: RoundClock) -> Round:
    async with runtime.pool.acquire() as conn, conn.transaction():
        try:
            created = await repo.insert_round(conn, spec, clock)
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(f"A round named {spec.name!r} already exists.") from exc
        start = RoundInput(
            round_id=str(created.id),
            name=created.name,
            clock=RoundClockIn.model_validate(clock.model_dump()),
            window_seconds=created.acceptance_window_seconds
            or created.acceptance_window_hours * 3600,
        )
        await outbox.enqueue(
            conn,
            workflow_type=RoundWorkflow.__name__,
            workflow_id=workflow_id(str(created.id)),
            task_queue=runtime.settings.queue(WORKFLOWS),
            arg=start.model_dump(mode="json"),
        )
    runtime.start_soon(workflow_id(str(created.id)))
    return created


def _label(name: str) -> str:
    return {
        "advertise_at": "advertising date",
        "deadline_at": "application deadline",
        "outcomes_at": "outcomes-by date",
        "second_round_opens_at": "second round's opening",
        "second_round_deadline_at": "second round's deadline",
    }[name]


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%H:%M on %A %d %B %Y} (UK time)"


def check_untouched_past(old: RoundClock, new: RoundClock, now: datetime) -> None:
    """Dates that have passed stay as they were: what happened at them has happened."""
    for name in CLOCK_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before is not None and before <= now and before != after:
            raise Conflict(
                f"The {_label(name)} ({_when(before)}) has passed; it cannot be moved now.",
                field=name,
            )
        if after is not None and after != before and after <= now:
            raise InvalidInput(
                f"The new {_label(name)} ({_when(after)}) is in the past; "
                "choose a time still to come.",
                field=name,
            )


async def reschedule(runtime: ServiceRuntime, round_id: UUID, clock: RoundClock) -> Round:
    """R3: move the dates still to come, in any phase; the round's workflow (and through it
    every placement workflow already running) takes the new dates."""
    client = runtime.workflow_client()
    wf_id = workflow_id(str(round_id))
    async with runtime.pool.acquire() as conn, conn.transaction():
        found = await repo.get_round(conn, round_id, lock=True)
        if found is None:
            raise NotFound(f"There is no round {round_id}.")
        check_untouched_past(found.clock, clock, runtime.clock())
        await repo.update_clock(conn, round_id, clock)
        await outbox.ensure_started(runtime.pool, client, wf_id)
        # Signalled inside the transaction: if Temporal is away, the dates do not change.
        try:
            await client.get_workflow_handle(wf_id).signal(
                RoundWorkflow.reschedule, RoundClockIn.model_validate(clock.model_dump())
            )
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
            raise Conflict("Every date of this round has passed; it can no longer change.") from exc
        updated = await repo.get_round(conn, round_id)
    assert updated is not None
    return updated
