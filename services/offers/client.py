"""The typed client other services use to call the offers service over HTTP."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from mip.core.http import ServiceClient

# Published with the client (the portal imports them from here): explicit re-exports.
from services.offers.contract import Candidate as Candidate
from services.offers.contract import MarkIn as MarkIn
from services.offers.contract import Offer as Offer
from services.offers.contract import OffersData as OffersData
from services.offers.contract import RankingIn as RankingIn
from services.offers.contract import RankingOutcome as RankingOutcome
from services.offers.contract import RoundView as RoundView
from services.offers.contract import Selection as Selection
from services.offers.contract import Withdrawal as Withdrawal
from workflows.application import ApplicationView as ApplicationView


class OffersClient(ServiceClient):
    """Calls the offers service; domain calls are added beside its routes."""

    # portal: host pages
    async def selection(self, placement_id: UUID) -> Selection:
        """A placement, its forwarded candidates with their marks, and its offers (R17)."""
        return await self._get(f"/v1/placements/{placement_id}/selection", Selection)

    async def mark(self, placement_id: UUID, mark: MarkIn) -> MarkIn:
        return await self._post(f"/v1/placements/{placement_id}/marks", MarkIn, mark)

    async def rank(self, placement_id: UUID, ranking: RankingIn) -> RankingOutcome:
        """Sent once (P2): offers go to the top of the ranking at once."""
        path = f"/v1/placements/{placement_id}/ranking"
        return await self._post(path, RankingOutcome, ranking)

    async def placement_offers(self, placement_id: UUID) -> list[Offer]:
        return await self._get(f"/v1/placements/{placement_id}/offers", list[Offer])

    # portal: office pages ---------------------------------------------------------------

    async def round_view(self, round_id: UUID) -> RoundView:
        """P7: the round at a glance."""
        return await self._get(f"/v1/office/rounds/{round_id}", RoundView)

    async def withdrawals(self, round_id: UUID) -> list[Withdrawal]:
        """R23: withdrawals after acceptance in the round."""
        return await self._get(f"/v1/office/rounds/{round_id}/withdrawals", list[Withdrawal])

    # subject access (issue 23): a person's own, the office's copy of anyone's
    async def my_data(self) -> OffersData:
        return await self._get("/v1/me/data", OffersData)

    async def data_of(self, email: str) -> OffersData:
        return await self._get(f"/v1/office/people/{quote(email, safe='@')}/data", OffersData)

    # portal: applicant pages

    async def my_offers(self) -> list[Offer]:
        return await self._get("/v1/me/offers", list[Offer])

    async def offer(self, application_id: UUID) -> Offer:
        return await self._get(f"/v1/offers/{application_id}", Offer)

    async def accept_offer(self, application_id: UUID) -> ApplicationView:
        """R20: the workflow refuses a second acceptance in the round with a 409."""
        return await self._post(f"/v1/offers/{application_id}/accept", ApplicationView)

    async def decline_offer(self, application_id: UUID, reason: str = "") -> ApplicationView:
        return await self._answer(application_id, "decline", reason)

    async def withdraw_after_acceptance(
        self, application_id: UUID, reason: str = ""
    ) -> ApplicationView:
        """R23: allowed, recorded, and reported to the host and the office."""
        return await self._answer(application_id, "withdraw", reason)

    async def _answer(self, application_id: UUID, answer: str, reason: str) -> ApplicationView:
        path = f"/v1/offers/{application_id}/{answer}"
        return await self._post(path, ApplicationView, {"reason": reason})
