"""The typed client other services use to call the notifications service over HTTP."""

from __future__ import annotations

from mip.core.http import ServiceClient
from services.notifications.contract import SignInMail, SignInMailOutcome


class NotificationsClient(ServiceClient):
    """Calls the notifications service; domain calls are added beside its routes."""

    # portal: sign-in (portal-core)
    async def send_sign_in_mail(self, mail: SignInMail) -> SignInMailOutcome:
        """Services only: one attempt to deliver a sign-in link (503 while the mail server
        does not take it; retry with the same `link_id`)."""
        return await self._request(
            "POST", "/v1/sign-in-mail", SignInMailOutcome, json=mail.model_dump(mode="json")
        )
