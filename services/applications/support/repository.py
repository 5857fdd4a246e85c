"""All SQL for support-session slots and bookings (R29).

A booking's address is stored lower-cased and compared lower-cased with plain `=`
(issue 11 item 5; migration 0007 lower-cased the older rows). A slot the office cancelled
is kept with `cancelled_at` set (migration 0010) and is in no list and no booking.

The office's changes lock the slot's row first (`lock_slot`), and a booking takes a share
of the same lock, so a booking and a cancellation of one slot never cross: either the
cancellation sees the booking and tells its applicant, or the booking finds the slot gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

_SLOTS = """
SELECT s.id, s.starts_at, s.adviser_name, s.location,
       b.id IS NULL AS available
FROM support_slots s
LEFT JOIN support_bookings b ON b.slot_id = s.id AND b.cancelled_at IS NULL
"""

# The office's view: each slot with who booked it (their profile's name, if they have one).
_OFFICE_SLOTS = """
SELECT s.id, s.starts_at, s.adviser_name, s.location,
       b.id IS NULL AS available,
       b.id AS booking_id, b.applicant_email, b.booked_at, a.name AS applicant_name
FROM support_slots s
LEFT JOIN support_bookings b ON b.slot_id = s.id AND b.cancelled_at IS NULL
LEFT JOIN applicants a ON a.email = b.applicant_email
WHERE s.cancelled_at IS NULL
"""


async def insert_slot(
    conn: asyncpg.Connection, starts_at: datetime, adviser: str, location: str
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "INSERT INTO support_slots (starts_at, adviser_name, location) VALUES ($1, $2, $3)"
        " ON CONFLICT (starts_at) WHERE cancelled_at IS NULL DO NOTHING RETURNING id",
        starts_at,
        adviser,
        location,
    )
    return row


async def slot_id_at(conn: asyncpg.Connection, starts_at: datetime) -> UUID | None:
    """The slot starting at `starts_at`: one a time, whoever published it."""
    found: UUID | None = await conn.fetchval(
        "SELECT id FROM support_slots WHERE starts_at = $1 AND cancelled_at IS NULL", starts_at
    )
    return found


async def list_slots(conn: asyncpg.Connection, after: datetime) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            _SLOTS + " WHERE s.starts_at >= $1 AND s.cancelled_at IS NULL ORDER BY s.starts_at",
            after,
        )
    )


async def get_slot(
    conn: asyncpg.Connection, slot_id: UUID, *, for_booking: bool = False
) -> asyncpg.Record | None:
    """A slot not cancelled; `for_booking` holds a share of its lock until the transaction
    ends, so the office cannot cancel or move it under a booking being made."""
    lock = " FOR SHARE OF s" if for_booking else ""
    row: asyncpg.Record | None = await conn.fetchrow(
        _SLOTS + " WHERE s.id = $1 AND s.cancelled_at IS NULL" + lock, slot_id
    )
    return row


async def office_slots(conn: asyncpg.Connection, ending_after: datetime) -> list[asyncpg.Record]:
    """Slots not over by `ending_after` (their start 15 minutes before), with who booked."""
    return list(
        await conn.fetch(
            _OFFICE_SLOTS
            + " AND s.starts_at > $1::timestamptz - interval '15 minutes' ORDER BY s.starts_at",
            ending_after,
        )
    )


async def office_slot(conn: asyncpg.Connection, slot_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(_OFFICE_SLOTS + " AND s.id = $1", slot_id)
    return row


async def lock_slot(conn: asyncpg.Connection, slot_id: UUID) -> bool:
    """Lock a slot not cancelled for the office's change; False if there is none."""
    found = await conn.fetchval(
        "SELECT true FROM support_slots WHERE id = $1 AND cancelled_at IS NULL FOR UPDATE",
        slot_id,
    )
    return bool(found)


async def lock_booking(conn: asyncpg.Connection, slot_id: UUID) -> None:
    """Lock the slot's live booking, if any, so an applicant cancelling it at this moment
    either finishes first (and is then not told of the office's change) or waits."""
    await conn.execute(
        "SELECT 1 FROM support_bookings WHERE slot_id = $1 AND cancelled_at IS NULL FOR UPDATE",
        slot_id,
    )


async def update_slot(
    conn: asyncpg.Connection, slot_id: UUID, starts_at: datetime, adviser: str, location: str
) -> int:
    """The slot's new time, adviser and place; its revision after the change. Raises
    asyncpg.UniqueViolationError if another slot holds that time."""
    revision: int = await conn.fetchval(
        "UPDATE support_slots SET starts_at = $2, adviser_name = $3, location = $4,"
        " revision = revision + 1 WHERE id = $1 RETURNING revision",
        slot_id,
        starts_at,
        adviser,
        location,
    )
    return revision


async def cancel_slot(conn: asyncpg.Connection, slot_id: UUID) -> asyncpg.Record | None:
    """Cancel the slot and its live booking; the booking cancelled (id and address), if any."""
    await conn.execute("UPDATE support_slots SET cancelled_at = now() WHERE id = $1", slot_id)
    row: asyncpg.Record | None = await conn.fetchrow(
        "UPDATE support_bookings SET cancelled_at = now()"
        " WHERE slot_id = $1 AND cancelled_at IS NULL RETURNING id, applicant_email",
        slot_id,
    )
    return row


async def book(conn: asyncpg.Connection, slot_id: UUID, email: str) -> UUID | None:
    """The booking's id, or None if someone holds the slot (the unique index decides)."""
    try:
        booking: UUID = await conn.fetchval(
            "INSERT INTO support_bookings (slot_id, applicant_email) VALUES ($1, $2) RETURNING id",
            slot_id,
            email.lower(),
        )
    except asyncpg.UniqueViolationError:
        return None
    return booking


async def cancel(conn: asyncpg.Connection, booking_id: UUID, email: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "UPDATE support_bookings SET cancelled_at = now()"
        " WHERE id = $1 AND applicant_email = $2 AND cancelled_at IS NULL RETURNING slot_id",
        booking_id,
        email.lower(),
    )
    return row


async def bookings_of(conn: asyncpg.Connection, email: str) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT b.id, b.slot_id, s.starts_at, s.adviser_name, s.location, b.booked_at"
            " FROM support_bookings b JOIN support_slots s ON s.id = b.slot_id"
            " WHERE b.applicant_email = $1 AND b.cancelled_at IS NULL ORDER BY s.starts_at",
            email.lower(),
        )
    )


async def erase_sessions_over(
    conn: asyncpg.Connection, ended_before: datetime, length: timedelta
) -> int:
    """The retention schedule: sessions of `length` that ended before `ended_before`,
    booked, cancelled or never booked, deleted with their bookings (who booked and the
    adviser's name go with them); how many rows, bookings and sessions together."""
    async with conn.transaction():
        bookings: str = await conn.execute(
            "DELETE FROM support_bookings b USING support_slots s"
            " WHERE s.id = b.slot_id AND s.starts_at < $1",
            ended_before - length,
        )
        slots: str = await conn.execute(
            "DELETE FROM support_slots s WHERE s.starts_at < $1"
            " AND NOT EXISTS (SELECT 1 FROM support_bookings b WHERE b.slot_id = s.id)",
            ended_before - length,
        )
    return int(bookings.split()[-1]) + int(slots.split()[-1])
