"""The office's view of every message: find it, read it, see why it failed, resend it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from mip.core.bounds import MAX_OFFSET, Moment
from mip.core.deps import OfficeUser, PoolDep, Runtime
from services.notifications.contract import EmailStatus, MessageKind
from services.notifications.messages import service
from services.notifications.messages.schemas import MessageDetail, MessageSummary, ResendAccepted

router = APIRouter(prefix="/v1/messages", tags=["messages"])


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
    return await service.search(
        pool,
        recipient=recipient,
        kind=kind,
        status=status,
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
    hours: Annotated[float, Query(gt=0, le=24 * 7)] = service.CONFIRMATION_PROMISE_HOURS,
) -> list[MessageSummary]:
    """Confirmations not delivered within `hours` of the submission (R15)."""
    return await service.overdue_confirmations(pool, hours)


@router.get("/{message_id}")
async def read_message(message_id: UUID, pool: PoolDep, _: OfficeUser) -> MessageDetail:
    return await service.detail(pool, message_id)


@router.post("/{message_id}/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend(message_id: UUID, runtime: Runtime, _: OfficeUser) -> ResendAccepted:
    """Send the same message again, as a new message with its own delivery record."""
    return await service.resend(runtime, message_id)
