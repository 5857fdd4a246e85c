"""E-mail as workflows see it: a request to the notifications service's task queue.

Workflows never talk SMTP. They ask the notifications service, through its activity
`send_email`, to render and deliver a message of a given kind; the idempotency key (the
workflow id and the step) makes a retried step harmless (P4).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows.pages import Page
from workflows.queues import NOTIFICATIONS, sibling

SEND_EMAIL = "send_email"
LIST_ALERT_RECIPIENTS = "list_alert_recipients"

# Until delivered: SMTP being down for hours is a reason to wait, never to give up.
EMAIL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=["TemplateError", "InvalidEmailRequest"],
)
# R15 (a confirmation within a minute) even when the notifications process dies mid-send:
# the sender heartbeats while it works, so a dead process is noticed after EMAIL_HEARTBEAT
# and the send retried (after EMAIL_RETRY's 2 s) by whichever process polls next, well
# inside the minute. The start-to-close bound is for a live but stuck send: above one
# SMTP command's time-out (MailSettings.smtp_timeout_s, 20 s) so a slow server that
# answers is waited for, yet short enough that a hung attempt is retried in good time.
EMAIL_HEARTBEAT = timedelta(seconds=10)
EMAIL_START_TO_CLOSE = timedelta(seconds=30)


class MessageKind(StrEnum):
    confirmation = "confirmation"
    forwarded_digest = "forwarded_digest"
    offer = "offer"
    offer_reminder = "offer_reminder"
    offer_lapsed = "offer_lapsed"
    decline_acknowledgement = "decline_acknowledgement"
    not_successful = "not_successful"
    introduction = "introduction"
    preparation = "preparation"
    withdrawal_notice = "withdrawal_notice"
    expense_update = "expense_update"
    support_booking = "support_booking"
    alert_confirm = "alert_confirm"
    alert_advertised = "alert_advertised"
    alert_readvertised = "alert_readvertised"
    undeliverable_notice = "undeliverable_notice"
    host_welcome = "host_welcome"
    # Sent by the notifications service itself for the portal, never by a workflow: its
    # link is a credential, so it is kept in no history and stored redacted.
    sign_in = "sign_in"


class CalendarEvent(BaseModel):
    """An .ics event: whole days (a placement) or a timed slot (a support session)."""

    uid: str
    summary: str
    description: str = ""
    location: str = ""
    days: list[date] = Field(default_factory=list)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    # How many times the event has changed since first sent: a calendar moves the event it
    # holds under `uid` when a later message comes with a higher sequence.
    sequence: int = Field(default=0, ge=0)


class Link(BaseModel):
    """A link by service and API path, as histories recorded before portal pages hold it:
    the notifications service sends such a link to the portal page it stands for. New
    messages name a `Page` instead."""

    service: Literal["applications", "offers", "expenses", "notifications"]
    path: str = Field(pattern=r"^/")


class EmailRequest(BaseModel):
    kind: MessageKind
    to: list[str] = Field(min_length=1)
    data: dict[str, Any] = Field(default_factory=dict)
    # Template variables that are links to portal pages, e.g. {"respond_url": Page(...)}:
    # the notifications service makes each an address on the portal when it sends.
    pages: dict[str, Page] = Field(default_factory=dict)
    # Only in histories recorded before `pages`: read as the pages they stand for.
    links: dict[str, Link] = Field(default_factory=dict)
    idempotency_key: str = Field(min_length=1, max_length=300)
    round_id: str | None = None
    subject_ref: str | None = Field(default=None, description="e.g. application-<id>")
    calendar: CalendarEvent | None = None
    alert_subscriber_id: str | None = None


class EmailStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"


class EmailOutcome(BaseModel):
    """What became of one e-mail. `failed` is for good (never retried); `refused` names each
    recipient that could not be reached and why, also when others were (status `sent`)."""

    message_id: str
    status: EmailStatus
    attempts: int
    detail: str | None = None
    refused: dict[str, str] = Field(default_factory=dict)

    def reached(self, address: str) -> bool:
        """Whether `address` was sent this message (compared case-insensitively)."""
        if self.status is not EmailStatus.sent:
            return False
        return address.lower() not in {a.lower() for a in self.refused}

    def why_not(self, address: str) -> str:
        for refused, why in self.refused.items():
            if refused.lower() == address.lower():
                return why
        return self.detail or self.status.value


async def send_email(request: EmailRequest) -> EmailOutcome:
    """From workflow code: deliver through the notifications service, retrying until done."""
    outcome: EmailOutcome = await workflow.execute_activity(
        SEND_EMAIL,
        request,
        task_queue=sibling(NOTIFICATIONS),
        start_to_close_timeout=EMAIL_START_TO_CLOSE,
        heartbeat_timeout=EMAIL_HEARTBEAT,
        retry_policy=EMAIL_RETRY,
        result_type=EmailOutcome,
    )
    return outcome


def email_workflow_id(idempotency_key: str) -> str:
    """The one id a message's `DeliverEmailWorkflow` runs under: a second start is a no-op."""
    return f"email-{idempotency_key}"


@workflow.defn
class DeliverEmailWorkflow:
    """One e-mail, durably: used when no other workflow owns the step (resends, bookings)."""

    @workflow.run
    async def run(self, request: EmailRequest) -> EmailOutcome:
        return await send_email(request)


class Announcement(BaseModel):
    kind: MessageKind
    announcement_id: str
    data: dict[str, Any] = Field(default_factory=dict)
    pages: dict[str, Page] = Field(default_factory=dict)
    links: dict[str, Link] = Field(default_factory=dict)  # histories before `pages` only
    round_id: str | None = None


class AlertRecipient(BaseModel):
    """A confirmed member of the list. Their unsubscribe link is made when each message is
    sent, from `subscriber_id`: the token it carries is a credential no history keeps."""

    subscriber_id: str
    email: str


@workflow.defn
class AlertAnnouncementWorkflow:
    """Tells every confirmed member of the alerts list (R30), each exactly once."""

    @workflow.run
    async def run(self, announcement: Announcement) -> int:
        recipients = await workflow.execute_activity(
            LIST_ALERT_RECIPIENTS,
            task_queue=sibling(NOTIFICATIONS),
            start_to_close_timeout=timedelta(seconds=30),
            result_type=list[AlertRecipient],
        )
        outcomes = []
        for batch_start in range(0, len(recipients), 50):
            batch = recipients[batch_start : batch_start + 50]
            outcomes += await asyncio.gather(
                *(
                    send_email(
                        EmailRequest(
                            kind=announcement.kind,
                            to=[r.email],
                            data=announcement.data,
                            pages=announcement.pages,
                            links=announcement.links,
                            idempotency_key=f"alert:{announcement.announcement_id}:{r.subscriber_id}",
                            round_id=announcement.round_id,
                            alert_subscriber_id=r.subscriber_id,
                        )
                    )
                    for r in batch
                )
            )
        return sum(1 for o in outcomes if o.status is EmailStatus.sent)
