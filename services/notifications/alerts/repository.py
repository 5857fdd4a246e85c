"""All SQL for the alerts list."""

from __future__ import annotations

import secrets
from datetime import datetime
from uuid import UUID

import asyncpg


async def subscribe(conn: asyncpg.Connection, email: str) -> asyncpg.Record:
    """Add `email` as pending, or bring an unsubscribed address back to pending: a sign-up
    made now, so the retention schedule counts its period from now (`erase_lapsed`)."""
    row = await conn.fetchrow(
        "INSERT INTO alert_subscribers (email, token) VALUES ($1, $2)"
        " ON CONFLICT (lower(email)) DO UPDATE SET"
        "   status = CASE WHEN alert_subscribers.status = 'unsubscribed' THEN 'pending'"
        "                 ELSE alert_subscribers.status END,"
        "   created_at = CASE WHEN alert_subscribers.status = 'unsubscribed' THEN now()"
        "                     ELSE alert_subscribers.created_at END"
        " RETURNING id, email, token, status",
        email,
        secrets.token_urlsafe(32),
    )
    assert row is not None
    return row


async def set_status(conn: asyncpg.Connection, token: str, status: str) -> asyncpg.Record | None:
    column = {"confirmed": "confirmed_at", "unsubscribed": "unsubscribed_at"}[status]
    row: asyncpg.Record | None = await conn.fetchrow(
        f"UPDATE alert_subscribers SET status = $2, {column} = now()"  # noqa: S608 - fixed column
        " WHERE token = $1 AND ($2 = 'unsubscribed' OR status = 'pending')"
        " RETURNING id, email, status",
        token,
        status,
    )
    return row if row is not None else await by_token(conn, token)


async def by_token(conn: asyncpg.Connection, token: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT id, email, status FROM alert_subscribers WHERE token = $1", token
    )
    return row


async def confirmed(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT id, email, token FROM alert_subscribers WHERE status = 'confirmed'"
            " ORDER BY created_at"
        )
    )


async def token_of(conn: asyncpg.Connection, subscriber_id: UUID) -> str | None:
    token: str | None = await conn.fetchval(
        "SELECT token FROM alert_subscribers WHERE id = $1", subscriber_id
    )
    return token


async def is_confirmed(conn: asyncpg.Connection, subscriber_id: UUID) -> bool:
    status = await conn.fetchval(
        "SELECT status FROM alert_subscribers WHERE id = $1", subscriber_id
    )
    return bool(status == "confirmed")


async def counts(conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT status, count(*) AS n FROM alert_subscribers GROUP BY status")
    found = {"pending": 0, "confirmed": 0, "unsubscribed": 0}
    found.update({r["status"]: r["n"] for r in rows})
    return found


async def erase_lapsed(conn: asyncpg.Connection, before: datetime) -> int:
    """The retention schedule: sign-ups never confirmed, made before `before`, and
    addresses that left the list before it, deleted; how many. Confirmed addresses stay
    while they are on the list."""
    status: str = await conn.execute(
        "DELETE FROM alert_subscribers WHERE (status = 'pending' AND created_at < $1)"
        " OR (status = 'unsubscribed' AND unsubscribed_at < $1)",
        before,
    )
    return int(status.split()[-1])
