"""What the office reads about messages and their deliveries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from mip.core.bounds import Moment
from mip.core.paging import Paging
from services.notifications.contract import EmailStatus, MessageKind


class MessageSummary(BaseModel):
    id: UUID
    kind: MessageKind
    recipients: list[str]
    subject: str
    status: EmailStatus
    attempts: int
    last_error: str | None
    round_id: str | None
    subject_ref: str | None
    created_at: datetime
    sent_at: datetime | None


class Delivery(BaseModel):
    attempted_at: datetime
    outcome: str
    smtp_code: int | None
    detail: str


class MessageDetail(MessageSummary):
    idempotency_key: str
    header_message_id: str
    text_body: str
    html_body: str
    deliveries: list[Delivery]


class ResendAccepted(BaseModel):
    workflow_id: str
    idempotency_key: str


class MessageFilters(BaseModel):
    """Which messages the office looks for; a filter left out matches every message."""

    recipient: str | None = Field(None, description="part of an address")
    kind: MessageKind | None = None
    status: EmailStatus | None = None
    round_id: str | None = None
    subject_ref: str | None = Field(None, description="e.g. application-<id>")
    since: Moment | None = None
    until: Moment | None = None


class MessageQuery(Paging, MessageFilters):
    """`GET /v1/messages?…`: the filters, then the page (Paging first among the bases, so
    the query parameters keep their documented order: filters, then limit and offset)."""
