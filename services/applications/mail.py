"""E-mail the applications service sends itself (a host's welcome, support sessions),
kept in its outbox inside the caller's transaction so that none is lost: the message's
`DeliverEmailWorkflow` starts once the transaction commits, or later from the outbox."""

from __future__ import annotations

import asyncpg

from mip.core import ids
from mip.core.runtime import ServiceRuntime
from services.notifications.contract import EmailRequest
from workflows.notifications import DeliverEmailWorkflow


async def enqueue_email(
    conn: asyncpg.Connection, runtime: ServiceRuntime, request: EmailRequest
) -> str:
    """Keep `request` in the outbox; its workflow's id, for `runtime.start_soon` after the
    commit (the idempotency key names the workflow, so a message starts once)."""
    workflow_id = ids.email(request.idempotency_key)
    return await runtime.enqueue_workflow(conn, DeliverEmailWorkflow, workflow_id, request)
