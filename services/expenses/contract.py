"""What the expenses service publishes: the activity it serves for the expense-claim
workflow (its name and payload), and the bodies its client sends and returns. Money is in
integer pence.

Workflows and other services import only this module (and `client.py`) of the expenses
service; it imports no workflow module.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from mip.core.access import HeldFile, Row
from mip.core.erasure import Kept

RECORD_CLAIM = "record_claim"
# The round's RetentionWorkflow, at the end of the finance period (docs/privacy.md).
ERASE_CLAIMS = "erase_claims"
# ErasureWorkflow: one intern erased on request (issue 23 item 4).
ERASE_INTERN = "erase_intern"


class ClaimErasure(BaseModel):
    """The claims of these placements to remove: every unpaid one, and those paid before
    `paid_before` (the finance period counts from the payment)."""

    placement_ids: list[str]
    paid_before: datetime


class ClaimsErased(BaseModel):
    erased: int
    # The latest payment among the claims left (paid too recently): they come due later.
    latest_paid_left: datetime | None = None


class ClaimStatus(StrEnum):
    submitted = "submitted"
    question = "question"
    approved = "approved"
    partly_approved = "partly_approved"
    refused = "refused"
    paid = "paid"


class LineDecision(BaseModel):
    line_id: str
    approve: bool
    reason: str = ""


class ClaimChange(BaseModel):
    claim_id: str
    status: ClaimStatus
    actor: str
    note: str = ""
    decisions: list[LineDecision] = Field(default_factory=list)


class Category(StrEnum):
    local_travel = "local_travel"
    lunch = "lunch"
    oxfordshire_travel = "oxfordshire_travel"
    london_bus_pass = "london_bus_pass"  # noqa: S105 - a bus pass, not a password
    other_travel = "other_travel"

    @property
    def is_travel(self) -> bool:
        return self is not Category.lunch


class TravelMode(StrEnum):
    bus = "bus"
    coach = "coach"
    train = "train"
    tube = "tube"  # the Underground, Overground, DLR or any metro
    tram = "tram"
    bicycle = "bicycle"
    taxi = "taxi"
    car = "car"
    walk = "walk"
    other = "other"


Pence = Annotated[int, Field(description="an amount in pence (GBP)")]


# A draft is the intern's alone; the rest follow the claim's workflow (P5).
ClaimState = Literal[
    "draft", "submitted", "question", "approved", "partly_approved", "refused", "paid"
]


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


class LineDecisionIn(BaseModel):
    line_id: UUID
    approve: bool
    reason: str = Field(default="", max_length=1000)


class DecisionIn(BaseModel):
    lines: list[LineDecisionIn] = Field(min_length=1)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class ExpensesData(BaseModel):
    """Everything the expenses service holds about one person (issue 23, subject access):
    the claims they made as an intern, their lines and events, and their receipts (listed
    in `receipts`, served as `files`). A host's contact is named on a claim as the intern
    saw it; the claims a host decides are the interns', not the host's."""

    email: str
    claims: list[Row]
    claim_lines: list[Row]
    claim_events: list[Row]
    receipts: list[Row]
    files: list[HeldFile]


# What erasure keeps of a paid claim, and why: the office's pages say so before and after.
PAID_KEPT = Kept(
    what="paid expense claims, as amounts, dates and statuses under a pseudonym",
    why="the university must keep records of what it paid for the finance period (six "
    "years); the name, address, descriptions, journeys and receipts are removed",
)
