"""Bodies of support-session slots and bookings (R29)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from mip.core.bounds import Moment
from mip.core.links import WebLinksOnly
from mip.core.text import OneLine

Adviser = Annotated[OneLine, Field(min_length=1, max_length=200)]
Place = Annotated[
    OneLine,
    WebLinksOnly,
    Field(min_length=1, max_length=200, description="a room, or a meeting link (http or https)"),
]


class SlotsIn(BaseModel):
    starts_at: list[Moment] = Field(min_length=1, max_length=200)
    adviser_name: Adviser
    location: Place


class SlotChangeIn(BaseModel):
    """The office's change to one slot: its time, its adviser, its place (all three)."""

    starts_at: Moment
    adviser_name: Adviser
    location: Place


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


class Booker(BaseModel):
    """Who holds a slot, as the office sees them."""

    booking_id: UUID
    email: str
    name: str | None = Field(description="the applicant's name, once they saved a profile")
    booked_at: datetime


class OfficeSlot(Slot):
    """A slot as the office sees it: who booked it, if anyone."""

    booked_by: Booker | None = None
