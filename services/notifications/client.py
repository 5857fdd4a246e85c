"""The typed client other services use to call the notifications service over HTTP."""

from __future__ import annotations

from mip.core.http import ServiceClient
from services.notifications.contract import (
    SignInMail,
    SignInMailOutcome,
    SubscribeIn,
    SubscriptionState,
)


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
