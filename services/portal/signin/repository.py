"""All SQL for one-time sign-in links. A link's token is kept only as its SHA-256."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

# Spent and expired links are kept a day (for a look at what happened), then dropped.
KEEP = timedelta(days=1)


async def insert_link(
    pool: asyncpg.Pool, token_hash: bytes, email: str, now: datetime, expires_at: datetime
) -> UUID:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM magic_links WHERE expires_at < $1", now - KEEP)
        link_id: UUID = await conn.fetchval(
            "INSERT INTO magic_links (token_hash, email, created_at, expires_at)"
            " VALUES ($1, $2, $3, $4) RETURNING id",
            token_hash,
            email,
            now,
            expires_at,
        )
    return link_id


async def address_of(pool: asyncpg.Pool, token_hash: bytes, now: datetime) -> str | None:
    """The address a live link signs in (unspent, unexpired), or None."""
    found: str | None = await pool.fetchval(
        "SELECT email FROM magic_links"
        " WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        token_hash,
        now,
    )
    return found


async def use(pool: asyncpg.Pool, token_hash: bytes, now: datetime) -> str | None:
    """Spend a live link, once: its address, or None if it is unknown, spent or expired.
    One UPDATE, so two clicks at once cannot both sign in."""
    email: str | None = await pool.fetchval(
        "UPDATE magic_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL"
        " AND expires_at > $2 RETURNING email",
        token_hash,
        now,
    )
    return email


async def prune_sessions(pool: asyncpg.Pool, ended_before: datetime) -> int:
    """The retention schedule (docs/privacy.md): sessions that ended (signed out, or
    expired, whichever came first) before `ended_before` deleted; how many."""
    status: str = await pool.execute(
        "DELETE FROM sessions WHERE least(ended_at, expires_at) < $1", ended_before
    )
    return int(status.split()[-1])


async def forget(pool: asyncpg.Pool, email: str) -> None:
    """Erasure on request (issue 23 item 4): the person's links and sessions, ended or
    not, so they are signed out and nothing here names them."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM magic_links WHERE lower(email) = $1", email.lower())
        await conn.execute("DELETE FROM sessions WHERE lower(email) = $1", email.lower())
