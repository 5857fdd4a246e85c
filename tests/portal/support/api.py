"""`api_as(role, email)`'s clients: the services' HTTP APIs with a token for one person,
for setting data up (the pages under test are driven through the browser)."""

from __future__ import annotations

import httpx

from mip.core.auth import Role, mint_token
from tests.portal.support.stack import PortalStack

SERVICE_NAMES = ("applications", "offers", "expenses", "notifications")


class ApiAs:
    """`.applications`, `.offers`, `.expenses`, `.notifications`: httpx clients at each
    service with an `Authorization` header for `email` in `role` (the dev secret's token,
    which the services take beside the portal's)."""

    def __init__(self, stack: PortalStack, role: Role, email: str) -> None:
        token = mint_token(stack.settings, role=role, subject=email)
        headers = {"Authorization": f"Bearer {token}"}
        made = {
            name: httpx.AsyncClient(
                base_url=getattr(stack.settings, f"{name}_url"), headers=headers, timeout=30
            )
            for name in SERVICE_NAMES
        }
        self.role = role
        self.email = email
        self.applications = made["applications"]
        self.offers = made["offers"]
        self.expenses = made["expenses"]
        self.notifications = made["notifications"]

    async def aclose(self) -> None:
        for http in (self.applications, self.offers, self.expenses, self.notifications):
            await http.aclose()
