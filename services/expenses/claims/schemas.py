"""Claims as interns, hosts and the office read them; money is in integer pence."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel

from services.expenses.contract import Pence

PLACE_MAX_LENGTH = 100


class ClaimIn(BaseModel):
    application_id: UUID


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
