"""What the support-session routes do: the office publishes 15-minute slots, one applicant
books each, and the applicant and the office are told of a booking or its cancellation
through the outbox, so no e-mail is lost (R29).

The office also sees who booked each slot, changes a slot's time, adviser or place, and
cancels a slot; the applicant holding a slot it changes or cancels is told by e-mail, once
(the key names the booking and, for a change, the slot's revision)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg

from mip.core import when
from mip.core.auth import Principal
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.applicants import repository as applicants
from services.applications.catalogue.rules import LONDON
from services.applications.mail import enqueue_email
from services.applications.support import repository as repo
from services.applications.support.schemas import (
    Booker,
    Booking,
    OfficeSlot,
    Slot,
    SlotChangeIn,
    SlotsIn,
)
from services.notifications.contract import CalendarEvent, EmailRequest, MessageKind
from services.portal.contract import Page, PageName

SLOT = timedelta(minutes=15)


def _slot(row: asyncpg.Record | dict[str, Any]) -> Slot:
    starts = row["starts_at"].astimezone(LONDON)
    return Slot(**{**dict(row), "starts_at": starts}, ends_at=starts + SLOT)


def _office_slot(row: asyncpg.Record) -> OfficeSlot:
    booker = None
    if row["booking_id"] is not None:
        booker = Booker(
            booking_id=row["booking_id"],
            email=row["applicant_email"],
            name=row["applicant_name"],
            booked_at=row["booked_at"],
        )
    return OfficeSlot(**_slot(row).model_dump(), booked_by=booker)


def _gone(slot_id: UUID) -> NotFound:
    return NotFound(
        f"There is no support session {slot_id}: it was cancelled, or never published. "
        "GET /v1/office/support-slots lists the sessions to come."
    )


async def publish(runtime: ServiceRuntime, body: SlotsIn) -> list[Slot]:
    now = runtime.clock()
    passed = [i for i, starts in enumerate(body.starts_at) if starts <= now]
    if passed:
        raise InvalidInput(
            "A session cannot start in the past; choose times still to come.",
            errors=[
                {
                    "location": f"body.starts_at.{i}",
                    "message": f"{when.when(body.starts_at[i])} has passed.",
                }
                for i in passed
            ],
        )
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
        row = await repo.get_slot(conn, slot_id, for_booking=True)
        if row is None:
            # Said on the applicant's page: no id, and what to do next.
            raise NotFound(
                "That session is no longer offered; it may have been cancelled. Choose another one."
            )
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


# The office's part -----------------------------------------------------------------------


async def office_slots(runtime: ServiceRuntime) -> list[OfficeSlot]:
    """Every slot not yet over, with who booked it."""
    async with runtime.pool.acquire() as conn:
        return [_office_slot(r) for r in await repo.office_slots(conn, runtime.clock())]


async def office_slot(runtime: ServiceRuntime, slot_id: UUID) -> OfficeSlot:
    async with runtime.pool.acquire() as conn:
        row = await repo.office_slot(conn, slot_id)
    if row is None:
        raise _gone(slot_id)
    return _office_slot(row)


async def _locked(conn: asyncpg.Connection, runtime: ServiceRuntime, slot_id: UUID) -> OfficeSlot:
    """The slot, locked with its booking for the office's change, if it is still to come."""
    if not await repo.lock_slot(conn, slot_id):
        raise _gone(slot_id)
    await repo.lock_booking(conn, slot_id)
    row = await repo.office_slot(conn, slot_id)
    assert row is not None
    slot = _office_slot(row)
    if slot.starts_at <= runtime.clock():
        raise Conflict(
            f"This session started at {when.when(slot.starts_at)}, so it can no longer "
            "be changed or cancelled."
        )
    return slot


async def change(runtime: ServiceRuntime, slot_id: UUID, body: SlotChangeIn) -> OfficeSlot:
    """A slot's new time, adviser or place; its booked applicant, if any, is e-mailed the
    session as it is now, with a calendar file that moves the one they have."""
    if body.starts_at <= runtime.clock():
        raise InvalidInput(
            "A session cannot move into the past; choose a time still to come.",
            errors=[
                {
                    "location": "body.starts_at",
                    "message": f"{when.when(body.starts_at)} has passed; "
                    "choose a time still to come.",
                }
            ],
        )
    async with runtime.pool.acquire() as conn, conn.transaction():
        before = await _locked(conn, runtime, slot_id)
        same = (before.starts_at, before.adviser_name, before.location) == (
            body.starts_at,
            body.adviser_name,
            body.location,
        )
        if same:
            return before
        try:
            revision = await repo.update_slot(
                conn, slot_id, body.starts_at, body.adviser_name, body.location
            )
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(
                f"There is already a session at {when.when(body.starts_at)}; "
                "choose another time, or change that session instead.",
                field="starts_at",
            ) from exc
        row = await repo.office_slot(conn, slot_id)
        assert row is not None
        after = _office_slot(row)
        emails = []
        if after.booked_by is not None:
            request = changed_email(before, after, revision)
            emails.append(await enqueue_email(conn, runtime, request))
    for email in emails:
        runtime.start_soon(email)
    return after


async def cancel_slot(runtime: ServiceRuntime, slot_id: UUID) -> OfficeSlot:
    """Cancel a slot; its booked applicant, if any, is e-mailed that it is cancelled. The
    slot as it was, with who had booked it (and is now told)."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        before = await _locked(conn, runtime, slot_id)
        await repo.cancel_slot(conn, slot_id)
        emails = []
        if before.booked_by is not None:
            emails.append(await enqueue_email(conn, runtime, cancelled_email(before)))
    for email in emails:
        runtime.start_soon(email)
    return before


def changed_email(before: OfficeSlot, after: OfficeSlot, revision: int) -> EmailRequest:
    """To the applicant holding `after`: the office moved it (change number `revision`),
    with the calendar file that moves theirs."""
    assert after.booked_by is not None
    booking_id = after.booked_by.booking_id
    return _office_email(
        after,
        after.booked_by,
        step=f"changed-{revision}",
        extra={
            "changed": True,
            "was_label": when.when(before.starts_at),
            "was_adviser_name": before.adviser_name,
            "was_location": before.location,
        },
        calendar=_event(booking_id, after, sequence=revision),
    )


def cancelled_email(slot: OfficeSlot) -> EmailRequest:
    """To the applicant who held `slot`: the office cancelled it."""
    assert slot.booked_by is not None
    return _office_email(slot, slot.booked_by, step="cancelled", extra={"cancelled": True})


def _office_email(
    slot: Slot,
    booker: Booker,
    *,
    step: str,
    extra: dict[str, Any],
    calendar: CalendarEvent | None = None,
) -> EmailRequest:
    """To the applicant holding `slot`: the office changed or cancelled it."""
    data = {
        "applicant_name": booker.name or booker.email,
        "slot_label": when.when(slot.starts_at),
        "adviser_name": slot.adviser_name,
        "location": slot.location,
        "cancelled": False,
        "changed": False,
        "by_office": True,
        **extra,
    }
    return EmailRequest(
        kind=MessageKind.support_booking,
        to=[booker.email],
        data=data,
        idempotency_key=f"support-{booker.booking_id}/{step}/{booker.email}",
        subject_ref=f"support-{booker.booking_id}",
        calendar=calendar,
        pages={"support_url": Page(name=PageName.applicant_support)},
    )


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
        started.append(await enqueue_email(conn, runtime, request))
    return started


def _event(booking_id: UUID, slot: Slot, *, sequence: int = 0) -> CalendarEvent:
    return CalendarEvent(
        uid=f"support-{booking_id}@mip",
        summary="Application support session",
        location=slot.location,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        sequence=sequence,
    )
