"""The typed client other services use to call the offers service over HTTP."""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter

from mip.core.http import ServiceClient
from services.offers.decisions.schemas import Offer as Offer
from workflows.application import ApplicationView as ApplicationView

_OFFERS = TypeAdapter(list[Offer])


class OffersClient(ServiceClient):
    """Calls the offers service; domain calls are added beside its routes."""

    # portal: applicant pages

    async def my_offers(self) -> list[Offer]:
        return await self._request_list("GET", "/v1/me/offers", _OFFERS)

    async def offer(self, application_id: UUID) -> Offer:
        return await self._request("GET", f"/v1/offers/{application_id}", Offer)

    async def accept_offer(self, application_id: UUID) -> ApplicationView:
        """R20: the workflow refuses a second acceptance in the round with a 409."""
        return await self._request("POST", f"/v1/offers/{application_id}/accept", ApplicationView)

    async def decline_offer(self, application_id: UUID, reason: str = "") -> ApplicationView:
        return await self._request(
            "POST",
            f"/v1/offers/{application_id}/decline",
            ApplicationView,
            json={"reason": reason},
        )

    async def withdraw_after_acceptance(
        self, application_id: UUID, reason: str = ""
    ) -> ApplicationView:
        """R23: allowed, recorded, and reported to the host and the office."""
        return await self._request(
            "POST",
            f"/v1/offers/{application_id}/withdraw",
            ApplicationView,
            json={"reason": reason},
        )
