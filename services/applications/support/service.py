"""What the support-session routes do: the office publishes 15-minute slots, one applicant
books each, and the applicant and the office are told of a booking or its cancellation
through the outbox, so no e-mail is lost (R29)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg

from mip.core import outbox, when
from mip.core.auth import Principal
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.applicants import repository as applicants
from services.applications.catalogue.rules import LONDON
from services.applications.support import repository as repo
from services.applications.support.schemas import Booking, Slot, SlotsIn
from workflows.notifications import (
    CalendarEvent,
    DeliverEmailWorkflow,
    EmailRequest,
    MessageKind,
    email_workflow_id,
)
from workflows.pages import Page, PageName

SLOT = timedelta(minutes=15)


def _slot(row: asyncpg.Record | dict[str, Any]) -> Slot:
    starts = row["starts_at"].astimezone(LONDON)
    return Slot(**{**dict(row), "starts_at": starts}, ends_at=starts + SLOT)


async def publish(runtime: ServiceRuntime, body: SlotsIn) -> list[Slot]:
    async with runtime.pool.acquire() as conn, conn.transaction():
        for starts in body.starts_at:
            await repo.insert_slot(conn, starts, body.adviser_name, body.location)
        ids = [await repo.slot_id_at(conn, s) for s in body.starts_at]
        return [_slot(found) for i in ids if i and (found := await repo.get_slot(conn, i))]


async def upcoming(runtime: ServiceRuntime) -> list[Slot]:
    async with runtime.pool.acquire() as conn:
        return [_slot(r) for r in await repo.list_slots(conn, runtime.clock())]


async def book(runtime: ServiceRuntime, slot_id: UUID, me: Principal) -> Booking:
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await repo.get_slot(conn, slot_id)
        if row is None:
            raise NotFound(f"There is no support slot {slot_id}.")
        slot = _slot(row)
        if slot.starts_at <= runtime.clock():
            raise InvalidInput("This slot has already started; choose a later one.")
        booking_id = await repo.book(conn, slot_id, me.subject)
        if booking_id is None:
            raise Conflict("Someone has just booked this slot; choose another.")
        emails = await _notify(conn, runtime, booking_id, slot, me, cancelled=False)
    for email in emails:
        runtime.start_soon(email)
    return Booking(id=booking_id, slot=slot.model_copy(update={"available": False}))


async def bookings_of(runtime: ServiceRuntime, me: Principal) -> list[Booking]:
    async with runtime.pool.acquire() as conn:
        rows = await repo.bookings_of(conn, me.subject)
    return [
        Booking(id=r["id"], slot=_slot({**dict(r), "id": r["slot_id"], "available": False}))
        for r in rows
    ]


async def cancel(runtime: ServiceRuntime, booking_id: UUID, me: Principal) -> None:
    async with runtime.pool.acquire() as conn, conn.transaction():
        cancelled = await repo.cancel(conn, booking_id, me.subject)
        if cancelled is None:
            raise NotFound(f"You have no booking {booking_id}.")
        row = await repo.get_slot(conn, cancelled["slot_id"])
        assert row is not None
        emails = await _notify(conn, runtime, booking_id, _slot(row), me, cancelled=True)
    for email in emails:
        runtime.start_soon(email)


async def _notify(
    conn: asyncpg.Connection,
    runtime: ServiceRuntime,
    booking_id: UUID,
    slot: Slot,
    who: Principal,
    *,
    cancelled: bool,
) -> list[str]:
    """Tell the applicant and the office, through the outbox so no e-mail is lost;
    return the workflows to start once the transaction commits."""
    profile = await applicants.get_profile(conn, who.subject)
    step = "cancelled" if cancelled else "booked"
    data = {
        "applicant_name": profile.name if profile else who.subject,
        "slot_label": when.when(slot.starts_at),
        "adviser_name": slot.adviser_name,
        "location": slot.location,
        "cancelled": cancelled,
    }
    started = []
    for recipient in (who.subject, runtime.settings.office_email):
        request = EmailRequest(
            kind=MessageKind.support_booking,
            to=[recipient],
            data=data,
            idempotency_key=f"support-{booking_id}/{step}/{recipient}",
            subject_ref=f"support-{booking_id}",
            calendar=None if cancelled else _event(booking_id, slot),
            # The applicant's own page of sessions; the office has the booking in the e-mail.
            pages={"support_url": Page(name=PageName.applicant_support)}
            if recipient == who.subject
            else {},
        )
        workflow_id = email_workflow_id(request.idempotency_key)
        await outbox.enqueue(
            conn,
            workflow_type=DeliverEmailWorkflow.__name__,
            workflow_id=workflow_id,
            task_queue=runtime.settings.queue(runtime.spec.workflow_queue),
            arg=request.model_dump(mode="json"),
        )
        started.append(workflow_id)
    return started


def _event(booking_id: UUID, slot: Slot) -> CalendarEvent:
    return CalendarEvent(
        uid=f"support-{booking_id}@mip",
        summary="Application support session",
        location=slot.location,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
