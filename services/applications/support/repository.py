"""All SQL for support-session slots and bookings (R29).

A booking's address is stored lower-cased and compared lower-cased with plain `=`
(issue 11 item 5; migration 0007 lower-cased the older rows).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

_SLOTS = """
SELECT s.id, s.starts_at, s.adviser_name, s.location,
       b.id IS NULL AS available
FROM support_slots s
LEFT JOIN support_bookings b ON b.slot_id = s.id AND b.cancelled_at IS NULL
"""


async def insert_slot(
    conn: asyncpg.Connection, starts_at: datetime, adviser: str, location: str
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "INSERT INTO support_slots (starts_at, adviser_name, location) VALUES ($1, $2, $3)"
        " ON CONFLICT (starts_at) DO NOTHING RETURNING id",
        starts_at,
        adviser,
        location,
    )
    return row


async def slot_id_at(conn: asyncpg.Connection, starts_at: datetime) -> UUID | None:
    """The slot starting at `starts_at`: one a time, whoever published it."""
    found: UUID | None = await conn.fetchval(
        "SELECT id FROM support_slots WHERE starts_at = $1", starts_at
    )
    return found


async def list_slots(conn: asyncpg.Connection, after: datetime) -> list[asyncpg.Record]:
    return list(await conn.fetch(_SLOTS + " WHERE s.starts_at >= $1 ORDER BY s.starts_at", after))


async def get_slot(conn: asyncpg.Connection, slot_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(_SLOTS + " WHERE s.id = $1", slot_id)
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
