"""15-minute one-to-one application support sessions (R29): one person a slot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from mip.core import outbox
from mip.core.auth import Principal
from mip.core.bounds import Moment
from mip.core.deps import AnyUser, ApplicantUser, OfficeUser, Runtime
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.links import WebLinksOnly
from mip.core.runtime import ServiceRuntime
from mip.core.text import OneLine
from services.applications.applicants import repository as applicants
from services.applications.catalogue.rules import LONDON
from services.applications.config import ApplicationsSettings
from services.applications.support import repository as repo
from workflows.notifications import CalendarEvent, DeliverEmailWorkflow, EmailRequest, MessageKind
from workflows.queues import WORKFLOWS

router = APIRouter(prefix="/v1/support", tags=["support sessions"])
SLOT = timedelta(minutes=15)


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


def _slot(row: asyncpg.Record) -> Slot:
    starts = row["starts_at"].astimezone(LONDON)
    return Slot(**{**dict(row), "starts_at": starts}, ends_at=starts + SLOT)


@router.post("/slots", status_code=status.HTTP_201_CREATED)
async def publish_slots(body: SlotsIn, runtime: Runtime, _: OfficeUser) -> list[Slot]:
    async with runtime.pool.acquire() as conn, conn.transaction():
        for starts in body.starts_at:
            await repo.insert_slot(conn, starts, body.adviser_name, body.location)
        rows = [
            await conn.fetchrow("SELECT id FROM support_slots WHERE starts_at = $1", s)
            for s in body.starts_at
        ]
        return [_slot(found) for r in rows if r and (found := await repo.get_slot(conn, r["id"]))]


@router.get("/slots")
async def upcoming_slots(runtime: Runtime, _: AnyUser) -> list[Slot]:
    async with runtime.pool.acquire() as conn:
        return [_slot(r) for r in await repo.list_slots(conn, runtime.clock())]


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
    office = ApplicationsSettings().office_email
    label = f"{slot.starts_at:%A %d %B %Y, %H:%M}"
    event = CalendarEvent(
        uid=f"support-{booking_id}@mip",
        summary="Application support session",
        location=slot.location,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    step = "cancelled" if cancelled else "booked"
    started = []
    for recipient in (who.subject, office):
        request = EmailRequest(
            kind=MessageKind.support_booking,
            to=[recipient],
            data={
                "applicant_name": profile.name if profile else who.subject,
                "slot_label": label,
                "adviser_name": slot.adviser_name,
                "location": slot.location,
                "cancelled": cancelled,
            },
            idempotency_key=f"support-{booking_id}/{step}/{recipient}",
            subject_ref=f"support-{booking_id}",
            calendar=None if cancelled else event,
        )
        await outbox.enqueue(
            conn,
            workflow_type=DeliverEmailWorkflow.__name__,
            workflow_id=f"email-{request.idempotency_key}",
            task_queue=runtime.settings.queue(WORKFLOWS),
            arg=request.model_dump(mode="json"),
        )
        started.append(f"email-{request.idempotency_key}")
    return started


@router.post("/slots/{slot_id}/booking", status_code=status.HTTP_201_CREATED)
async def book_slot(slot_id: UUID, runtime: Runtime, me: ApplicantUser) -> Booking:
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


@router.get("/bookings")
async def my_bookings(runtime: Runtime, me: ApplicantUser) -> list[Booking]:
    async with runtime.pool.acquire() as conn:
        rows = await repo.bookings_of(conn, me.subject)
    return [
        Booking(id=r["id"], slot=_slot({**dict(r), "id": r["slot_id"], "available": False}))
        for r in rows
    ]


@router.delete("/bookings/{booking_id}", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_booking(booking_id: UUID, runtime: Runtime, me: ApplicantUser) -> None:
    async with runtime.pool.acquire() as conn, conn.transaction():
        cancelled = await repo.cancel(conn, booking_id, me.subject)
        if cancelled is None:
            raise NotFound(f"You have no booking {booking_id}.")
        row = await repo.get_slot(conn, cancelled["slot_id"])
        assert row is not None
        emails = await _notify(conn, runtime, booking_id, _slot(row), me, cancelled=True)
    for email in emails:
        runtime.start_soon(email)
