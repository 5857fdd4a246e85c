"""What the offers service publishes: the activities it serves on its task queue for the
placement and application workflows (names and payloads), and the bodies its client sends
and returns.

Workflows and other services import only this module (and `client.py`) of the offers
service. It imports no workflow module, so workflows may import it (inside
`imports_passed_through`) without a cycle.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from mip.core.access import Row
from services.applications.contract import Candidate as ForwardedCandidate
from services.applications.contract import ForwardedApplication, Placement

# Activities on the offers service's queue.
RECORD_OFFER = "record_offer"
CLAIM_ACCEPTANCE = "claim_acceptance"
PLACEMENT_COUNTS = "placement_counts"
HOLD_PLACE = "hold_place"
RELEASE_PLACE = "release_place"
ERASE_SELECTION = "erase_selection"
ANONYMISE_ROUND_SELECTION = "anonymise_round_selection"
START_PLACEMENTS = "start_placements"


class OfferRecord(BaseModel):
    application_id: str
    round_id: str
    placement_id: str
    applicant_email: str
    status: Literal["offered", "accepted", "declined", "lapsed", "withdrawn"]
    expires_at: datetime | None = None
    reason: str = ""


class AcceptanceClaim(BaseModel):
    round_id: str
    applicant_email: str
    application_id: str


class PlaceHold(BaseModel):
    """One place of a placement held for one offer, across both rounds (R4, P2)."""

    placement_id: str
    application_id: str
    capacity: int = Field(ge=1)


class PlacementCounts(BaseModel):
    offered: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0
    withdrawn: int = 0


class PlacementInput(BaseModel):
    """What a placement's offers workflow starts from (workflows/placement.py)."""

    placement_id: str
    round_id: str
    phase: str
    places: int = Field(ge=1)
    window_seconds: int = Field(ge=1)
    outcomes_at: datetime
    candidates: list[ForwardedCandidate]
    # When the placement stops taking a ranking and tells the rest, ahead of `outcomes_at`
    # so that they have heard by then (workflows/closing.py); None: at `outcomes_at`.
    closes_at: datetime | None = None
    # Every place of the placement across both rounds; None: `places`.
    capacity: int | None = None


class PlacementStart(BaseModel):
    """The round asks the offers service to start its placements' workflows: directly,
    not as the round's children, whose starts the engine queued behind a rush's backlog."""

    workflow_id: str
    task_queue: str
    opening: PlacementInput


class PlacementState(BaseModel):
    placement_id: str
    places: int
    ranking: list[str]
    offered: list[str]
    accepted: list[str]
    declined: list[str]
    lapsed: list[str]
    withdrawn: list[str]
    open_offers: list[str]
    unfilled: int
    closed: bool
    # A ranking is taken and offers are still being made from it: the update that took it
    # answers at once, and the offers follow (issue 24 item 3).
    offering: bool = False
    # When the placement stops taking a ranking: ahead of the outcomes-by date, so that
    # every applicant hears by it (workflows/closing.py). None from older workers.
    closes_at: datetime | None = None


class Offer(BaseModel):
    application_id: UUID
    round_id: UUID
    placement_id: UUID
    applicant_email: str
    status: str
    offered_at: datetime
    expires_at: datetime | None
    decided_at: datetime | None
    reason: str


class Tally(BaseModel):
    places: int = 0
    applications: int = 0
    withdrawn: int = 0
    offers_open: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0
    withdrawn_after_acceptance: int = 0
    unfilled: int = 0

    def add(self, other: Tally) -> None:
        for name in Tally.model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class PlacementLine(Tally):
    placement_id: UUID
    title: str
    host_name: str
    readvertised: bool


class RoundView(BaseModel):
    round_id: UUID
    name: str
    placements: list[PlacementLine]
    totals: Tally
    next_step: str | None
    next_at: datetime | None


class Withdrawal(BaseModel):
    """An intern who withdrew after accepting (R23), as the office is told of it."""

    application_id: UUID
    placement_id: UUID
    applicant_email: str
    withdrawn_at: datetime | None
    reason: str


class MarkIn(BaseModel):
    application_id: UUID
    mark: Literal["shortlisted", "interviewed", "unsuccessful"]


class RankingIn(BaseModel):
    application_ids: list[UUID] = Field(min_length=1, description="best first")


class Candidate(ForwardedApplication):
    mark: str | None


class LeftOut(BaseModel):
    application_id: UUID
    applicant_name: str


class RankingOutcome(PlacementState):
    """The placement's offers after the ranking, and who it leaves out (R17, R18)."""

    left_out: list[LeftOut] = Field(
        default_factory=list,
        description="forwarded candidates not in the ranking: each hears 'not successful "
        "this time' by the outcomes-by date",
    )


class Selection(BaseModel):
    placement: Placement
    candidates: list[Candidate]
    offers: PlacementState | None


class OffersData(BaseModel):
    """Everything the offers service holds about one person (issue 23, subject access):
    their offers and acceptances, and the marks hosts gave their applications. A mark
    leaves out who marked it: the host's address is the host's."""

    email: str
    offers: list[Row]
    acceptances: list[Row]
    marks: list[Row]
