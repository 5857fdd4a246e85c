"""The typed client other services use to call the notifications service over HTTP."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from uuid import UUID

from mip.core.http import ServiceClient
from services.notifications.contract import (
    EmailStatus,
    MessageKind,
    NotificationsData,
    SignInMail,
    SignInMailOutcome,
    SubscribeIn,
    SubscriptionState,
)
from services.notifications.messages.schemas import MessageDetail, MessageSummary, ResendAccepted


class NotificationsClient(ServiceClient):
    """Calls the notifications service; domain calls are added beside its routes."""

    # subject access (issue 23): a person's own, the office's copy of anyone's
    async def my_data(self) -> NotificationsData:
        return await self._get("/v1/me/data", NotificationsData)

    async def data_of(self, email: str) -> NotificationsData:
        return await self._get(
            f"/v1/office/people/{quote(email, safe='@')}/data", NotificationsData
        )

    # portal: sign-in (portal-core)
    async def send_sign_in_mail(self, mail: SignInMail) -> SignInMailOutcome:
        """Services only: one attempt to deliver a sign-in link (503 while the mail server
        does not take it; retry with the same `link_id`)."""
        return await self._post("/v1/sign-in-mail", SignInMailOutcome, mail)

    # portal: public pages (portal-core)
    async def join_alerts(self, email: str) -> SubscriptionState:
        """R30: join the alerts list (a confirmation e-mail follows); as a service, the
        caller limits its own clients (429 per address still comes from here)."""
        path = "/v1/alerts/subscriptions"
        return await self._post(path, SubscriptionState, SubscribeIn(email=email))

    # portal: the alerts list's pages, reached from links in e-mail (the token in the link
    # is the credential: no person's token is needed)

    async def alert_subscription(self, token: str) -> SubscriptionState:
        """R30: whose link this is and where it stands; changes nothing."""
        return await self._get("/v1/alerts/subscription", SubscriptionState, token=token)

    async def confirm_alerts(self, token: str) -> SubscriptionState:
        """R30: the double opt-in's second step."""
        return await self._post("/v1/alerts/confirm", SubscriptionState, token=token)

    async def leave_alerts(self, token: str) -> SubscriptionState:
        """R30: off the list at once; alerts not yet sent to the address are skipped."""
        return await self._post("/v1/alerts/unsubscribe", SubscriptionState, token=token)

    # portal: office pages ---------------------------------------------------------------

    async def messages(
        self,
        *,
        recipient: str | None = None,
        kind: MessageKind | None = None,
        status: EmailStatus | None = None,
        round_id: str | None = None,
        subject_ref: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[MessageSummary]:
        """Every message the programme sent, newest first, by the filters given (P4)."""
        filters = {
            "recipient": recipient,
            "kind": kind,
            "status": status,
            "round_id": round_id,
            "subject_ref": subject_ref,
            "since": since,
            "until": until,
        }
        path = "/v1/messages"
        return await self._get(path, list[MessageSummary], **filters, limit=limit, offset=offset)

    async def overdue_confirmations(self, hours: float | None = None) -> list[MessageSummary]:
        """R15: confirmations not delivered within `hours` (the service's three by default)."""
        path = "/v1/messages/overdue-confirmations"
        return await self._get(path, list[MessageSummary], hours=hours)

    async def message(self, message_id: UUID) -> MessageDetail:
        return await self._get(f"/v1/messages/{message_id}", MessageDetail)

    async def resend(self, message_id: UUID) -> ResendAccepted:
        """P4: the same message again, as a new message with its own delivery record."""
        return await self._post(f"/v1/messages/{message_id}/resend", ResendAccepted)
