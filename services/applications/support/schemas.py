"""Bodies of support-session slots and bookings (R29)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from mip.core.bounds import Moment
from mip.core.links import WebLinksOnly
from mip.core.text import OneLine


class SlotsIn(BaseModel):
    starts_at: list[Moment] = Field(min_length=1, max_length=200)
    adviser_name: OneLine = Field(min_length=1, max_length=200)
    location: Annotated[OneLine, WebLinksOnly] = Field(
        min_length=1, max_length=200, description="a room, or a meeting link (http or https)"
    )


class Slot(BaseModel):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    adviser_name: str
    location: str
    available: bool


class Booking(BaseModel):
    id: UUID
    slot: Slot
