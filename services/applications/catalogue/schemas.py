"""What the office sends to set a round up, and what anyone with a token reads back: the
bodies are the published contract's (`services/applications/contract.py`), named here for
the catalogue's routes and repository; only the rescheduling body and the placements'
filters are the catalogue's own."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from mip.core.bounds import Day
from services.applications.contract import Host as Host
from services.applications.contract import HostIn as HostIn
from services.applications.contract import HostKind as HostKind
from services.applications.contract import Location as Location
from services.applications.contract import Mode as Mode
from services.applications.contract import Placement as Placement
from services.applications.contract import PlacementIn as PlacementIn
from services.applications.contract import RehearsalStep as RehearsalStep
from services.applications.contract import Round as Round
from services.applications.contract import RoundClock
from services.applications.contract import RoundIn as RoundIn


class RoundDates(BaseModel):
    clock: RoundClock


class PlacementQuery(BaseModel):
    """`GET /v1/placements?…`: which advertised placements a visitor looks for; a filter
    left out matches every placement."""

    week: Day | None = Field(None, description="the Monday of a placement week")
    sector: str | None = None
    host_id: UUID | None = None
