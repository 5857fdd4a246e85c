"""The typed client other services use to call the expenses service over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote
from uuid import UUID

from mip.core.http import Download, ServiceClient

# Published with the client (the portal imports them from here): explicit re-exports.
from services.expenses.contract import Category as Category
from services.expenses.contract import Claim as Claim
from services.expenses.contract import ClaimLine as ClaimLine
from services.expenses.contract import ClaimState as ClaimState
from services.expenses.contract import DecisionIn as DecisionIn
from services.expenses.contract import ExpensesData as ExpensesData
from services.expenses.contract import Limits as Limits
from services.expenses.contract import LineDecisionIn as LineDecisionIn
from services.expenses.contract import NoteIn as NoteIn
from services.expenses.contract import TravelMode as TravelMode


@dataclass(frozen=True)
class NewLine:
    """One claim line as an intern writes it; a travel line says from, to and how (R24-R27)
    and every line carries its receipt (R28)."""

    category: Category
    spent_on: date
    amount: str  # pounds and pence as typed, e.g. "8.50"; the service reads it exactly
    description: str
    receipt_filename: str
    receipt: bytes
    travel_from: str | None = None
    travel_to: str | None = None
    travel_mode: TravelMode | None = None

    def form(self) -> dict[str, str]:
        fields = {
            "category": self.category.value,
            "spent_on": self.spent_on.isoformat(),
            "amount": self.amount,
            "description": self.description,
            "travel_from": self.travel_from,
            "travel_to": self.travel_to,
            "travel_mode": self.travel_mode.value if self.travel_mode else None,
        }
        return {name: value for name, value in fields.items() if value is not None}


class ExpensesClient(ServiceClient):
    """Calls the expenses service; domain calls are added beside its routes."""

    # portal: applicant pages

    async def limits(self) -> Limits:
        """How large a receipt may be (R28): said on the form, checked before sending one."""
        return await self._get("/v1/limits", Limits)

    async def start_claim(self, application_id: UUID) -> Claim:
        return await self._post("/v1/claims", Claim, {"application_id": application_id})

    async def add_claim_line(self, claim_id: UUID, line: NewLine) -> Claim:
        """P5: the rules judge the line as it is added; the answer carries its verdict."""
        return await self._call(
            "POST",
            f"/v1/claims/{claim_id}/lines",
            Claim,
            data=line.form(),
            files={"receipt": (line.receipt_filename, line.receipt, "application/octet-stream")},
        )

    async def remove_claim_line(self, claim_id: UUID, line_id: UUID) -> None:
        await self._send("DELETE", f"/v1/claims/{claim_id}/lines/{line_id}")

    async def submit_claim(self, claim_id: UUID) -> Claim:
        return await self._post(f"/v1/claims/{claim_id}/submit", Claim)

    # portal: host pages
    async def claims(self, status: ClaimState | None = None) -> list[Claim]:
        """The claims the caller may see; `status="submitted"`: those awaiting a host."""
        return await self._get("/v1/claims", list[Claim], status=status)

    async def claim(self, claim_id: UUID) -> Claim:
        return await self._get(f"/v1/claims/{claim_id}", Claim)

    # subject access (issue 23): a person's own, the office's copy of anyone's
    async def my_data(self) -> ExpensesData:
        return await self._get("/v1/me/data", ExpensesData)

    async def data_of(self, email: str) -> ExpensesData:
        return await self._get(f"/v1/office/people/{quote(email, safe='@')}/data", ExpensesData)

    async def person_receipt(self, email: str, line_id: UUID) -> Download:
        """A receipt listed in the data above (`files`, `of` the line)."""
        return await self._download(f"/v1/people/{quote(email, safe='@')}/receipts/{line_id}")

    async def receipt(self, claim_id: UUID, line_id: UUID) -> Download:
        return await self._download(f"/v1/claims/{claim_id}/lines/{line_id}/receipt")

    async def decide(self, claim_id: UUID, decision: DecisionIn) -> Claim:
        """Every line approved or refused, each refusal with its reason (P5)."""
        return await self._post(f"/v1/claims/{claim_id}/decision", Claim, decision)

    async def ask(self, claim_id: UUID, question: NoteIn) -> Claim:
        return await self._post(f"/v1/claims/{claim_id}/question", Claim, question)

    async def record_payment(self, claim_id: UUID, note: NoteIn) -> Claim:
        return await self._post(f"/v1/claims/{claim_id}/payment", Claim, note)

    async def answer_claim_question(self, claim_id: UUID, text: str) -> Claim:
        return await self._post(f"/v1/claims/{claim_id}/answer", Claim, {"text": text})
