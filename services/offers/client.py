"""The typed client other services use to call the offers service over HTTP."""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter

from mip.core.http import ServiceClient
from services.offers.round_view.schemas import RoundView, Withdrawal

_WITHDRAWALS = TypeAdapter(list[Withdrawal])


class OffersClient(ServiceClient):
    """Calls the offers service; domain calls are added beside its routes."""

    # portal: office pages ---------------------------------------------------------------

    async def round_view(self, round_id: UUID) -> RoundView:
        """P7: the round at a glance."""
        return await self._request("GET", f"/v1/office/rounds/{round_id}", RoundView)

    async def withdrawals(self, round_id: UUID) -> list[Withdrawal]:
        """R23: withdrawals after acceptance in the round."""
        return await self._request_list(
            "GET", f"/v1/office/rounds/{round_id}/withdrawals", _WITHDRAWALS
        )
