"""All SQL that erases one intern from the expenses service (issue 23 item 4).

A paid claim is a financial record the university must keep for the finance period, so it
is kept in its minimum form: amounts, dates and statuses, the intern named by a
pseudonym, every word they or their host wrote and every receipt removed. Any other claim
is deleted with its lines, receipts and history (ON DELETE CASCADE)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from mip.core import ids

# Their claims, as subject access finds them; `c` is the claim.
_THEIRS = "lower(c.intern_email) = $1"
_PAID = "c.status = 'paid'"

# Every statement is built from the constant fragments above, never from input (S608).
# In order: a step's rows are found through claims the later steps change.
_STEPS = {
    "receipts": "DELETE FROM receipts r USING claim_lines l, claims c"  # noqa: S608
    f" WHERE r.line_id = l.id AND l.claim_id = c.id AND {_THEIRS}",
    "claim_lines": "UPDATE claim_lines l SET description = 'erased', travel_from = NULL,"  # noqa: S608
    " travel_to = NULL, travel_mode = NULL, host_reason = '' FROM claims c"
    f" WHERE l.claim_id = c.id AND {_THEIRS} AND {_PAID}",
    "claim_events": "UPDATE claim_events e SET actor = CASE WHEN lower(e.actor) = $1"  # noqa: S608
    " THEN $2 ELSE e.actor END, note = '' FROM claims c"
    f" WHERE e.claim_id = c.id AND {_THEIRS} AND {_PAID}",
    "claims": f"DELETE FROM claims c WHERE {_THEIRS} AND NOT {_PAID}",  # noqa: S608
    "paid_claims": "UPDATE claims c SET intern_email = $2, intern_name = $2"  # noqa: S608
    f" WHERE {_THEIRS} AND {_PAID}",
}


async def unpaid_claims_of(conn: asyncpg.Connection, email: str) -> list[UUID]:
    found = await conn.fetch(
        f"SELECT c.id FROM claims c WHERE {_THEIRS} AND NOT {_PAID}",  # noqa: S608
        email,
    )
    return [r["id"] for r in found]


async def erase(
    conn: asyncpg.Connection, email: str, pseudonym: str, unpaid: list[UUID]
) -> dict[str, int]:
    """Once the paid claims carry the pseudonym, nothing here matches the address: a second
    run removes nothing. `unpaid` claims' workflow starts still waiting go too."""
    removed = {}
    async with conn.transaction():
        for table, sql in _STEPS.items():
            args = (email, pseudonym) if "$2" in sql else (email,)
            status = await conn.execute(sql, *args)
            removed[table] = int(status.rsplit(" ", 1)[-1])
        status = await conn.execute(
            "DELETE FROM workflow_outbox WHERE workflow_id = ANY($1::text[])",
            [ids.expense_claim(str(c)) for c in unpaid],
        )
        removed["workflow_outbox"] = int(status.rsplit(" ", 1)[-1])
    return removed


async def paid_claims_of(conn: asyncpg.Connection, pseudonym: str) -> int:
    count: int = await conn.fetchval(
        f"SELECT count(*) FROM claims c WHERE c.intern_email = $1 AND {_PAID}",  # noqa: S608
        pseudonym,
    )
    return count
