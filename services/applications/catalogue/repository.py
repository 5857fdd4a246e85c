"""All SQL for hosts, rounds and placements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from mip.core.db import by_parent
from services.applications.catalogue.rules import LONDON, PlacementWeek, RoundClock
from services.applications.catalogue.schemas import (
    Host,
    HostIn,
    Placement,
    PlacementIn,
    PlacementQuery,
    Round,
    RoundIn,
)

_HOST_COLUMNS = (
    "h.id, h.name, h.sector, h.kind, h.location, h.contact_name, h.contact_email, h.created_at"
)


async def insert_host(conn: asyncpg.Connection, host: HostIn) -> Host:
    row = await conn.fetchrow(
        "INSERT INTO hosts (name, sector, kind, location, contact_name, contact_email)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
        *host_values(host),
    )
    return Host.model_validate(dict(row))


def host_values(host: HostIn) -> tuple[object, ...]:
    """A host's columns name, sector, kind, location, contact_name, contact_email, in that
    order, as inserted and as updated."""
    return (
        host.name,
        host.sector,
        host.kind.value,
        host.location.value,
        host.contact_name,
        # Stored lower-cased, as a host's token subject is read (issue 11 item 5).
        str(host.contact_email).lower(),
    )


async def list_hosts(conn: asyncpg.Connection) -> list[Host]:
    rows = await conn.fetch(f"SELECT {_HOST_COLUMNS} FROM hosts h ORDER BY h.name")  # noqa: S608
    return [Host.model_validate(dict(r)) for r in rows]


async def hosts_with_contact(conn: asyncpg.Connection, email: str) -> list[Host]:
    rows = await conn.fetch(
        f"SELECT {_HOST_COLUMNS} FROM hosts h WHERE h.contact_email = lower($1)"  # noqa: S608
        " ORDER BY h.name",
        email,
    )
    return [Host.model_validate(dict(r)) for r in rows]


async def get_host(conn: asyncpg.Connection, host_id: UUID) -> Host | None:
    row = await conn.fetchrow(f"SELECT {_HOST_COLUMNS} FROM hosts h WHERE h.id = $1", host_id)  # noqa: S608
    return Host.model_validate(dict(row)) if row else None


async def insert_round(
    conn: asyncpg.Connection, spec: RoundIn, clock: RoundClock, *, rehearsal: bool
) -> Round:
    async with conn.transaction():
        row = await conn.fetchrow(
            "INSERT INTO rounds (name, advertise_at, deadline_at, outcomes_at,"
            " second_round_opens_at, second_round_deadline_at, acceptance_window_hours,"
            " applications_per_applicant, second_round_applications_per_applicant,"
            " statement_word_limit, cv_page_limit, acceptance_window_seconds, rehearsal)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            spec.name,
            clock.advertise_at,
            clock.deadline_at,
            clock.outcomes_at,
            clock.second_round_opens_at,
            clock.second_round_deadline_at,
            spec.acceptance_window_hours,
            spec.applications_per_applicant,
            spec.second_round_applications_per_applicant,
            spec.statement_word_limit,
            spec.cv_page_limit,
            spec.acceptance_window_seconds,
            rehearsal,
        )
        await conn.executemany(
            "INSERT INTO round_weeks (round_id, starts_on, ends_on) VALUES ($1, $2, $3)",
            [(row["id"], w.starts_on, w.ends_on) for w in spec.weeks],
        )
    found = await get_round(conn, row["id"])
    assert found is not None
    return found


def _round(row: asyncpg.Record, weeks: list[PlacementWeek]) -> Round:
    # Shown on London's wall clock, the one the programme's rules are written in.
    names = (
        "advertise_at",
        "deadline_at",
        "outcomes_at",
        "second_round_opens_at",
        "second_round_deadline_at",
    )
    clock = RoundClock(**{n: row[n].astimezone(LONDON) if row[n] else None for n in names})
    return Round.model_validate({**dict(row), "weeks": weeks, "clock": clock})


async def _weeks(
    conn: asyncpg.Connection, round_ids: list[UUID]
) -> dict[UUID, list[PlacementWeek]]:
    rows = await conn.fetch(
        "SELECT round_id, starts_on, ends_on FROM round_weeks WHERE round_id = ANY($1)"
        " ORDER BY starts_on",
        round_ids,
    )
    return by_parent(
        rows,
        round_ids,
        "round_id",
        lambda r: PlacementWeek(starts_on=r["starts_on"], ends_on=r["ends_on"]),
    )


ROUND = "SELECT * FROM rounds WHERE id = $1"
ROUND_FOR_UPDATE = ROUND + " FOR UPDATE"


async def get_round(
    conn: asyncpg.Connection, round_id: UUID, *, lock: bool = False
) -> Round | None:
    # FOR UPDATE: two offices moving one round's dates are taken one after the other.
    query = ROUND_FOR_UPDATE if lock else ROUND
    row = await conn.fetchrow(query, round_id)
    if row is None:
        return None
    return _round(row, (await _weeks(conn, [round_id]))[round_id])


async def list_rounds(conn: asyncpg.Connection) -> list[Round]:
    rows = await conn.fetch("SELECT * FROM rounds ORDER BY advertise_at DESC")
    weeks = await _weeks(conn, [r["id"] for r in rows])
    return [_round(r, weeks[r["id"]]) for r in rows]


async def insert_placement(
    conn: asyncpg.Connection, round_id: UUID, spec: PlacementIn, days: list[date]
) -> UUID:
    placement_id: UUID = await conn.fetchval(
        "INSERT INTO placements (round_id, host_id, title, description, week_starts_on, days,"
        " places, mode, preparation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        round_id,
        *placement_values(spec, days),
    )
    return placement_id


def placement_values(spec: PlacementIn, days: list[date]) -> tuple[object, ...]:
    """A placement's columns host_id, title, description, week_starts_on, days, places,
    mode, preparation, in that order, as inserted and as updated."""
    return (
        spec.host_id,
        spec.title,
        spec.description,
        spec.week_starts_on,
        days,
        spec.places,
        spec.mode.value,
        spec.preparation,
    )


_PLACEMENT_SELECT = (
    "SELECT p.*, to_json(h) AS host, r.rehearsal FROM placements p"
    " JOIN hosts h ON h.id = p.host_id JOIN rounds r ON r.id = p.round_id"
)


_EVERY_PLACEMENT = PlacementQuery()


def _placement(row: asyncpg.Record) -> Placement:
    data: dict[str, Any] = dict(row)
    return Placement.model_validate({**data, "host": Host.model_validate_json(data["host"])})


async def get_placement(conn: asyncpg.Connection, placement_id: UUID) -> Placement | None:
    row = await conn.fetchrow(_PLACEMENT_SELECT + " WHERE p.id = $1", placement_id)
    return _placement(row) if row else None


async def search_placements(
    conn: asyncpg.Connection,
    query: PlacementQuery = _EVERY_PLACEMENT,
    *,
    round_id: UUID | None = None,
    advertised_at: datetime | None = None,
) -> list[Placement]:
    """Placements matching `query` and the round given; `advertised_at` keeps open,
    advertised rounds."""
    rows = await conn.fetch(
        _PLACEMENT_SELECT + " WHERE ($1::uuid IS NULL OR p.round_id = $1)"
        " AND ($2::timestamptz IS NULL OR (r.advertise_at <= $2"
        "      AND coalesce(r.second_round_deadline_at, r.deadline_at) > $2))"
        " AND ($3::date IS NULL OR p.week_starts_on = $3)"
        " AND ($4::text IS NULL OR lower(h.sector) = lower($4))"
        " AND ($5::uuid IS NULL OR p.host_id = $5)"
        " ORDER BY p.week_starts_on, h.name, p.title",
        round_id,
        advertised_at,
        query.week,
        query.sector,
        query.host_id,
    )
    return [_placement(r) for r in rows]


async def second_round_places(conn: asyncpg.Connection, round_id: UUID) -> dict[UUID, int]:
    rows = await conn.fetch(
        "SELECT id, second_round_places FROM placements WHERE round_id = $1"
        " AND second_round_places IS NOT NULL",
        round_id,
    )
    return {r["id"]: r["second_round_places"] for r in rows}


async def mark_readvertised(conn: asyncpg.Connection, places: dict[UUID, int]) -> None:
    await conn.executemany(
        "UPDATE placements SET readvertised = true, second_round_places = $2 WHERE id = $1",
        list(places.items()),
    )


async def placements_of_host(conn: asyncpg.Connection, email: str) -> list[Placement]:
    rows = await conn.fetch(
        _PLACEMENT_SELECT + " WHERE lower(h.contact_email) = lower($1)"
        " ORDER BY p.week_starts_on, p.title",
        email,
    )
    return [_placement(r) for r in rows]


async def update_clock(conn: asyncpg.Connection, round_id: UUID, clock: RoundClock) -> None:
    await conn.execute(
        "UPDATE rounds SET advertise_at = $2, deadline_at = $3, outcomes_at = $4,"
        " second_round_opens_at = $5, second_round_deadline_at = $6 WHERE id = $1",
        round_id,
        clock.advertise_at,
        clock.deadline_at,
        clock.outcomes_at,
        clock.second_round_opens_at,
        clock.second_round_deadline_at,
    )


async def next_deadline(conn: asyncpg.Connection, now: datetime) -> datetime | None:
    """The soonest deadline of a round advertised and still open at `now` (R3, R4)."""
    found: datetime | None = await conn.fetchval(
        "SELECT min(CASE WHEN deadline_at > $1 THEN deadline_at"
        " ELSE second_round_deadline_at END) FROM rounds"
        " WHERE advertise_at <= $1 AND coalesce(second_round_deadline_at, deadline_at) > $1",
        now,
    )
    return found
