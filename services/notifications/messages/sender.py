"""Send one message at most once per idempotency key (P4).

Under a per-key lock: record the message, and unless it was already sent (or failed for
good), send it and record the attempt. A temporary failure is recorded and then raised,
so Temporal retries the activity with backoff until the server takes the message.

A recipient that can never be reached (a malformed address, one the server refuses with
5xx, a non-ASCII one on a server without SMTPUTF8) is a permanent failure: recorded with
its reason and returned, never retried, so the workflow that asked goes on without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from uuid import UUID

import asyncpg

from mip.core.auth import valid_address
from services.notifications.alerts import repository as alerts
from services.notifications.config import MailSettings
from services.notifications.contract import EmailOutcome, EmailRequest, EmailStatus, MessageKind
from services.notifications.mail.compose import compose, message_id_for
from services.notifications.mail.ics import render_ics
from services.notifications.mail.links import alert_links, page_links
from services.notifications.mail.render import Rendered, Renderer
from services.notifications.mail.smtp import (
    Delivered,
    PermanentFailure,
    SmtpTarget,
    TemporaryFailure,
    deliver,
)
from services.notifications.messages import repository as repo

log = logging.getLogger("mip.notifications")
DONE = {EmailStatus.sent.value, EmailStatus.failed.value, EmailStatus.skipped.value}
WITHHELD = "[link withheld: it is a one-time credential and is not kept]"


class StillUndelivered(Exception):
    """Raised after a temporary failure is recorded: the caller should try again later."""


@dataclass(frozen=True)
class Sender:
    pool: asyncpg.Pool
    renderer: Renderer
    smtp: SmtpTarget
    mail: MailSettings
    # A service's public address (the portal's: every link in e-mail is one of its pages).
    public_url: Callable[[str], str]

    def template_data(self, request: EmailRequest) -> dict[str, Any]:
        return {**request.data, **page_links(request, self.public_url("portal"))}

    async def send(
        self, request: EmailRequest, secrets: Mapping[str, str] | None = None
    ) -> EmailOutcome:
        """Send `request` once. `secrets` are template values that reach the recipient but
        are kept nowhere (a sign-in link): the stored copy shows them as `WITHHELD`. A
        member of the alerts list's own links are secrets too."""
        header_id = message_id_for(request.idempotency_key, self.mail.message_id_domain)
        async with self.pool.acquire() as conn, conn.transaction():
            await repo.lock_key(conn, request.idempotency_key)
            secrets = {**(secrets or {}), **await self._alert_links(conn, request)}
            data = self.template_data(request)
            # Worded as at this attempt: a message retried past an instant it names says so.
            at = datetime.now(UTC)
            rendered = self.renderer.render(request.kind, {**data, **secrets}, at=at)
            # Most messages have no secret: the copy kept is the one sent, rendered once.
            kept = (
                self.renderer.render(
                    request.kind, {**data, **dict.fromkeys(secrets, WITHHELD)}, at=at
                )
                if secrets
                else rendered
            )
            row = await repo.upsert(conn, request, kept, header_id)
            message_id: UUID = row["id"]
            settled = await _settled(conn, request, row)
            if settled is not None:
                return settled
            recipients, malformed = _checked(request.to)
            if not recipients:
                return await _no_recipient(conn, message_id, malformed)
            mime = self._compose(request, rendered, recipients, header_id, secrets)
            result = await self._deliver(conn, message_id, mime, recipients, malformed)
        if isinstance(result, EmailOutcome):
            return result
        # Outside the transaction, so the failed attempt stays recorded for the office.
        attempts, temporary = result
        raise StillUndelivered(
            f"message {message_id} not delivered yet (attempt {attempts}): {temporary}"
        )

    async def _alert_links(self, conn: asyncpg.Connection, request: EmailRequest) -> dict[str, str]:
        if request.alert_subscriber_id is None:
            return {}
        token = await alerts.token_of(conn, UUID(request.alert_subscriber_id))
        return alert_links(self.public_url("portal"), token) if token else {}

    def _compose(
        self,
        request: EmailRequest,
        rendered: Rendered,
        to: list[str],
        header_id: str,
        secrets: Mapping[str, str],
    ) -> EmailMessage:
        calendar = request.calendar
        return compose(
            rendered,
            sender=self.mail.sender,
            reply_to=self.mail.reply_to,
            to=to,
            message_id=header_id,
            kind=request.kind.value,
            # RFC 8058: only a member of the list has one (a confirmation has none yet).
            unsubscribe_url=secrets.get("unsubscribe_url")
            if request.kind is not MessageKind.alert_confirm
            else None,
            ics=render_ics(calendar, organizer=self.mail.reply_to) if calendar else None,
        )

    async def _deliver(
        self,
        conn: asyncpg.Connection,
        message_id: UUID,
        mime: EmailMessage,
        recipients: list[str],
        malformed: dict[str, str],
    ) -> EmailOutcome | tuple[int, TemporaryFailure]:
        """One attempt, recorded: its outcome, or the attempt count and the temporary
        failure for the caller to raise once the record is committed."""
        try:
            delivered = await deliver(self.smtp, mime, timeout_s=self.mail.smtp_timeout_s)
        except TemporaryFailure as exc:
            attempts = await repo.record_attempt(
                conn, message_id, outcome="temporary_failure", detail=exc.detail, smtp_code=exc.code
            )
            return attempts, exc
        except PermanentFailure as exc:
            attempts = await repo.record_attempt(
                conn, message_id, outcome="permanent_failure", detail=exc.detail, smtp_code=exc.code
            )
            log.warning("message %s failed for good: %s", message_id, exc.detail)
            refused = {a: exc.detail for a in recipients} | malformed
            return _outcome(message_id, EmailStatus.failed, attempts, exc.detail, refused)
        refused = _refused(delivered, malformed)
        partly = "; ".join(f"{a}: {why}" for a, why in refused.items()) or None
        answer = f"{delivered.answer} (refused: {partly})" if partly else delivered.answer
        attempts = await repo.record_attempt(
            conn, message_id, outcome="sent", detail=answer, refused=partly
        )
        return _outcome(message_id, EmailStatus.sent, attempts, partly, refused)


async def _settled(
    conn: asyncpg.Connection, request: EmailRequest, row: asyncpg.Record
) -> EmailOutcome | None:
    """The outcome already settled for this key, or now settled without sending: sent or
    failed for good before, or meant for a subscriber who has left the list."""
    message_id: UUID = row["id"]
    if row["status"] in DONE:
        return _outcome(message_id, row["status"], row["attempts"], row["last_error"])
    if (
        request.alert_subscriber_id
        and request.kind is not MessageKind.alert_confirm
        and not await alerts.is_confirmed(conn, UUID(request.alert_subscriber_id))
    ):
        await repo.mark_skipped(conn, message_id, "the subscriber has left the list")
        return _outcome(message_id, EmailStatus.skipped, row["attempts"], None)
    return None


async def _no_recipient(
    conn: asyncpg.Connection, message_id: UUID, malformed: dict[str, str]
) -> EmailOutcome:
    detail = "; ".join(f"{a!r}: {why}" for a, why in malformed.items())
    attempts = await repo.record_attempt(
        conn, message_id, outcome="permanent_failure", detail=detail
    )
    log.warning("message %s has no valid recipient: %s", message_id, detail)
    return _outcome(message_id, EmailStatus.failed, attempts, detail, malformed)


def _checked(addresses: list[str]) -> tuple[list[str], dict[str, str]]:
    """The addresses that can be sent to, and the malformed ones with what is wrong."""
    good: list[str] = []
    bad: dict[str, str] = {}
    for address in addresses:
        try:
            valid_address(address)
        except ValueError as exc:
            bad[address] = f"not a valid email address: {exc}"
        else:
            good.append(address)
    return good, bad


def _refused(delivered: Delivered, malformed: dict[str, str]) -> dict[str, str]:
    return {**delivered.refused, **malformed}


def _outcome(
    message_id: UUID,
    status: str,
    attempts: int,
    detail: str | None,
    refused: dict[str, str] | None = None,
) -> EmailOutcome:
    return EmailOutcome(
        message_id=str(message_id),
        status=EmailStatus(status),
        attempts=attempts,
        detail=detail,
        refused=refused or {},
    )
