"""All SQL of the expenses service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from mip.core import ids
from services.expenses.claims.schemas import HostTotals
from services.expenses.contract import Claim, ClaimChange, ClaimEvent, ClaimLine
from services.expenses.policy import Verdict


async def insert_claim(conn: asyncpg.Connection, values: dict[str, Any]) -> UUID:
    """The intern's and the host contact's addresses are stored lower-cased, as a token's
    subject is read (issue 11 item 5; migration 0005 lower-cased the older rows). The
    reference numbers the application's claims in order, one at a time."""
    addresses = ("intern_email", "host_contact_email")
    values = {k: v.lower() if k in addresses else v for k, v in values.items()}
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", str(values["application_id"])
    )
    claim_id: UUID = await conn.fetchval(
        "INSERT INTO claims (application_id, placement_id, placement_title, days, intern_email,"
        " intern_name, host_name, host_kind, host_location, host_contact_name,"
        " host_contact_email, reference) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
        " $12 || '-E' || (SELECT count(*) + 1 FROM claims WHERE application_id = $1))"
        " RETURNING id",
        *(
            values[k]
            for k in (
                "application_id",
                "placement_id",
                "placement_title",
                "days",
                "intern_email",
                "intern_name",
                "host_name",
                "host_kind",
                "host_location",
                "host_contact_name",
                "host_contact_email",
                "application_reference",
            )
        ),
    )
    return claim_id


async def claim_row(
    conn: asyncpg.Connection, claim_id: UUID, *, lock: bool = False
) -> asyncpg.Record | None:
    sql = (
        "SELECT * FROM claims WHERE id = $1 FOR UPDATE"
        if lock
        else "SELECT * FROM claims WHERE id = $1"
    )
    row: asyncpg.Record | None = await conn.fetchrow(sql, claim_id)
    return row


async def insert_line(
    conn: asyncpg.Connection,
    claim_id: UUID,
    line: dict[str, Any],
    verdict: Verdict,
    receipt: tuple[str, str, bytes],
) -> UUID:
    line_id: UUID = await conn.fetchval(
        "INSERT INTO claim_lines (claim_id, category, spent_on, amount_pence, description,"
        " travel_from, travel_to, travel_mode, allowed, rule, owed_pence, reason, outside_days)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        claim_id,
        line["category"],
        line["spent_on"],
        line["amount_pence"],
        line["description"],
        line["travel_from"],
        line["travel_to"],
        line["travel_mode"],
        verdict.allowed,
        verdict.rule,
        verdict.owed_pence,
        verdict.reason,
        verdict.outside_days,
    )
    await conn.execute(
        "INSERT INTO receipts (line_id, filename, media_type, content) VALUES ($1, $2, $3, $4)",
        line_id,
        *receipt,
    )
    return line_id


async def delete_line(conn: asyncpg.Connection, claim_id: UUID, line_id: UUID) -> bool:
    done: str = await conn.execute(
        "DELETE FROM claim_lines WHERE id = $1 AND claim_id = $2", line_id, claim_id
    )
    return done.endswith(" 1")


async def receipt(conn: asyncpg.Connection, claim_id: UUID, line_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT r.* FROM receipts r JOIN claim_lines l ON l.id = r.line_id"
        " WHERE l.claim_id = $1 AND r.line_id = $2",
        claim_id,
        line_id,
    )
    return row


async def add_event(
    conn: asyncpg.Connection, claim_id: UUID, actor: str, status: str, note: str = ""
) -> None:
    await conn.execute(
        "INSERT INTO claim_events (claim_id, actor, status, note) VALUES ($1, $2, $3, $4)",
        claim_id,
        actor,
        status,
        note,
    )


async def mark_submitted(conn: asyncpg.Connection, claim_id: UUID) -> None:
    await conn.execute(
        "UPDATE claims SET status = 'submitted', submitted_at = now() WHERE id = $1", claim_id
    )


async def apply_change(conn: asyncpg.Connection, change: ClaimChange) -> None:
    """The workflow's decision, written to the read model; repeating it changes nothing."""
    claim_id = UUID(change.claim_id)
    async with conn.transaction():
        for d in change.decisions:
            await conn.execute(
                "UPDATE claim_lines SET host_approved = $3, host_reason = $4"
                " WHERE id = $1 AND claim_id = $2",
                UUID(d.line_id),
                claim_id,
                d.approve,
                d.reason,
            )
        before = await conn.fetchval("SELECT status FROM claims WHERE id = $1", claim_id)
        await conn.execute(
            "UPDATE claims SET status = $2,"
            " approved_pence = (SELECT coalesce(sum(owed_pence), 0) FROM claim_lines"
            "                   WHERE claim_id = $1 AND host_approved),"
            " paid_at = CASE WHEN $2 = 'paid' THEN coalesce(paid_at, now()) ELSE paid_at END"
            " WHERE id = $1",
            claim_id,
            change.status.value,
        )
        if before != change.status.value:
            await add_event(conn, claim_id, change.actor, change.status.value, change.note)


async def read(conn: asyncpg.Connection, claim_id: UUID) -> Claim | None:
    row = await claim_row(conn, claim_id)
    if row is None:
        return None
    lines = await conn.fetch(
        "SELECT * FROM claim_lines WHERE claim_id = $1 ORDER BY spent_on, created_at", claim_id
    )
    events = await conn.fetch(
        "SELECT at, actor, status, note FROM claim_events WHERE claim_id = $1 ORDER BY at, id",
        claim_id,
    )
    return Claim(
        **dict(row),
        workflow_id=ids.expense_claim(claim_id),
        claimed_pence=sum(r["amount_pence"] for r in lines),
        owed_pence=sum(r["owed_pence"] for r in lines if r["allowed"]),
        lines=[
            ClaimLine(**dict(r), receipt_url=f"/v1/claims/{claim_id}/lines/{r['id']}/receipt")
            for r in lines
        ],
        history=[ClaimEvent(**dict(e)) for e in events],
    )


async def claim_ids(
    conn: asyncpg.Connection, *, intern: str | None, host: str | None, state: str | None = None
) -> list[UUID]:
    """A host's list leaves drafts out: they are the intern's until submitted."""
    rows = await conn.fetch(
        "SELECT id FROM claims WHERE ($1::text IS NULL OR lower(intern_email) = lower($1))"
        " AND ($2::text IS NULL OR (lower(host_contact_email) = lower($2) AND status <> 'draft'))"
        " AND ($3::text IS NULL OR status = $3) ORDER BY created_at",
        intern,
        host,
        state,
    )
    return [r["id"] for r in rows]


async def totals_by_host(conn: asyncpg.Connection) -> list[HostTotals]:
    rows = await conn.fetch(
        "SELECT c.host_name, count(DISTINCT c.id) AS claims,"
        " coalesce(sum(l.amount_pence), 0) AS claimed_pence,"
        " coalesce(sum(l.owed_pence) FILTER (WHERE l.host_approved), 0) AS approved_pence,"
        " coalesce(sum(l.owed_pence) FILTER (WHERE l.host_approved AND c.status = 'paid'), 0)"
        "   AS paid_pence"
        " FROM claims c LEFT JOIN claim_lines l ON l.claim_id = c.id"
        " WHERE c.status <> 'draft' GROUP BY c.host_name ORDER BY c.host_name"
    )
    return [HostTotals(**dict(r)) for r in rows]


async def counts_by_status(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """For /metrics: (status, n) over every claim."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT status, count(*) AS n FROM claims GROUP BY status"
    )
    return rows


async def count_awaiting_host_since(conn: asyncpg.Connection, waited_s: float) -> int:
    """Claims waiting for the host's decision for longer than `waited_s`, counted from
    the last time each was put before the host (submitted, or a question answered)."""
    found: int = await conn.fetchval(
        "SELECT count(*) FROM claims c"
        " WHERE c.status = 'submitted' AND ("
        "   SELECT max(e.at) FROM claim_events e"
        "   WHERE e.claim_id = c.id AND e.status = 'submitted'"
        " ) < now() - make_interval(secs => $1)",
        waited_s,
    )
    return found
