"""All SQL for changing hosts, rounds and placements after they were created.

Each reader that decides whether a change is allowed locks the rows an application
references (`FOR UPDATE` conflicts with the key-share lock an inserted application's
foreign keys take), so a change and an application arriving at the same moment are taken
one after the other and the count of applications read here is the last word.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from services.applications.catalogue.repository import host_values, placement_values
from services.applications.catalogue.schemas import HostIn, PlacementIn
from services.applications.contract import PlacementWeek, RoundSettingsIn


async def lock_host(conn: asyncpg.Connection, host_id: UUID) -> bool:
    found = await conn.fetchval("SELECT id FROM hosts WHERE id = $1 FOR UPDATE", host_id)
    await conn.execute("SELECT id FROM placements WHERE host_id = $1 FOR UPDATE", host_id)
    return found is not None


async def applications_to_host(conn: asyncpg.Connection, host_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM applications a JOIN placements p ON p.id = a.placement_id"
        " WHERE p.host_id = $1",
        host_id,
    )
    return count


async def update_host(conn: asyncpg.Connection, host_id: UUID, host: HostIn) -> None:
    await conn.execute(
        "UPDATE hosts SET name = $2, sector = $3, kind = $4, location = $5, contact_name = $6,"
        " contact_email = $7 WHERE id = $1",
        host_id,
        *host_values(host),
    )


async def applications_to_round(conn: asyncpg.Connection, round_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM applications WHERE round_id = $1", round_id
    )
    return count


async def placements_in_weeks(
    conn: asyncpg.Connection, round_id: UUID, weeks: list[date]
) -> list[str]:
    """Titles of the round's placements that fall in any of `weeks` (their Mondays)."""
    rows = await conn.fetch(
        "SELECT title FROM placements WHERE round_id = $1 AND week_starts_on = ANY($2)"
        " ORDER BY week_starts_on, title",
        round_id,
        weeks,
    )
    return [r["title"] for r in rows]


async def update_round_settings(
    conn: asyncpg.Connection, round_id: UUID, body: RoundSettingsIn
) -> None:
    await conn.execute(
        "UPDATE rounds SET applications_per_applicant = $2,"
        " second_round_applications_per_applicant = $3, statement_word_limit = $4,"
        " cv_page_limit = $5 WHERE id = $1",
        round_id,
        body.applications_per_applicant,
        body.second_round_applications_per_applicant,
        body.statement_word_limit,
        body.cv_page_limit,
    )


async def replace_weeks(
    conn: asyncpg.Connection, round_id: UUID, weeks: list[PlacementWeek]
) -> None:
    """The round's weeks become `weeks`; the caller made sure none it drops has placements."""
    await conn.execute(
        "DELETE FROM round_weeks WHERE round_id = $1 AND NOT (starts_on = ANY($2))",
        round_id,
        [w.starts_on for w in weeks],
    )
    await conn.executemany(
        "INSERT INTO round_weeks (round_id, starts_on, ends_on) VALUES ($1, $2, $3)"
        " ON CONFLICT (round_id, starts_on) DO NOTHING",
        [(round_id, w.starts_on, w.ends_on) for w in weeks],
    )


async def lock_placement(conn: asyncpg.Connection, placement_id: UUID) -> UUID | None:
    """Locks the placement; its round's id, or None if there is no such placement."""
    round_id: UUID | None = await conn.fetchval(
        "SELECT round_id FROM placements WHERE id = $1 FOR UPDATE", placement_id
    )
    return round_id


async def applications_to_placement(conn: asyncpg.Connection, placement_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM applications WHERE placement_id = $1", placement_id
    )
    return count


async def update_placement(
    conn: asyncpg.Connection, placement_id: UUID, spec: PlacementIn, days: list[date]
) -> None:
    await conn.execute(
        "UPDATE placements SET host_id = $2, title = $3, description = $4, week_starts_on = $5,"
        " days = $6, places = $7, mode = $8, preparation = $9 WHERE id = $1",
        placement_id,
        *placement_values(spec, days),
    )
