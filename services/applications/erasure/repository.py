"""All SQL that erases one applicant from the applications service (issue 23 item 4).

Keyed by the address alone, as subject access finds it (`access/repository.py`), so what
a person can download is exactly what is erased. Rows are deleted, not anonymised: no
report counts an erased person, and a deleted row cannot be re-identified."""

from __future__ import annotations

from uuid import UUID

import asyncpg

# Still running: the workflow may yet offer, remind or introduce (ApplicationWorkflow).
_ENDED = ("withdrawn", "declined", "lapsed", "not_successful", "withdrawn_after_acceptance")

# Children first: events, CVs and CV openings go with their application (ON DELETE
# CASCADE), counted here so the office's page can say what went.
_DELETES = {
    "application_events": "DELETE FROM application_events e USING applications a"
    " WHERE a.id = e.application_id AND a.applicant_email = $1",
    "cv_openings": "DELETE FROM cv_openings o USING applications a"
    " WHERE a.id = o.application_id AND a.applicant_email = $1",
    "cvs": "DELETE FROM cvs c USING applications a"
    " WHERE a.id = c.application_id AND a.applicant_email = $1",
    "applications": "DELETE FROM applications WHERE applicant_email = $1",
    "support_bookings": "DELETE FROM support_bookings WHERE applicant_email = $1",
    "equal_opportunities": "DELETE FROM equal_opportunities WHERE applicant_email = $1",
    "applicants": "DELETE FROM applicants WHERE email = $1",
    # A start's input names the applicant; started long ago, it is needed no more.
    "workflow_outbox": "DELETE FROM workflow_outbox"
    " WHERE strpos(lower(input::text), '\"' || $1 || '\"') > 0",
}


async def applications_of(conn: asyncpg.Connection, email: str) -> list[asyncpg.Record]:
    found: list[asyncpg.Record] = await conn.fetch(
        "SELECT id, status FROM applications WHERE applicant_email = $1 ORDER BY submitted_at",
        email,
    )
    return found


def running(found: list[asyncpg.Record]) -> list[UUID]:
    return [r["id"] for r in found if r["status"] not in _ENDED]


async def erase(conn: asyncpg.Connection, email: str) -> dict[str, int]:
    """Delete every row about `email`, in one transaction: all or nothing, so a retry
    after a crash starts from where the last commit left it."""
    removed = {}
    async with conn.transaction():
        for table, sql in _DELETES.items():
            status = await conn.execute(sql, email)
            removed[table] = int(status.rsplit(" ", 1)[-1])
    return removed


async def hosts_with_contact(conn: asyncpg.Connection, email: str) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM hosts WHERE lower(contact_email) = $1", email
    )
    return count
