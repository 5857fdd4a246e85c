"""The office's view of every message: find it, read it, see why it failed, resend it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from mip.core.bounds import MAX_OFFSET, Moment
from mip.core.deps import OfficeUser, PoolDep, Runtime
from mip.core.errors import NotFound
from services.notifications.messages import repository as repo
from services.notifications.messages.schemas import MessageDetail, MessageSummary, ResendAccepted
from workflows.notifications import (
    DeliverEmailWorkflow,
    EmailRequest,
    EmailStatus,
    MessageKind,
    email_workflow_id,
)

router = APIRouter(prefix="/v1/messages", tags=["messages"])
CONFIRMATION_PROMISE_HOURS = 3.0  # R15: what the applicant is told to wait before asking


@router.get("")
async def search_messages(
    pool: PoolDep,
    _: OfficeUser,
    recipient: Annotated[str | None, Query(description="part of an address")] = None,
    kind: MessageKind | None = None,
    status: EmailStatus | None = None,
    round_id: str | None = None,
    subject_ref: Annotated[str | None, Query(description="e.g. application-<id>")] = None,
    since: Moment | None = None,
    until: Moment | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
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


@router.get("/overdue-confirmations")
async def overdue_confirmations(
    pool: PoolDep,
    _: OfficeUser,
    hours: Annotated[float, Query(gt=0, le=24 * 7)] = CONFIRMATION_PROMISE_HOURS,
) -> list[MessageSummary]:
    """Confirmations not delivered within `hours` of the submission (R15)."""
    async with pool.acquire() as conn:
        return await repo.overdue(conn, MessageKind.confirmation.value, hours)


@router.get("/{message_id}")
async def read_message(message_id: UUID, pool: PoolDep, _: OfficeUser) -> MessageDetail:
    async with pool.acquire() as conn:
        found = await repo.detail(conn, message_id)
    if found is None:
        raise NotFound(f"There is no message {message_id}.")
    return found


@router.post("/{message_id}/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend(
    message_id: UUID, pool: PoolDep, runtime: Runtime, _: OfficeUser
) -> ResendAccepted:
    """Send the same message again, as a new message with its own delivery record."""
    async with pool.acquire() as conn:
        original = await repo.original_request(conn, message_id)
        if original is None:
            raise NotFound(f"There is no message {message_id}.")
        prefix = f"resend:{message_id}:"
        key = f"{prefix}{await repo.count_keys_with_prefix(conn, prefix) + 1}"
    request = EmailRequest.model_validate({**original, "idempotency_key": key})
    workflow_id = email_workflow_id(key)
    await runtime.start_workflow_once(DeliverEmailWorkflow.run, request, workflow_id=workflow_id)
    return ResendAccepted(workflow_id=workflow_id, idempotency_key=key)
