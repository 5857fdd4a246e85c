"""All SQL for a person's own data (issue 23): the claims whose intern is the address."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core.access import Row, rows

_QUERIES = {
    "claims": "SELECT id, reference, application_id, placement_id, placement_title, days,"
    " intern_email, intern_name, host_name, host_kind, host_location, host_contact_name,"
    " host_contact_email, status, approved_pence, created_at, submitted_at, paid_at"
    " FROM claims WHERE lower(intern_email) = $1 ORDER BY created_at, id",
    "claim_lines": "SELECT l.* FROM claim_lines l JOIN claims c ON c.id = l.claim_id"
    " WHERE lower(c.intern_email) = $1 ORDER BY l.created_at, l.id",
    "claim_events": "SELECT e.claim_id, e.at, e.actor, e.status, e.note FROM claim_events e"
    " JOIN claims c ON c.id = e.claim_id WHERE lower(c.intern_email) = $1"
    " ORDER BY e.at, e.id",
    # The bytes are served as files, one by one.
    "receipts": "SELECT r.line_id, l.claim_id, r.filename, r.media_type,"
    " octet_length(r.content) AS size_bytes FROM receipts r"
    " JOIN claim_lines l ON l.id = r.line_id JOIN claims c ON c.id = l.claim_id"
    " WHERE lower(c.intern_email) = $1 ORDER BY l.created_at, l.id",
}


async def held_about(conn: asyncpg.Connection, email: str) -> dict[str, list[Row]]:
    return {table: rows(await conn.fetch(sql, email)) for table, sql in _QUERIES.items()}


async def receipt(conn: asyncpg.Connection, email: str, line_id: UUID) -> asyncpg.Record | None:
    """A receipt of one of `email`'s claims; None for anyone else's."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT r.content, r.media_type FROM receipts r JOIN claim_lines l ON l.id = r.line_id"
        " JOIN claims c ON c.id = l.claim_id WHERE r.line_id = $2"
        " AND lower(c.intern_email) = $1",
        email,
        line_id,
    )
    return row
