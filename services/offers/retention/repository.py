"""All SQL of the retention schedule in the offers schema: a round's offers and
acceptances anonymised with the applications (docs/privacy.md). Each applicant's address
becomes a token of this round alone, so counts of people hold; the reasons they gave go.
Marks name an application id only and stay for the counts; a second run finds nothing."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core.erasure import ANONYMISED_DOMAIN, anonymous_address


async def anonymise_round(conn: asyncpg.Connection, round_id: UUID) -> int:
    async with conn.transaction():
        people = await conn.fetch(
            "SELECT applicant_email FROM offers WHERE round_id = $1"
            " UNION SELECT applicant_email FROM acceptances WHERE round_id = $1",
            round_id,
        )
        named = [p["applicant_email"] for p in people if not _anonymised(p["applicant_email"])]
        for email in named:
            token = anonymous_address()
            await conn.execute(
                "UPDATE offers SET applicant_email = $3, reason = ''"
                " WHERE round_id = $1 AND applicant_email = $2",
                round_id,
                email,
                token,
            )
            await conn.execute(
                "UPDATE acceptances SET applicant_email = $3"
                " WHERE round_id = $1 AND applicant_email = $2",
                round_id,
                email,
                token,
            )
    return len(named)


def _anonymised(email: str) -> bool:
    return email.endswith("@" + ANONYMISED_DOMAIN)
