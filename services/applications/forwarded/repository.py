"""All SQL for what hosts read once applications are forwarded, and for CVs."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def forwarded_to(conn: asyncpg.Connection, placement_id: UUID) -> list[asyncpg.Record]:
    """What a host sees of the applications forwarded to it (R16, R13, R9: nothing else)."""
    return list(
        await conn.fetch(
            "SELECT a.id, a.status, a.statement_for_hosts AS statement, a.submitted_at,"
            " p.name AS applicant_name, a.applicant_email, c.format AS cv_format"
            " FROM applications a"
            " JOIN applicants p ON p.email = a.applicant_email"
            " JOIN cvs c ON c.application_id = a.id"
            " WHERE a.placement_id = $1 AND a.status NOT IN ('submitted', 'withdrawn')"
            " ORDER BY a.submitted_at",
            placement_id,
        )
    )


async def cv(conn: asyncpg.Connection, application_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT c.filename, c.format, c.content, coalesce(c.host_copy, c.content) AS host_copy,"
        " c.erased_at, a.placement_id,"
        " a.status,"
        " a.applicant_email, p.name FROM cvs c JOIN applications a ON a.id = c.application_id"
        " JOIN applicants p ON p.email = a.applicant_email WHERE c.application_id = $1",
        application_id,
    )
    return row
