"""All SQL for a person's own data (issue 23): keyed by their address, or by the ids of
their own applications as the applications service lists them."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core.access import Row, rows


async def held_about(
    conn: asyncpg.Connection, email: str, applications: list[UUID]
) -> dict[str, list[Row]]:
    offers = await conn.fetch(
        "SELECT application_id, round_id, placement_id, status, offered_at, expires_at,"
        " decided_at, reason FROM offers WHERE lower(applicant_email) = $1"
        " ORDER BY offered_at, application_id",
        email,
    )
    acceptances = await conn.fetch(
        "SELECT round_id, application_id, accepted_at FROM acceptances"
        " WHERE lower(applicant_email) = $1 ORDER BY accepted_at",
        email,
    )
    marks = await conn.fetch(
        "SELECT application_id, placement_id, mark, marked_at FROM marks"
        " WHERE application_id = ANY($1::uuid[]) ORDER BY marked_at, application_id",
        applications,
    )
    return {"offers": rows(offers), "acceptances": rows(acceptances), "marks": rows(marks)}
