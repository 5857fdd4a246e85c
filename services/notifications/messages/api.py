"""The office's view of every message: find it, read it, see why it failed, resend it."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from mip.core.deps import OFFICE_ONLY, PoolDep, Runtime
from services.notifications.messages import service
from services.notifications.messages.schemas import (
    MessageDetail,
    MessageQuery,
    MessageSummary,
    ResendAccepted,
)

# Every route is the office's; none needs to know which office user asks.
router = APIRouter(prefix="/v1/messages", tags=["messages"], dependencies=[OFFICE_ONLY])


@router.get("")
async def search_messages(
    pool: PoolDep, query: Annotated[MessageQuery, Query()]
) -> list[MessageSummary]:
    return await service.search(pool, query)


@router.get("/overdue-confirmations")
async def overdue_confirmations(
    pool: PoolDep,
    hours: Annotated[float, Query(gt=0, le=24 * 7)] = service.CONFIRMATION_PROMISE_HOURS,
) -> list[MessageSummary]:
    """Confirmations not delivered within `hours` of the submission (R15)."""
    return await service.overdue_confirmations(pool, hours)


@router.get("/{message_id}")
async def read_message(message_id: UUID, pool: PoolDep) -> MessageDetail:
    return await service.detail(pool, message_id)


@router.post("/{message_id}/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend(message_id: UUID, runtime: Runtime) -> ResendAccepted:
    """Send the same message again, as a new message with its own delivery record."""
    return await service.resend(runtime, message_id)
