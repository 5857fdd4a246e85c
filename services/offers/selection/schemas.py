"""Bodies of the selection routes: marks, a ranking, and what a host sees."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.applications.contract import ForwardedApplication, Placement
from workflows.placement import PlacementState


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
