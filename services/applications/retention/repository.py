"""All SQL of the retention schedule in the applications schema.

Every statement erases only what is not erased yet, so a retried or replayed activity
running it again changes nothing: the workflow needs no record of what was done."""

from __future__ import annotations

import json
from datetime import date, timedelta
from uuid import UUID

import asyncpg

from mip.core.erasure import ANONYMISED_NAME, anonymous_address
from services.applications.applicants.repository import live_totals
from services.applications.contract import (
    ApplicationStatus,
    RetentionPlan,
    RetentionWeek,
    RoundDates,
)

# Ended without a place, for good: nothing brings these back to an offer.
UNPLACED = [
    ApplicationStatus.withdrawn,
    ApplicationStatus.declined,
    ApplicationStatus.lapsed,
    ApplicationStatus.not_successful,
    ApplicationStatus.withdrawn_after_acceptance,
]


async def plan(conn: asyncpg.Connection, round_id: UUID) -> RetentionPlan | None:
    the_round = await conn.fetchrow(
        "SELECT outcomes_at, coalesce(second_round_deadline_at, deadline_at) AS last_deadline"
        " FROM rounds WHERE id = $1",
        round_id,
    )
    if the_round is None:
        return None
    weeks = await conn.fetch(
        "SELECT week_starts_on, array_agg(id::text ORDER BY id) AS placement_ids"
        " FROM placements WHERE round_id = $1 GROUP BY week_starts_on ORDER BY week_starts_on",
        round_id,
    )
    return RetentionPlan(
        round_id=str(round_id),
        outcomes_at=the_round["outcomes_at"],
        last_deadline_at=the_round["last_deadline"],
        weeks=[
            RetentionWeek(
                ends_on=w["week_starts_on"] + timedelta(days=4),
                placement_ids=list(w["placement_ids"]),
            )
            for w in weeks
        ],
    )


async def round_dates(conn: asyncpg.Connection) -> list[RoundDates]:
    """Every round's outcomes-by date and the last day of its placements' last week, as
    `plan` reads them: the housekeeping sweep erases the bodies of e-mails made after."""
    rows = await conn.fetch(
        "SELECT r.id::text AS round_id, r.outcomes_at,"
        " max(p.week_starts_on) + 4 AS last_week_ends_on"
        " FROM rounds r LEFT JOIN placements p ON p.round_id = r.id"
        " GROUP BY r.id ORDER BY r.id"
    )
    return [RoundDates.model_validate(dict(r)) for r in rows]


async def erase_unplaced(conn: asyncpg.Connection, round_id: UUID) -> int:
    """CVs and statements of the round's applications that ended without a place."""
    found = await conn.fetch(
        "SELECT id FROM applications WHERE round_id = $1 AND status = ANY($2::text[])",
        round_id,
        [s.value for s in UNPLACED],
    )
    return await _erase(conn, [r["id"] for r in found])


async def erase_week(conn: asyncpg.Connection, round_id: UUID, week_ends_on: date) -> int:
    """CVs and statements of every application to the round's placements in that week:
    the week is over, so interns' too."""
    found = await conn.fetch(
        "SELECT a.id FROM applications a JOIN placements p ON p.id = a.placement_id"
        " WHERE a.round_id = $1 AND p.week_starts_on = $2",
        round_id,
        week_ends_on - timedelta(days=4),
    )
    return await _erase(conn, [r["id"] for r in found])


async def _erase(conn: asyncpg.Connection, application_ids: list[UUID]) -> int:
    """The CV's bytes and name and the statement's text; its counts (words, pages, size)
    stay for the round's figures."""
    async with conn.transaction():
        await conn.execute(
            "UPDATE cvs SET content = $2, host_copy = $2, filename = '', erased_at = now()"
            " WHERE application_id = ANY($1::uuid[]) AND erased_at IS NULL",
            application_ids,
            b"",
        )
        status: str = await conn.execute(
            "UPDATE applications SET statement = '', statement_for_hosts = '',"
            " statement_erased_at = now()"
            " WHERE id = ANY($1::uuid[]) AND statement_erased_at IS NULL",
            application_ids,
        )
    return int(status.split()[-1])


async def keep_totals_and_erase_answers(conn: asyncpg.Connection, round_id: UUID) -> int:
    """R9: the round's totals kept (once: the first kept stay), then the answers of
    everyone whose every round has its totals kept. Someone who has also applied in a
    round whose totals are still to be kept keeps their answers until that round's turn."""
    async with conn.transaction():
        # One round at a time: a round's totals are kept before any answer they count goes.
        await conn.execute("LOCK TABLE equal_opportunities_totals IN EXCLUSIVE MODE")
        totals = await live_totals(conn, round_id)
        await conn.execute(
            "INSERT INTO equal_opportunities_totals"
            " (round_id, answered, disability, under_represented)"
            " VALUES ($1, $2, $3::jsonb, $4::jsonb) ON CONFLICT (round_id) DO NOTHING",
            round_id,
            totals.answered,
            json.dumps({k.value: n for k, n in totals.disability.items()}),
            json.dumps({k.value: n for k, n in totals.under_represented.items()}),
        )
        status: str = await conn.execute(
            "DELETE FROM equal_opportunities e WHERE EXISTS (SELECT 1 FROM applications a"
            "   WHERE a.applicant_email = e.applicant_email AND a.round_id = $1)"
            " AND NOT EXISTS (SELECT 1 FROM applications a"
            "   WHERE a.applicant_email = e.applicant_email AND NOT EXISTS"
            "     (SELECT 1 FROM equal_opportunities_totals t WHERE t.round_id = a.round_id))",
            round_id,
        )
    return int(status.split()[-1])


async def anonymise_round(conn: asyncpg.Connection, round_id: UUID) -> int:
    """The round's applications kept for its counts, no longer anyone's: each applicant's
    address becomes a token of this round alone (so one person's two applications still
    count as one person), their profile goes once no application names them, and what
    they wrote and who opened their CV goes. The totals are kept first, as they would be
    (R9): they are counted through the addresses. Anonymised rows are not found again, so
    a second run changes nothing."""
    await keep_totals_and_erase_answers(conn, round_id)
    async with conn.transaction():
        people = await conn.fetch(
            "SELECT DISTINCT p.email, p.division, p.university_employed, p.contract_type"
            " FROM applications a JOIN applicants p ON p.email = a.applicant_email"
            " WHERE a.round_id = $1 AND a.anonymised_at IS NULL",
            round_id,
        )
        for person in people:
            await _anonymise_person(conn, round_id, person)
        emails = [p["email"] for p in people]
        ids = await conn.fetch("SELECT id FROM applications WHERE round_id = $1", round_id)
        await _erase(conn, [r["id"] for r in ids])
        await conn.execute(
            "DELETE FROM cv_openings o USING applications a"
            " WHERE a.id = o.application_id AND a.round_id = $1",
            round_id,
        )
        for table, column in (("equal_opportunities", "applicant_email"), ("applicants", "email")):
            await conn.execute(
                f"DELETE FROM {table} t WHERE t.{column} = ANY($1::text[])"  # noqa: S608
                " AND NOT EXISTS (SELECT 1 FROM applications a"
                f"   WHERE a.applicant_email = t.{column})",
                emails,
            )
    return len(people)


async def _anonymise_person(
    conn: asyncpg.Connection, round_id: UUID, person: asyncpg.Record
) -> None:
    token = anonymous_address()
    # Coarse facts the office's figures count by stay; name, department and role go.
    await conn.execute(
        "INSERT INTO applicants (email, name, department, division, role,"
        " university_employed, contract_type) VALUES ($1, $2, '', $3, '', $4, $5)",
        token,
        ANONYMISED_NAME,
        person["division"],
        person["university_employed"],
        person["contract_type"],
    )
    await conn.execute(
        "UPDATE application_events e SET actor = $3, reason = '' FROM applications a"
        " WHERE a.id = e.application_id AND a.round_id = $1 AND a.applicant_email = $2"
        " AND lower(e.actor) = $2",
        round_id,
        person["email"],
        token,
    )
    await conn.execute(
        "UPDATE applications SET applicant_email = $3, allowance_warning = NULL,"
        " idempotency_key = NULL, request_fingerprint = NULL, anonymised_at = now()"
        " WHERE round_id = $1 AND applicant_email = $2",
        round_id,
        person["email"],
        token,
    )


async def rounds_without_retention(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Rounds made before the retention schedule existed, whose schedule is still to start."""
    found: list[asyncpg.Record] = await conn.fetch(
        "SELECT id, rehearsal FROM rounds WHERE retention_enqueued_at IS NULL ORDER BY id"
    )
    return found


async def retention_enqueued(conn: asyncpg.Connection, round_id: UUID) -> None:
    await conn.execute("UPDATE rounds SET retention_enqueued_at = now() WHERE id = $1", round_id)
