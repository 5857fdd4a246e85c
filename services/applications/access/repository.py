"""All SQL for a person's own data (issue 23): each query keyed by their address alone, so
no row of anyone else's can be in the answer."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core.access import Row, rows

# Each names its columns: bytes (CVs) are served as files, and internal keys (the
# idempotency key's fingerprint) say nothing about the person.
_QUERIES = {
    "profile": "SELECT email, name, department, division, role, university_employed,"
    " contract_type, contract_end_date, updated_at FROM applicants WHERE email = $1",
    "equal_opportunities": "SELECT applicant_email, disability, under_represented, updated_at"
    " FROM equal_opportunities WHERE applicant_email = $1",
    "applications": "SELECT a.id, r.code AS round_code, a.reference_number, a.round_id,"
    " a.placement_id, p.title AS placement_title, a.phase, a.status, a.statement,"
    " a.statement_words, a.statement_for_hosts, a.allowance_warning, a.submitted_at,"
    " a.updated_at FROM applications a JOIN rounds r ON r.id = a.round_id"
    " JOIN placements p ON p.id = a.placement_id WHERE a.applicant_email = $1"
    " ORDER BY a.submitted_at, a.id",
    "application_events": "SELECT e.application_id, e.at, e.actor, e.from_status,"
    " e.to_status, e.reason FROM application_events e"
    " JOIN applications a ON a.id = e.application_id WHERE a.applicant_email = $1"
    " ORDER BY e.at, e.id",
    "cvs": "SELECT c.application_id, c.filename, c.format, c.size_bytes, c.pages, c.erased_at"
    " FROM cvs c JOIN applications a ON a.id = c.application_id"
    " WHERE a.applicant_email = $1 ORDER BY a.submitted_at, a.id",
    # A host is named by its organisation: the reader's own address is theirs, not this
    # person's (the office keeps it in the table).
    "cv_openings": "SELECT o.application_id, o.role, o.opened_at,"
    " CASE WHEN o.role = 'host' THEN h.name ELSE 'the Internship Office' END AS opened_by"
    " FROM cv_openings o JOIN applications a ON a.id = o.application_id"
    " JOIN placements p ON p.id = a.placement_id JOIN hosts h ON h.id = p.host_id"
    " WHERE a.applicant_email = $1 ORDER BY o.opened_at, o.id",
    "support_bookings": "SELECT b.id, b.slot_id, s.starts_at, s.adviser_name, s.location,"
    " b.booked_at, b.cancelled_at FROM support_bookings b"
    " JOIN support_slots s ON s.id = b.slot_id WHERE b.applicant_email = $1"
    " ORDER BY b.booked_at, b.id",
    "hosts": "SELECT id, name, sector, kind, location, contact_name, contact_email,"
    " created_at FROM hosts WHERE contact_email = $1 ORDER BY created_at, id",
}


async def held_about(conn: asyncpg.Connection, email: str) -> dict[str, list[Row]]:
    """Every table's rows about `email` (already lower case, as every address is stored)."""
    return {table: rows(await conn.fetch(sql, email)) for table, sql in _QUERIES.items()}


async def cv(conn: asyncpg.Connection, email: str, application_id: UUID) -> asyncpg.Record | None:
    """The CV as sent with one of `email`'s applications; None for anyone else's."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT c.content, c.format FROM cvs c JOIN applications a ON a.id = c.application_id"
        " WHERE c.application_id = $1 AND a.applicant_email = $2 AND c.erased_at IS NULL",
        application_id,
        email,
    )
    return row


async def record_cv_opening(
    conn: asyncpg.Connection, application_id: UUID, role: str, opened_by: str
) -> None:
    await conn.execute(
        "INSERT INTO cv_openings (application_id, role, opened_by) VALUES ($1, $2, $3)",
        application_id,
        role,
        opened_by,
    )
