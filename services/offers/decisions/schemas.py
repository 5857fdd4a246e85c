"""Bodies of the offer routes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


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


class Reason(BaseModel):
    reason: str = Field(default="", max_length=1000)
