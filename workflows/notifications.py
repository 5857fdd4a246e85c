"""E-mail as workflows see it: a request to the notifications service's task queue.

Workflows never talk SMTP. They ask the notifications service, through its activity
`send_email`, to render and deliver a message of a given kind; the idempotency key (the
workflow id and the step) makes a retried step harmless (P4).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import Priority, RetryPolicy

with workflow.unsafe.imports_passed_through():
    from services.notifications.contract import (
        LIST_ALERT_RECIPIENTS,
        SEND_EMAIL,
        AlertRecipient,
        EmailOutcome,
        EmailRequest,
        EmailStatus,
        Link,
        MessageKind,
    )
    from services.portal.contract import Page

from workflows.queues import NOTIFICATIONS, sibling

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


async def send_email(request: EmailRequest, priority: Priority = Priority.default) -> EmailOutcome:
    """From workflow code: deliver through the notifications service, retrying until done;
    `priority` puts it ahead of other mail waiting for the service (queues.py)."""
    outcome: EmailOutcome = await workflow.execute_activity(
        SEND_EMAIL,
        request,
        task_queue=sibling(NOTIFICATIONS),
        start_to_close_timeout=EMAIL_START_TO_CLOSE,
        heartbeat_timeout=EMAIL_HEARTBEAT,
        retry_policy=EMAIL_RETRY,
        result_type=EmailOutcome,
        priority=priority,
    )
    return outcome


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
