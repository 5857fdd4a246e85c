"""What the office's message routes do: search and read the delivery records, find the
confirmations that are late (R15), and resend a message as a new one. Delivery itself is
`sender.py`, which the activities run."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core import ids
from mip.core.errors import Conflict, or_not_found
from mip.core.runtime import ServiceRuntime
from services.notifications.contract import EmailRequest, MessageKind
from services.notifications.messages import repository as repo
from services.notifications.messages.schemas import (
    MessageDetail,
    MessageQuery,
    MessageSummary,
    ResendAccepted,
)
from workflows.notifications import DeliverEmailWorkflow

CONFIRMATION_PROMISE_HOURS = 3.0  # R15: what the applicant is told to wait before asking


async def search(pool: asyncpg.Pool, query: MessageQuery) -> list[MessageSummary]:
    async with pool.acquire() as conn:
        return await repo.search(conn, query)


async def overdue_confirmations(pool: asyncpg.Pool, hours: float) -> list[MessageSummary]:
    async with pool.acquire() as conn:
        return await repo.overdue(conn, MessageKind.confirmation.value, hours)


async def detail(pool: asyncpg.Pool, message_id: UUID) -> MessageDetail:
    async with pool.acquire() as conn:
        found = await repo.detail(conn, message_id)
    return or_not_found(found, f"There is no message {message_id}.")


async def resend(runtime: ServiceRuntime, message_id: UUID) -> ResendAccepted:
    """The same message again, as a new message with its own delivery record: a fresh
    idempotency key, numbered after the resends before it."""
    async with runtime.pool.acquire() as conn:
        found = await repo.original_request(conn, message_id)
        original = or_not_found(found, f"There is no message {message_id}.")
        if not original:
            raise Conflict(
                "This email's content was erased on the retention schedule "
                "(docs/privacy.md), so it cannot be sent again."
            )
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
