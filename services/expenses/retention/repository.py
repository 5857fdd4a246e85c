"""All SQL of the retention schedule in the expenses schema.

Removing what is already gone removes nothing, so a retried or replayed activity is safe."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from services.expenses.contract import ClaimsErased


async def erase_claims(
    conn: asyncpg.Connection, placement_ids: list[UUID], paid_before: datetime
) -> ClaimsErased:
    """Claims of these placements, unpaid or paid before `paid_before`, with their lines,
    receipts and history (the foreign keys cascade); and when the rest were paid."""
    async with conn.transaction():
        status: str = await conn.execute(
            "DELETE FROM claims WHERE placement_id = ANY($1::uuid[])"
            " AND (paid_at IS NULL OR paid_at < $2)",
            placement_ids,
            paid_before,
        )
        latest: datetime | None = await conn.fetchval(
            "SELECT max(paid_at) FROM claims WHERE placement_id = ANY($1::uuid[])",
            placement_ids,
        )
    return ClaimsErased(erased=int(status.split()[-1]), latest_paid_left=latest)
