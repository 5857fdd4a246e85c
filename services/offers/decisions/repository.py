"""All SQL of offers, acceptances and place holds."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.offers.contract import (
    AcceptanceClaim,
    OfferRecord,
    PlaceHold,
    PlacementCounts,
    Withdrawal,
)

# An offer in any of these no longer holds its place (R4, P2).
RELEASING = ("declined", "lapsed", "withdrawn")


async def record_offer(conn: asyncpg.Connection, record: OfferRecord) -> None:
    async with conn.transaction():
        await _upsert_offer(conn, record)
        if record.status in RELEASING:
            # Here, not only in the placement's workflow: that may have closed already (an
            # intern withdrawing after the first round ended), and the place must come free.
            await conn.execute(
                "UPDATE place_holds SET released_at = now()"
                " WHERE application_id = $1 AND released_at IS NULL",
                UUID(record.application_id),
            )


async def _upsert_offer(conn: asyncpg.Connection, record: OfferRecord) -> None:
    await conn.execute(
        "INSERT INTO offers (application_id, round_id, placement_id, applicant_email, status,"
        " expires_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (application_id) DO UPDATE SET status = $5,"
        " expires_at = coalesce($6, offers.expires_at), reason = $7,"
        " decided_at = CASE WHEN $5 = 'offered' THEN NULL ELSE now() END",
        UUID(record.application_id),
        UUID(record.round_id),
        UUID(record.placement_id),
        record.applicant_email.lower(),  # stored as a token's subject is read (issue 11 item 5)
        record.status,
        record.expires_at,
        record.reason,
    )


async def claim_acceptance(conn: asyncpg.Connection, claim: AcceptanceClaim) -> bool:
    """True if this application holds the applicant's one acceptance of the round (R20)."""
    holder = await conn.fetchval(
        "WITH claimed AS (INSERT INTO acceptances (round_id, applicant_email, application_id)"
        " VALUES ($1, lower($2), $3) ON CONFLICT DO NOTHING RETURNING application_id)"
        " SELECT application_id FROM claimed UNION ALL"
        " SELECT application_id FROM acceptances"
        " WHERE round_id = $1 AND applicant_email = lower($2)"
        " LIMIT 1",
        UUID(claim.round_id),
        claim.applicant_email,
        UUID(claim.application_id),
    )
    return bool(holder == UUID(claim.application_id))


async def hold_place(conn: asyncpg.Connection, hold: PlaceHold) -> bool:
    """True if `hold.application_id` holds one of the placement's places (now or already)."""
    async with conn.transaction():
        # One placement's holds are taken one at a time, whichever round asks.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('place:' || $1, 0))",
            hold.placement_id,
        )
        earlier = await conn.fetchrow(
            "SELECT released_at FROM place_holds WHERE application_id = $1",
            UUID(hold.application_id),
        )
        if earlier is not None:  # a retried activity: the first answer stands
            return bool(earlier["released_at"] is None)
        held = await conn.fetchval(
            "SELECT count(*) FROM place_holds WHERE placement_id = $1 AND released_at IS NULL",
            UUID(hold.placement_id),
        )
        if held >= hold.capacity:
            return False
        await conn.execute(
            "INSERT INTO place_holds (application_id, placement_id) VALUES ($1, $2)",
            UUID(hold.application_id),
            UUID(hold.placement_id),
        )
        return True


async def release_place(conn: asyncpg.Connection, hold: PlaceHold) -> bool:
    """The offer declined, lapsed or was withdrawn: its place is free for the next one."""
    status: str = await conn.execute(
        "UPDATE place_holds SET released_at = now()"
        " WHERE application_id = $1 AND released_at IS NULL",
        UUID(hold.application_id),
    )
    return status != "UPDATE 0"


async def counts(conn: asyncpg.Connection, round_id: UUID) -> dict[str, PlacementCounts]:
    rows = await conn.fetch(
        "SELECT placement_id, status, count(*) AS n FROM offers WHERE round_id = $1"
        " GROUP BY placement_id, status",
        round_id,
    )
    found: dict[str, PlacementCounts] = {}
    for r in rows:
        entry = found.setdefault(str(r["placement_id"]), PlacementCounts())
        setattr(entry, r["status"], r["n"])
    return found


async def offer_of(conn: asyncpg.Connection, application_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM offers WHERE application_id = $1", application_id
    )
    return row


async def offers_of(conn: asyncpg.Connection, email: str) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT * FROM offers WHERE lower(applicant_email) = lower($1) ORDER BY offered_at",
            email,
        )
    )


async def counts_by_round_and_status(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """For /metrics: (round_id, status, n), every offer ever made counted as it stands."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT round_id, status, count(*) AS n FROM offers GROUP BY round_id, status"
    )
    return rows


async def offers_on(conn: asyncpg.Connection, placement_id: UUID) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT * FROM offers WHERE placement_id = $1 ORDER BY offered_at", placement_id
        )
    )


async def withdrawn(conn: asyncpg.Connection, round_id: UUID) -> list[Withdrawal]:
    """Offers withdrawn after acceptance (R23): the only way an offer becomes `withdrawn`."""
    rows = await conn.fetch(
        "SELECT application_id, placement_id, applicant_email, decided_at AS withdrawn_at,"
        " reason FROM offers WHERE round_id = $1 AND status = 'withdrawn'"
        " ORDER BY decided_at DESC NULLS LAST, application_id",
        round_id,
    )
    return [Withdrawal.model_validate(dict(r)) for r in rows]
