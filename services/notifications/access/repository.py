"""All SQL for a person's own data (issue 23): the messages sent to the address and its
alerts list entry."""

from __future__ import annotations

import asyncpg

from mip.core.access import Row, rows

_QUERIES = {
    # Recipients are kept as written (migration 0003), so compared lower-cased.
    "messages": "SELECT id, kind, subject, text_body, status, created_at, sent_at"
    " FROM messages WHERE EXISTS (SELECT 1 FROM unnest(recipients) r WHERE lower(r) = $1)"
    " ORDER BY created_at, id",
    "alert_subscriptions": "SELECT email, status, created_at, confirmed_at, unsubscribed_at"
    " FROM alert_subscribers WHERE lower(email) = $1",
}


async def held_about(conn: asyncpg.Connection, email: str) -> dict[str, list[Row]]:
    return {table: rows(await conn.fetch(sql, email)) for table, sql in _QUERIES.items()}
