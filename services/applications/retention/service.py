"""A round's retention schedule as the settings give it (docs/privacy.md): the periods its
RetentionWorkflow is started with. A rehearsal round runs the same schedule with each day
lasting MIP_RETAIN_REHEARSAL_DAY_S (a minute), so its schedule runs in minutes, not days."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core import ids
from mip.core.runtime import ServiceRuntime
from mip.core.settings import Settings
from services.applications.retention import repository as repo
from workflows.retention import RetentionInput, RetentionPeriods, RetentionWorkflow

DAY_S = 24 * 3600
# Never shorter than the calendar years the law counts, leap years or not: a day late at worst.
YEAR_DAYS = 366


def retention_start(settings: Settings, round_id: str, *, rehearsal: bool) -> RetentionInput:
    # The periods travel in the workflow's input: a round keeps the schedule it began
    # with, whatever the settings become while its timers run.
    day = settings.retain_rehearsal_day_s if rehearsal else DAY_S
    return RetentionInput(
        round_id=round_id,
        periods=RetentionPeriods(
            unplaced_cv_s=settings.retain_unplaced_cv_days * day,
            placed_cv_s=settings.retain_placed_cv_days * day,
            equal_opportunities_s=settings.retain_equal_opportunities_days * day,
            message_body_s=settings.retain_message_body_days * day,
            finance_s=settings.retain_finance_years * YEAR_DAYS * day,
            application_s=settings.retain_application_days * day,
        ),
    )


async def enqueue_retention(
    runtime: ServiceRuntime, conn: asyncpg.Connection, round_id: UUID, *, rehearsal: bool
) -> str:
    """Inside the caller's transaction: the round's RetentionWorkflow, to start on commit."""
    start = retention_start(runtime.settings, str(round_id), rehearsal=rehearsal)
    workflow_id = await runtime.enqueue_workflow(
        conn, RetentionWorkflow, ids.retention(str(round_id)), start
    )
    await repo.retention_enqueued(conn, round_id)
    return workflow_id


async def start_missing_schedules(runtime: ServiceRuntime) -> None:
    """At start-up: each round made before the retention schedule existed gets its own,
    with today's settings; its dates may be long past, so it erases at once what is due."""
    async with runtime.pool.acquire() as conn:
        missing = await repo.rounds_without_retention(conn)
    for the_round in missing:
        async with runtime.pool.acquire() as conn, conn.transaction():
            started = await enqueue_retention(
                runtime, conn, the_round["id"], rehearsal=the_round["rehearsal"]
            )
        runtime.start_soon(started)
