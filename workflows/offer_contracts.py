"""What the application, placement and round workflows say to each other and to the
services' activities. Pydantic models only: imported inside the workflow sandbox."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

# Activities on the applications service's queue.
RECORD_STATUS = "record_application_status"
OPEN_APPLICATIONS_OF = "open_applications_of"
FORWARDING_SNAPSHOT = "forwarding_snapshot"
MARK_READVERTISED = "mark_readvertised"
# Activities on the offers service's queue.
RECORD_OFFER = "record_offer"
CLAIM_ACCEPTANCE = "claim_acceptance"
PLACEMENT_COUNTS = "placement_counts"
HOLD_PLACE = "hold_place"
RELEASE_PLACE = "release_place"


class ApplicationStatus(StrEnum):
    submitted = "submitted"
    withdrawn = "withdrawn"
    forwarded = "forwarded"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    lapsed = "lapsed"
    introduced = "introduced"
    not_successful = "not_successful"
    withdrawn_after_acceptance = "withdrawn_after_acceptance"


class PlacementFacts(BaseModel):
    title: str
    host_name: str
    host_contact_name: str
    host_contact_email: str
    week_starts_on: date
    days: list[date]
    mode: str
    preparation: str
    location: str


class StatusChange(BaseModel):
    application_id: str
    status: ApplicationStatus
    actor: str
    reason: str


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


class OpenApplicationsQuery(BaseModel):
    round_id: str
    applicant_email: str
    except_application_id: str


class OfferRequest(BaseModel):
    window_seconds: int = Field(ge=1, description="48 hours unless a rehearsal")
    placement_workflow_id: str


class Decision(BaseModel):
    actor: str
    reason: str = ""


class Resolution(BaseModel):
    application_id: str
    outcome: Literal["accepted", "declined", "lapsed", "unavailable", "withdrawn_after_acceptance"]


class Candidate(BaseModel):
    application_id: str
    applicant_name: str
    applicant_email: str


class PlacementSnapshot(BaseModel):
    placement_id: str
    facts: PlacementFacts
    places: int
    candidates: list[Candidate]
    # Every place of the placement, whichever round offers it; None in older snapshots.
    capacity: int | None = None


class PlaceHold(BaseModel):
    """One place of a placement held for one offer, across both rounds (R4, P2)."""

    placement_id: str
    application_id: str
    capacity: int = Field(ge=1)


class SnapshotQuery(BaseModel):
    round_id: str
    phase: Literal["first", "second"]


class RoundSnapshot(BaseModel):
    round_id: str
    round_name: str
    placements: list[PlacementSnapshot]


class PlacementCounts(BaseModel):
    offered: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0
    withdrawn: int = 0
