"""The notifications service's activities, served on the `mip-notifications` task queue."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from mip.core.activities import ServiceActivities, served
from mip.core.erasure import Erased, ErasureRequest
from mip.core.housekeeping import Cutoff
from mip.core.runtime import ServiceRuntime
from services.notifications.alerts import repository as alerts
from services.notifications.config import MailSettings, mail_settings
from services.notifications.contract import (
    ANONYMISE_ROUND_MESSAGES,
    ERASE_ALERT_SIGN_UPS,
    ERASE_MESSAGE_BODIES,
    ERASE_MESSAGES,
    ERASE_OTHER_MESSAGE_BODIES,
    LIST_ALERT_RECIPIENTS,
    SEND_EMAIL,
    AlertRecipient,
    BodyErasure,
    EmailOutcome,
    EmailRequest,
    OtherBodiesErasure,
)
from services.notifications.erasure import service as on_request
from services.notifications.mail.render import Renderer, TemplateError
from services.notifications.mail.smtp import SmtpTarget
from services.notifications.messages import repository as messages
from services.notifications.messages.sender import Sender, StillUndelivered

HEARTBEAT_EVERY_S = 1.0  # the SDK sends at most one per 0.8 x the heartbeat time-out


def make_sender(runtime: ServiceRuntime, mail: MailSettings | None = None) -> Sender:
    mail = mail or mail_settings(runtime)
    return Sender(
        pool=runtime.pool,
        renderer=Renderer(office_email=mail.reply_to),
        smtp=SmtpTarget.from_url(runtime.settings.smtp_url),
        mail=mail,
        public_url=runtime.settings.public_url,
    )


class NotificationActivities(ServiceActivities):
    def __init__(self, runtime: ServiceRuntime) -> None:
        super().__init__(runtime)
        self._sender = make_sender(runtime)

    @served(SEND_EMAIL)
    async def send_email(self, request: EmailRequest) -> EmailOutcome:
        try:
            return await _heartbeating(self._sender.send(request))
        except TemplateError as exc:
            raise ApplicationError(str(exc), type="TemplateError", non_retryable=True) from exc
        except StillUndelivered as exc:
            raise ApplicationError(str(exc), type="SmtpUnavailable") from exc

    @served(LIST_ALERT_RECIPIENTS)
    async def list_alert_recipients(self) -> list[AlertRecipient]:
        async with self.pool.acquire() as conn:
            rows = await alerts.confirmed(conn)
        return [AlertRecipient(subscriber_id=str(r["id"]), email=r["email"]) for r in rows]

    @served(ERASE_MESSAGE_BODIES)
    async def erase_message_bodies(self, erasure: BodyErasure) -> int:
        async with self.pool.acquire() as conn:
            return await messages.erase_bodies(conn, erasure.round_id, erasure.sent_before)

    @served(ANONYMISE_ROUND_MESSAGES)
    async def anonymise_round_messages(self, round_id: str) -> int:
        async with self.pool.acquire() as conn:
            return await messages.anonymise_round(conn, round_id)

    @served(ERASE_OTHER_MESSAGE_BODIES)
    async def erase_other_message_bodies(self, erasure: OtherBodiesErasure) -> int:
        async with self.pool.acquire() as conn:
            return await messages.erase_other_bodies(
                conn, erasure.settled_before, erasure.rounds_ended
            )

    @served(ERASE_ALERT_SIGN_UPS)
    async def erase_alert_sign_ups(self, cutoff: Cutoff) -> int:
        async with self.pool.acquire() as conn:
            return await alerts.erase_lapsed(conn, cutoff.before)

    @served(ERASE_MESSAGES)
    async def erase_messages(self, request: ErasureRequest) -> Erased:
        return await on_request.erase(self.pool, request)


async def _heartbeating(send: Coroutine[Any, Any, EmailOutcome]) -> EmailOutcome:
    """Run `send`, heartbeating meanwhile so Temporal soon notices a process that died.

    Shielded: if Temporal gives up on this attempt (a heartbeat missed while this process
    lives on), the send still finishes and records its outcome under the key's lock, so
    the retry waiting on that lock finds the message sent rather than sending it again.
    """

    async def beat() -> None:
        # Not at once: most sends end within the first interval, and each heartbeat is a
        # write on the Temporal server (one for every e-mail at a deadline rush).
        while True:
            await asyncio.sleep(HEARTBEAT_EVERY_S)
            activity.heartbeat()

    beating = asyncio.create_task(beat())
    try:
        return await asyncio.shield(send)
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
