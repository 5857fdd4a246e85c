"""All SQL that erases one applicant's selection from the offers service (issue 23 item
4): their offers and acceptance by address, the marks hosts gave their applications by the
applications' ids. Place holds stay: they name an application id only, and a released
hold is what lets the place be offered to the next applicant."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def erase(conn: asyncpg.Connection, email: str, applications: list[UUID]) -> dict[str, int]:
    async with conn.transaction():
        marks = await conn.execute(
            "DELETE FROM marks WHERE application_id = ANY($1::uuid[])", applications
        )
        offers = await conn.execute("DELETE FROM offers WHERE lower(applicant_email) = $1", email)
        acceptances = await conn.execute(
            "DELETE FROM acceptances WHERE lower(applicant_email) = $1", email
        )
    return {
        "marks": _count(marks),
        "offers": _count(offers),
        "acceptances": _count(acceptances),
    }


def _count(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])
