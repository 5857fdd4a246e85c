"""What the office reads about messages and their deliveries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

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
