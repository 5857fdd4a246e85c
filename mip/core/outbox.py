"""A transactional outbox for starting workflows: a submission is never lost to Temporal
being down, and never starts two workflows.

The service writes the row it owns and an outbox row in one transaction. After commit it
tries to start the workflow at once; whatever did not start (Temporal down, the process
killed) is started later by the relay. The workflow id is the idempotency key, so a start
repeated by the relay is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any

import asyncpg
from temporalio.client import Client
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from mip.core import telemetry
from mip.core.temporal import TemporalLink

log = logging.getLogger("mip.outbox")

# `workflow_outbox` is the core's table (mip/core/migrations/), made in the schema of each
# service whose spec says `uses_outbox`.


async def enqueue(
    conn: asyncpg.Connection,
    *,
    workflow_type: str,
    workflow_id: str,
    task_queue: str,
    arg: Any,
    search_attributes: dict[str, str] | None = None,
) -> None:
    """Inside the caller's transaction: remember that this workflow must start, with
    `search_attributes` (keyword attributes by name) if given.

    The request's trace context is kept with the row, so that the start, however much
    later and by whichever process, joins the request's trace.
    """
    saved = telemetry.carrier()
    await conn.execute(
        "INSERT INTO workflow_outbox (workflow_id, workflow_type, task_queue, input,"
        " trace_context, search_attributes) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (workflow_id) DO NOTHING",
        workflow_id,
        workflow_type,
        task_queue,
        json.dumps(arg, default=str),
        json.dumps(saved) if saved else None,
        json.dumps(search_attributes) if search_attributes else None,
    )


async def prune_started(conn: asyncpg.Connection, before: datetime) -> int:
    """The retention schedule (docs/privacy.md): rows of workflows started before `before`
    deleted, with the input they held; how many. A row not started yet is never touched,
    however old: it is a start still owed. A start repeated within the period finds its
    row; after it, Temporal still holds the workflow (its namespace keeps a closed one for
    its retention, 30 days, after it closes), so the start is refused: nothing starts twice
    while MIP_RETAIN_OUTBOX_DAYS is no longer than that retention."""
    status: str = await conn.execute(
        "DELETE FROM workflow_outbox WHERE started_at IS NOT NULL AND started_at < $1", before
    )
    return int(status.split()[-1])


async def _start(client: Client, row: asyncpg.Record) -> None:
    saved = json.loads(row["trace_context"]) if row["trace_context"] else None
    with (
        telemetry.resumed(saved),
        telemetry.tracer().start_as_current_span(
            f"outbox start {row['workflow_type']}",
            attributes={
                "temporalWorkflowID": row["workflow_id"],
                "mip.outbox.attempts": row["attempts"],
            },
        ),
        contextlib.suppress(WorkflowAlreadyStartedError),
    ):
        await client.start_workflow(
            row["workflow_type"],
            json.loads(row["input"]),
            id=row["workflow_id"],
            task_queue=row["task_queue"],
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=_attributes(row["search_attributes"]),
        )


def _attributes(saved: str | None) -> TypedSearchAttributes | None:
    if not saved:
        return None
    return TypedSearchAttributes(
        [
            SearchAttributePair(SearchAttributeKey.for_keyword(name), value)
            for name, value in json.loads(saved).items()
        ]
    )


async def start_pending(
    pool: asyncpg.Pool, client: Client, workflow_id: str | list[str] | None = None
) -> int:
    """Start pending workflows (one, those of a list, or every one); return how many
    started now."""
    started = 0
    chosen = [workflow_id] if isinstance(workflow_id, str) else workflow_id
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT * FROM workflow_outbox WHERE started_at IS NULL"
            " AND ($1::text[] IS NULL OR workflow_id = ANY($1::text[]))"
            " ORDER BY created_at LIMIT 500",
            chosen,
        )
        for row in rows:
            try:
                await _start(client, row)
            except Exception as exc:  # recorded and retried by the relay, whatever it was
                await conn.execute(
                    "UPDATE workflow_outbox SET attempts = attempts + 1, last_error = $2"
                    " WHERE workflow_id = $1",
                    row["workflow_id"],
                    str(exc),
                )
                raise
            await conn.execute(
                "UPDATE workflow_outbox SET started_at = now(), attempts = attempts + 1,"
                " last_error = NULL WHERE workflow_id = $1",
                row["workflow_id"],
            )
            started += 1
    return started


async def ensure_started(pool: asyncpg.Pool, client: Client, workflow_id: str) -> bool:
    """Start `workflow_id` now if the outbox still holds it; True if it has been started."""
    await start_pending(pool, client, workflow_id)
    async with pool.acquire() as conn:
        started = await conn.fetchval(
            "SELECT started_at IS NOT NULL FROM workflow_outbox WHERE workflow_id = $1",
            workflow_id,
        )
    return bool(started)


async def kick(
    pool: asyncpg.Pool,
    temporal: TemporalLink,
    workflow_id: str | None = None,
    *,
    timeout_s: float = 2.0,
) -> None:
    """The fast path after a commit: start now if Temporal answers, else leave it to `relay`."""
    if temporal.client is None:
        return
    try:
        await asyncio.wait_for(start_pending(pool, temporal.client, workflow_id), timeout_s)
    except Exception as exc:  # whatever failed, the relay retries it
        log.warning("outbox: %s not started yet (%s); the relay will", workflow_id or "all", exc)


class Starter:
    """Starts committed workflows in the background, a few at a time, so that a request
    answers as soon as its transaction commits and a burst of submissions never waits on
    the workflow engine; whatever fails here is left to `relay`."""

    def __init__(self, pool: asyncpg.Pool, temporal: TemporalLink, *, concurrency: int = 8):
        self._pool = pool
        self._temporal = temporal
        self._concurrency = concurrency
        self._queue: asyncio.Queue[str] = asyncio.Queue()

    def submit(self, workflow_id: str) -> None:
        self._queue.put_nowait(workflow_id)

    async def run(self) -> None:
        await asyncio.gather(*(self._work() for _ in range(self._concurrency)))

    async def _work(self) -> None:
        while True:
            workflow_id = await self._queue.get()
            await kick(self._pool, self._temporal, workflow_id, timeout_s=30)


async def relay(pool: asyncpg.Pool, temporal: TemporalLink, *, every_s: float = 2.0) -> None:
    """Run until cancelled: start whatever the fast path could not."""
    while True:
        if temporal.client is not None:
            try:
                count = await start_pending(pool, temporal.client)
                if count:
                    log.info("outbox relay started %d workflow(s)", count)
            except Exception as exc:  # Temporal or the database briefly away: try again
                log.warning("outbox relay: %s", exc)
        await asyncio.sleep(every_s)
