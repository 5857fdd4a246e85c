"""All SQL of hosts' marks on forwarded applications."""

from __future__ import annotations

from uuid import UUID

import asyncpg


async def set_mark(
    conn: asyncpg.Connection, application_id: UUID, placement_id: UUID, mark: str, by: str
) -> None:
    await conn.execute(
        "INSERT INTO marks (application_id, placement_id, mark, marked_by) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (application_id) DO UPDATE SET mark = $3, marked_by = $4, marked_at = now()",
        application_id,
        placement_id,
        mark,
        by,
    )


async def marks_of(conn: asyncpg.Connection, placement_id: UUID) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT application_id, mark FROM marks WHERE placement_id = $1", placement_id
    )
    return {str(r["application_id"]): r["mark"] for r in rows}
