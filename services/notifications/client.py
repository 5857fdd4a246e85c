"""The typed client other services use to call the notifications service over HTTP."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import TypeAdapter

from mip.core.http import ServiceClient
from services.notifications.contract import (
    EmailStatus,
    MessageKind,
    SignInMail,
    SignInMailOutcome,
    SubscribeIn,
    SubscriptionState,
)
from services.notifications.messages.schemas import MessageDetail, MessageSummary, ResendAccepted

_SUMMARIES = TypeAdapter(list[MessageSummary])


class NotificationsClient(ServiceClient):
    """Calls the notifications service; domain calls are added beside its routes."""

    # portal: sign-in (portal-core)
    async def send_sign_in_mail(self, mail: SignInMail) -> SignInMailOutcome:
        """Services only: one attempt to deliver a sign-in link (503 while the mail server
        does not take it; retry with the same `link_id`)."""
        return await self._request(
            "POST", "/v1/sign-in-mail", SignInMailOutcome, json=mail.model_dump(mode="json")
        )

    # portal: public pages (portal-core)
    async def join_alerts(self, email: str) -> SubscriptionState:
        """R30: join the alerts list (a confirmation e-mail follows); as a service, the
        caller limits its own clients (429 per address still comes from here)."""
        return await self._request(
            "POST",
            "/v1/alerts/subscriptions",
            SubscriptionState,
            json=SubscribeIn(email=email).model_dump(mode="json"),
        )

    # portal: the alerts list's pages, reached from links in e-mail (the token in the link
    # is the credential: no person's token is needed)

    async def alert_subscription(self, token: str) -> SubscriptionState:
        """R30: whose link this is and where it stands; changes nothing."""
        return await self._request(
            "GET", "/v1/alerts/subscription", SubscriptionState, params={"token": token}
        )

    async def confirm_alerts(self, token: str) -> SubscriptionState:
        """R30: the double opt-in's second step."""
        return await self._request(
            "POST", "/v1/alerts/confirm", SubscriptionState, params={"token": token}
        )

    async def leave_alerts(self, token: str) -> SubscriptionState:
        """R30: off the list at once; alerts not yet sent to the address are skipped."""
        return await self._request(
            "POST", "/v1/alerts/unsubscribe", SubscriptionState, params={"token": token}
        )

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
        given = {
            "recipient": recipient,
            "kind": kind.value if kind else None,
            "status": status.value if status else None,
            "round_id": round_id,
            "subject_ref": subject_ref,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        }
        params: dict[str, str | int] = {k: v for k, v in given.items() if v is not None}
        params.update(limit=limit, offset=offset)
        return await self._request_list("GET", "/v1/messages", _SUMMARIES, params=params)

    async def overdue_confirmations(self, hours: float | None = None) -> list[MessageSummary]:
        """R15: confirmations not delivered within `hours` (the service's three by default)."""
        params = {"hours": hours} if hours is not None else {}
        return await self._request_list(
            "GET", "/v1/messages/overdue-confirmations", _SUMMARIES, params=params
        )

    async def message(self, message_id: UUID) -> MessageDetail:
        return await self._request("GET", f"/v1/messages/{message_id}", MessageDetail)

    async def resend(self, message_id: UUID) -> ResendAccepted:
        """P4: the same message again, as a new message with its own delivery record."""
        return await self._request("POST", f"/v1/messages/{message_id}/resend", ResendAccepted)
