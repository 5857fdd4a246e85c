"""15-minute one-to-one application support sessions (R29): one person a slot."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from mip.core.deps import AnyUser, ApplicantUser, OfficeUser, Runtime
from services.applications.support import service
from services.applications.support.schemas import (
    Booking,
    OfficeSlot,
    Slot,
    SlotChangeIn,
    SlotsIn,
)

router = APIRouter(prefix="/v1", tags=["support sessions"])


@router.post("/support/slots", status_code=status.HTTP_201_CREATED)
async def publish_slots(body: SlotsIn, runtime: Runtime, _: OfficeUser) -> list[Slot]:
    return await service.publish(runtime, body)


@router.get("/support/slots")
async def upcoming_slots(runtime: Runtime, _: AnyUser) -> list[Slot]:
    return await service.upcoming(runtime)


@router.get("/support/slots/{slot_id}")
async def office_slot(slot_id: UUID, runtime: Runtime, _: OfficeUser) -> OfficeSlot:
    """Office only: one slot not cancelled, with who booked it."""
    return await service.office_slot(runtime, slot_id)


@router.put("/support/slots/{slot_id}")
async def change_slot(
    slot_id: UUID, body: SlotChangeIn, runtime: Runtime, _: OfficeUser
) -> OfficeSlot:
    """Office only: a slot still to come gets a new time, adviser or place; whoever booked
    it is e-mailed the session as it is now, with a calendar file that moves theirs. 409 if
    the slot has started or another holds the new time."""
    return await service.change(runtime, slot_id, body)


@router.delete("/support/slots/{slot_id}")
async def cancel_slot(slot_id: UUID, runtime: Runtime, _: OfficeUser) -> OfficeSlot:
    """Office only: cancel a slot still to come. Whoever booked it is e-mailed that it is
    cancelled; the answer is the slot as it was, with who had booked it. 404 once cancelled."""
    return await service.cancel_slot(runtime, slot_id)


@router.post("/support/slots/{slot_id}/booking", status_code=status.HTTP_201_CREATED)
async def book_slot(slot_id: UUID, runtime: Runtime, me: ApplicantUser) -> Booking:
    return await service.book(runtime, slot_id, me)


@router.get("/support/bookings")
async def my_bookings(runtime: Runtime, me: ApplicantUser) -> list[Booking]:
    return await service.bookings_of(runtime, me)


@router.delete(
    "/support/bookings/{booking_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
async def cancel_booking(booking_id: UUID, runtime: Runtime, me: ApplicantUser) -> None:
    await service.cancel(runtime, booking_id, me)


@router.get("/office/support-slots")
async def office_slots(runtime: Runtime, _: OfficeUser) -> list[OfficeSlot]:
    """Office only: every slot not yet over, earliest first, with who booked each."""
    return await service.office_slots(runtime)
