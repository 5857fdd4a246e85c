"""Deliver a sign-in link once per link, keeping the message but not the link.

Not through a workflow: a workflow's input stays in its history, and this link is a
credential. The caller (the portal) holds the link for its 15 minutes and retries while
this answers 503; the idempotency key (the link's id) makes every retry the same message,
so the office sees one message with each attempt, and a retry after delivery sends nothing.
"""

from __future__ import annotations

from uuid import UUID

from mip.core import when
from mip.core.errors import ServiceUnavailable
from mip.core.runtime import ServiceRuntime
from services.notifications.activities import make_sender
from services.notifications.contract import EmailRequest, MessageKind, SignInMail, SignInMailOutcome
from services.notifications.messages.sender import StillUndelivered


async def send(runtime: ServiceRuntime, body: SignInMail) -> SignInMailOutcome:
    request = EmailRequest(
        kind=MessageKind.sign_in,
        to=[str(body.to)],
        data={"expires_label": when.when(body.expires_at)},
        idempotency_key=f"sign-in:{body.link_id}",
        subject_ref=f"sign-in-{body.link_id}",
    )
    try:
        outcome = await make_sender(runtime).send(request, secrets={"sign_in_url": body.link})
    except StillUndelivered as exc:
        raise ServiceUnavailable(
            "The mail server did not take the message just now; the attempt is recorded. "
            "Try again shortly.",
            unavailable="mail server",
        ) from exc
    return SignInMailOutcome(message_id=UUID(outcome.message_id), status=outcome.status)
