"""Booking a 15-minute one-to-one application support session (R29): one person a slot."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mip.core import when
from mip.core.errors import RemoteProblem
from services.portal.applicant import words
from services.portal.contract import PageName
from services.portal.forms import FIRST, Shown, refusal
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/applicant")


async def _page(request: Request, services: Services, shown: Shown = FIRST) -> HTMLResponse:
    slots = await services.applications.support_slots()
    bookings = await services.applications.my_support_bookings()
    booked = {b.slot.id for b in bookings}
    return render(
        request,
        "applicant/support.html",
        {
            "slots": [s for s in slots if s.available and s.id not in booked],
            "bookings": sorted(bookings, key=lambda b: b.slot.starts_at),
            "words": words,
            **shown.context(),
        },
        shown.status_code,
    )


@router.get("/support", name=PageName.applicant_support, response_class=HTMLResponse)
async def support(request: Request, services: Services) -> HTMLResponse:
    """R29: the free 15-minute sessions to come, and the ones you booked."""
    return await _page(request, services)


@router.post("/support/{slot_id}/book", response_class=HTMLResponse)
async def book(request: Request, slot_id: UUID, services: Services) -> Response:
    """R29: a slot holds one person; someone else's booking first is said on the page."""
    try:
        booking = await services.applications.book_support_slot(slot_id)
    except RemoteProblem as problem:
        errors = refusal(problem, shown=(404, 409, 422))
        return await _page(request, services, Shown(errors=errors, status_code=409))
    at = when.when(booking.slot.starts_at)
    return see_other(
        request,
        "/applicant/support",
        flash=f"You booked a support session at {at}. We sent the details by email.",
    )


@router.post("/support/bookings/{booking_id}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, booking_id: UUID, services: Services) -> Response:
    """R29: the slot is free again for someone else."""
    await services.applications.cancel_support_booking(booking_id)
    return see_other(request, "/applicant/support", flash="You cancelled the support session.")
