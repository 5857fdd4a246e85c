"""The typed client other services use to call the expenses service over HTTP."""

from __future__ import annotations

from uuid import UUID

from pydantic import TypeAdapter

from mip.core.http import Download, ServiceClient

# Published with the client (the portal imports them from here): explicit re-exports.
from services.expenses.claims.schemas import Claim as Claim
from services.expenses.claims.schemas import ClaimState as ClaimState
from services.expenses.decisions.schemas import DecisionIn as DecisionIn
from services.expenses.decisions.schemas import LineDecisionIn as LineDecisionIn
from services.expenses.decisions.schemas import NoteIn as NoteIn

_CLAIMS = TypeAdapter(list[Claim])


class ExpensesClient(ServiceClient):
    """Calls the expenses service; domain calls are added beside its routes."""

    # portal: host pages
    async def claims(self, status: ClaimState | None = None) -> list[Claim]:
        """The claims the caller may see; `status="submitted"`: those awaiting a host."""
        params = {"status": status} if status else {}
        return await self._request_list("GET", "/v1/claims", _CLAIMS, params=params)

    async def claim(self, claim_id: UUID) -> Claim:
        return await self._request("GET", f"/v1/claims/{claim_id}", Claim)

    async def receipt(self, claim_id: UUID, line_id: UUID) -> Download:
        return await self._download(f"/v1/claims/{claim_id}/lines/{line_id}/receipt")

    async def decide(self, claim_id: UUID, decision: DecisionIn) -> Claim:
        """Every line approved or refused, each refusal with its reason (P5)."""
        return await self._request(
            "POST",
            f"/v1/claims/{claim_id}/decision",
            Claim,
            json=decision.model_dump(mode="json"),
        )

    async def ask(self, claim_id: UUID, question: NoteIn) -> Claim:
        return await self._request(
            "POST", f"/v1/claims/{claim_id}/question", Claim, json=question.model_dump()
        )

    async def record_payment(self, claim_id: UUID, note: NoteIn) -> Claim:
        return await self._request(
            "POST", f"/v1/claims/{claim_id}/payment", Claim, json=note.model_dump()
        )
