"""What the office's message routes do: search and read the delivery records, find the
confirmations that are late (R15), and resend a message as a new one. Delivery itself is
`sender.py`, which the activities run."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from mip.core import ids
from mip.core.errors import Conflict, NotFound
from mip.core.runtime import ServiceRuntime
from services.notifications.contract import EmailRequest, EmailStatus, MessageKind
from services.notifications.messages import repository as repo
from services.notifications.messages.schemas import MessageDetail, MessageSummary, ResendAccepted
from workflows.notifications import DeliverEmailWorkflow

CONFIRMATION_PROMISE_HOURS = 3.0  # R15: what the applicant is told to wait before asking


async def search(
    pool: asyncpg.Pool,
    *,
    recipient: str | None,
    kind: MessageKind | None,
    status: EmailStatus | None,
    round_id: str | None,
    subject_ref: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> list[MessageSummary]:
    async with pool.acquire() as conn:
        return await repo.search(
            conn,
            recipient=recipient,
            kind=kind.value if kind else None,
            status=status.value if status else None,
            round_id=round_id,
            subject_ref=subject_ref,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )


async def overdue_confirmations(pool: asyncpg.Pool, hours: float) -> list[MessageSummary]:
    async with pool.acquire() as conn:
        return await repo.overdue(conn, MessageKind.confirmation.value, hours)


async def detail(pool: asyncpg.Pool, message_id: UUID) -> MessageDetail:
    async with pool.acquire() as conn:
        found = await repo.detail(conn, message_id)
    if found is None:
        raise NotFound(f"There is no message {message_id}.")
    return found


async def resend(runtime: ServiceRuntime, message_id: UUID) -> ResendAccepted:
    """The same message again, as a new message with its own delivery record: a fresh
    idempotency key, numbered after the resends before it."""
    async with runtime.pool.acquire() as conn:
        original = await repo.original_request(conn, message_id)
        if original is None:
            raise NotFound(f"There is no message {message_id}.")
        if original.get("kind") == MessageKind.sign_in.value:
            raise Conflict(
                "A sign-in email cannot be resent: its link is not kept. The person asks "
                "for a new link on the sign-in page."
            )
        prefix = f"resend:{message_id}:"
        key = f"{prefix}{await repo.count_keys_with_prefix(conn, prefix) + 1}"
    request = EmailRequest.model_validate({**original, "idempotency_key": key})
    workflow_id = ids.email(key)
    await runtime.start_workflow_once(DeliverEmailWorkflow.run, request, workflow_id=workflow_id)
    return ResendAccepted(workflow_id=workflow_id, idempotency_key=key)
