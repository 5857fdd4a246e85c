"""A round at a glance, as the office reads it (P7)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel


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
