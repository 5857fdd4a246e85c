"""All SQL for applicant profiles and equal-opportunities answers.

An applicant's address (the primary key) is stored lower-cased and looked up lower-cased
with plain `=` on the key (issue 11 item 5; migration 0007 lower-cased the older rows).
"""

from __future__ import annotations

import json

import asyncpg

from services.applications.applicants.schemas import (
    Answer,
    EqualOpportunitiesIn,
    EqualOpportunitiesTotals,
    Profile,
    ProfileIn,
)


async def upsert_profile(conn: asyncpg.Connection, email: str, body: ProfileIn) -> Profile:
    row = await conn.fetchrow(
        "INSERT INTO applicants (email, name, department, division, role, university_employed,"
        " contract_type, contract_end_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (email) DO UPDATE SET name = $2, department = $3, division = $4,"
        " role = $5, university_employed = $6, contract_type = $7, contract_end_date = $8,"
        " updated_at = now() RETURNING *",
        email.lower(),
        body.name,
        body.department,
        body.division.value,
        body.role.value,
        body.university_employed,
        body.contract_type.value,
        body.contract_end_date,
    )
    return Profile.model_validate(dict(row))


async def get_profile(conn: asyncpg.Connection, email: str) -> Profile | None:
    row = await conn.fetchrow("SELECT * FROM applicants WHERE email = $1", email.lower())
    return Profile.model_validate(dict(row)) if row else None


async def upsert_equal_opportunities(
    conn: asyncpg.Connection, email: str, body: EqualOpportunitiesIn
) -> None:
    await conn.execute(
        "INSERT INTO equal_opportunities (applicant_email, disability, under_represented)"
        " VALUES ($1, $2, $3) ON CONFLICT (applicant_email) DO UPDATE"
        " SET disability = $2, under_represented = $3, updated_at = now()",
        email.lower(),
        body.disability.value,
        body.under_represented.value,
    )


async def get_equal_opportunities(
    conn: asyncpg.Connection, email: str
) -> EqualOpportunitiesIn | None:
    row = await conn.fetchrow(
        "SELECT disability, under_represented FROM equal_opportunities WHERE applicant_email = $1",
        email.lower(),
    )
    return EqualOpportunitiesIn.model_validate(dict(row)) if row else None


async def equal_opportunities_totals(
    conn: asyncpg.Connection, round_id: object | None
) -> EqualOpportunitiesTotals:
    """A round's totals as kept when its answers were erased (the retention schedule), or
    counted from the answers held; for every round, from the answers still held."""
    if round_id is not None:
        kept = await conn.fetchrow(
            "SELECT answered, disability, under_represented FROM equal_opportunities_totals"
            " WHERE round_id = $1",
            round_id,
        )
        if kept is not None:
            return EqualOpportunitiesTotals(
                answered=kept["answered"],
                disability=json.loads(kept["disability"]),
                under_represented=json.loads(kept["under_represented"]),
            )
    return await live_totals(conn, round_id)


async def live_totals(
    conn: asyncpg.Connection, round_id: object | None
) -> EqualOpportunitiesTotals:
    """Counted from the answers held of the round's applicants (or everyone's)."""
    rows = await conn.fetch(
        "SELECT e.disability, e.under_represented FROM equal_opportunities e"
        " WHERE $1::uuid IS NULL OR EXISTS (SELECT 1 FROM applications a"
        "   WHERE a.applicant_email = e.applicant_email AND a.round_id = $1)",
        round_id,
    )
    disability = dict.fromkeys(Answer, 0)
    under = dict.fromkeys(Answer, 0)
    for r in rows:
        disability[Answer(r["disability"])] += 1
        under[Answer(r["under_represented"])] += 1
    return EqualOpportunitiesTotals(
        answered=len(rows), disability=disability, under_represented=under
    )
