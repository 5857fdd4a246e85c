"""15-minute one-to-one application support sessions (R29): one person a slot."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from mip.core.deps import AnyUser, ApplicantUser, OfficeUser, Runtime
from services.applications.support import service
from services.applications.support.schemas import Booking, Slot, SlotsIn

router = APIRouter(prefix="/v1/support", tags=["support sessions"])


@router.post("/slots", status_code=status.HTTP_201_CREATED)
async def publish_slots(body: SlotsIn, runtime: Runtime, _: OfficeUser) -> list[Slot]:
    return await service.publish(runtime, body)


@router.get("/slots")
async def upcoming_slots(runtime: Runtime, _: AnyUser) -> list[Slot]:
    return await service.upcoming(runtime)


@router.post("/slots/{slot_id}/booking", status_code=status.HTTP_201_CREATED)
async def book_slot(slot_id: UUID, runtime: Runtime, me: ApplicantUser) -> Booking:
    return await service.book(runtime, slot_id, me)


@router.get("/bookings")
async def my_bookings(runtime: Runtime, me: ApplicantUser) -> list[Booking]:
    return await service.bookings_of(runtime, me)


@router.delete(
    "/bookings/{booking_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def cancel_booking(booking_id: UUID, runtime: Runtime, me: ApplicantUser) -> None:
    await service.cancel(runtime, booking_id, me)
