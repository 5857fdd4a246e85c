"""Claims as interns, hosts and the office read them; money is in integer pence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.expenses.policy import Category, TravelMode

Pence = Annotated[int, Field(description="an amount in pence (GBP)")]
PLACE_MAX_LENGTH = 100
# A draft is the intern's alone; the rest follow the claim's workflow (P5).
ClaimState = Literal[
    "draft", "submitted", "question", "approved", "partly_approved", "refused", "paid"
]


class ClaimIn(BaseModel):
    application_id: UUID


class ClaimLine(BaseModel):
    id: UUID
    category: Category
    spent_on: date
    amount_pence: Pence
    description: str
    travel_from: str | None = Field(default=None, description="travel: where it began")
    travel_to: str | None = Field(default=None, description="travel: where it ended")
    travel_mode: TravelMode | None = Field(default=None, description="travel: how")
    allowed: bool
    rule: str
    owed_pence: Pence
    reason: str
    outside_days: bool
    host_approved: bool | None
    host_reason: str
    receipt_url: str


class ClaimEvent(BaseModel):
    at: datetime
    actor: str
    status: str
    note: str


class Claim(BaseModel):
    id: UUID
    reference: str = Field(description='what people read for it, e.g. "MIP-27A-0042-E1"')
    workflow_id: str
    application_id: UUID
    placement_id: UUID
    placement_title: str
    intern_email: str
    intern_name: str
    host_name: str
    status: str
    claimed_pence: Pence
    owed_pence: Pence = Field(description="what the rules say the host owes (P5)")
    approved_pence: Pence
    lines: list[ClaimLine]
    history: list[ClaimEvent]
    created_at: datetime
    submitted_at: datetime | None
    paid_at: datetime | None


class Limits(BaseModel):
    """What a claim line may be, so a form can say so and check a receipt before sending it."""

    receipt_max_bytes: int = Field(description="a larger receipt is refused with 413 (R28)")
    line_max_pence: Pence


class HostTotals(BaseModel):
    host_name: str
    claims: int
    claimed_pence: Pence
    approved_pence: Pence
    paid_pence: Pence


def to_pence(amount: Decimal, *, max_pence: int) -> int:
    """£12.40 -> 1240; more than two decimal places, nothing at all, or more than one
    line of a claim can sensibly be (`max_pence`) is an error."""
    if not amount.is_finite():
        raise ValueError("Enter an amount in pounds and pence, like 8.50")
    if amount <= 0:
        raise ValueError("Enter an amount more than £0.00")
    if amount * 100 > max_pence:
        raise ValueError(
            f"Enter an amount of £{Decimal(max_pence) / 100:,.2f} or less: "
            "the most one line can claim"
        )
    pence = amount * 100
    if pence != pence.to_integral_value():
        raise ValueError("Enter at most two digits of pence after the point, like 8.50")
    return int(pence)
