"""Office set-up of hosts, rounds and placements; the listing every signed-in user reads."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status

from mip.core.auth import Principal, Role, require_role
from mip.core.deps import (
    OFFICE_ONLY,
    AnyUser,
    OfficeOrService,
    OfficeUser,
    PoolDep,
    Runtime,
    Visitor,
)
from services.applications.catalogue import clock, edits, service, welcome
from services.applications.catalogue.schemas import (
    Host,
    HostIn,
    Placement,
    PlacementIn,
    PlacementQuery,
    RehearsalStep,
    Round,
    RoundDates,
    RoundIn,
)
from services.applications.contract import RoundDatesIn, RoundSettingsIn, WelcomeSent

router = APIRouter(prefix="/v1", tags=["catalogue"])
# The office's routes: the role is checked once, here, for handlers that need not know who.
office = APIRouter(dependencies=[OFFICE_ONLY])


@office.post("/hosts", status_code=status.HTTP_201_CREATED)
async def create_host(body: HostIn, runtime: Runtime, me: OfficeUser) -> Host:
    """R5: a host of any sector and kind; its contact is sent a welcome saying where and
    how to sign in."""
    return await service.create_host(runtime, body, me)


@office.get("/hosts")
async def list_hosts(pool: PoolDep) -> list[Host]:
    return await service.hosts(pool)


@router.get("/hosts/by-contact")
async def hosts_with_contact(
    pool: PoolDep,
    _: Annotated[Principal, Depends(require_role(Role.service))],
    email: Annotated[str, Query(min_length=3, max_length=254, description="an address")],
) -> list[Host]:
    """Services only (the portal's sign-in): the hosts whose contact is this address; a
    person signs in as a host when there is one."""
    return await service.hosts_with_contact(pool, email)


@office.post("/rounds", status_code=status.HTTP_201_CREATED)
async def create_round(body: RoundIn, runtime: Runtime) -> Round:
    return await service.create_round(runtime, body)


@office.put("/rounds/{round_id}/clock")
async def reschedule_round(round_id: UUID, body: RoundDates, runtime: Runtime) -> Round:
    """Move dates still to come; the round's workflow reschedules its timers."""
    return await clock.reschedule(runtime, round_id, body.clock)


@office.get("/rounds")
async def list_rounds(pool: PoolDep) -> list[Round]:
    return await service.rounds(pool)


@router.get("/rounds/{round_id}")
async def get_round(round_id: UUID, pool: PoolDep, _: AnyUser) -> Round:
    return await service.round_of(pool, round_id)


@office.post("/rounds/{round_id}/placements", status_code=status.HTTP_201_CREATED)
async def create_placement(round_id: UUID, body: PlacementIn, pool: PoolDep) -> Placement:
    return await service.create_placement(pool, round_id, body)


@router.get("/rounds/{round_id}/placements")
async def list_round_placements(
    round_id: UUID, pool: PoolDep, _: OfficeOrService
) -> list[Placement]:
    return await service.placements_of_round(pool, round_id)


@router.get("/placements")
async def list_advertised_placements(
    pool: PoolDep, visitor: Visitor, query: Annotated[PlacementQuery, Query()]
) -> list[Placement]:
    """Placements of rounds that are advertised and still open (R3): none before their date.
    Anyone may read them; without a token the host's contact details are left out."""
    found = await service.advertised(pool, query)
    return found if visitor else [service.for_the_public(p) for p in found]


@router.get("/placements/{placement_id}")
async def get_placement(placement_id: UUID, pool: PoolDep, visitor: Visitor) -> Placement:
    """Anyone may read an advertised placement (R1-R5); the office, any placement."""
    found = await service.placement_for(pool, placement_id, visitor)
    return found if visitor else service.for_the_public(found)


# portal: office pages -------------------------------------------------------------------
# Changes after set-up; each refusal is a 409 saying why (see `catalogue/edits.py`).
_REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "Applications are already in, or the deadline has passed"}
}


@office.get("/hosts/{host_id}")
async def get_host(host_id: UUID, pool: PoolDep) -> Host:
    return await edits.host_of(pool, host_id)


@office.put("/hosts/{host_id}", responses=_REFUSED)
async def update_host(host_id: UUID, body: HostIn, runtime: Runtime, me: OfficeUser) -> Host:
    """R5, R24-R27: the contact may always change; what applicants saw of the host (name,
    sector, kind, place) only until someone applies to one of its placements. A new
    contact address is sent the welcome."""
    return await edits.update_host(runtime, host_id, body, me)


@office.post("/hosts/{host_id}/welcome", status_code=status.HTTP_202_ACCEPTED)
async def welcome_host(host_id: UUID, runtime: Runtime, me: OfficeUser) -> WelcomeSent:
    """Send the host's contact the welcome again, as a new message each time."""
    return await welcome.send_again(runtime, host_id, me)


@office.put("/rounds/{round_id}", responses=_REFUSED)
async def update_round(round_id: UUID, body: RoundSettingsIn, runtime: Runtime) -> Round:
    """R2: weeks and limits, until the first application or the deadline."""
    return await edits.update_round(runtime, round_id, body)


@office.put("/rounds/{round_id}/dates", responses={409: {"description": "A date has passed"}})
async def reschedule_round_dates(round_id: UUID, body: RoundDatesIn, runtime: Runtime) -> Round:
    """R3: the round's dates as days (midnight, midday, 09:00 London time); a date left as it
    was keeps its time. Dates that have passed cannot move."""
    return await edits.reschedule_dates(runtime, round_id, body)


@office.post(
    "/rounds/{round_id}/rehearsal/{step}",
    responses={
        409: {
            "description": "Not a rehearsal round, in production, the step has happened, "
            "or the step before it has not"
        }
    },
)
async def take_rehearsal_step(round_id: UUID, step: RehearsalStep, runtime: Runtime) -> Round:
    """A rehearsal round's next step, now (never in production): close applications, send
    outcomes, open or close the second round. The step's date moves to this moment and the
    round's workflow takes it at once."""
    return await clock.rehearse(runtime, round_id, step)


@office.put("/placements/{placement_id}", responses=_REFUSED)
async def update_placement(placement_id: UUID, body: PlacementIn, runtime: Runtime) -> Placement:
    """R1, R2: until the first application for it or its round's deadline."""
    return await edits.update_placement(runtime, placement_id, body)


router.include_router(office)
