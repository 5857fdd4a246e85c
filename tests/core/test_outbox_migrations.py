"""The outbox is the core's table (issue 22 item 4): made by mip/core/migrations/ in each
schema whose service uses it, and over the copy each service kept before."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from mip.core import outbox
from mip.core.app import migrate
from mip.core.db import create_pool
from mip.core.migrations import apply_migrations, discover
from mip.core.settings import Settings
from tests.support.migrations import migrations_below

# Schemas made before had the outbox from the service's own copy, which said this.
_OLD_OUTBOX = """
CREATE TABLE workflow_outbox (
    workflow_id   text PRIMARY KEY,
    workflow_type text NOT NULL,
    task_queue    text NOT NULL,
    input         jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX workflow_outbox_pending ON workflow_outbox (created_at) WHERE started_at IS NULL;
"""
_OLD_TRACE_CONTEXT = "ALTER TABLE workflow_outbox ADD COLUMN trace_context jsonb;"
_OUTBOX_COLUMNS = [
    ("workflow_id", "text"),
    ("workflow_type", "text"),
    ("task_queue", "text"),
    ("input", "jsonb"),
    ("created_at", "timestamp with time zone"),
    ("started_at", "timestamp with time zone"),
    ("attempts", "integer"),
    ("last_error", "text"),
    ("trace_context", "jsonb"),
    ("search_attributes", "jsonb"),
]


async def _outbox_shape(pool: asyncpg.Pool, schema: str) -> tuple[list[tuple[str, str]], int]:
    columns = await pool.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = $1 AND table_name = 'workflow_outbox' ORDER BY ordinal_position",
        schema,
    )
    indexes = await pool.fetchval(
        "SELECT count(*) FROM pg_indexes WHERE schemaname = $1"
        " AND indexname = 'workflow_outbox_pending'",
        schema,
    )
    return [(r["column_name"], r["data_type"]) for r in columns], indexes


async def _versions(pool: asyncpg.Pool, table: str) -> list[int]:
    return [r["version"] for r in await pool.fetch(f"SELECT version FROM {table} ORDER BY 1")]  # noqa: S608


async def test_a_fresh_schema_gets_the_outbox_from_the_core(settings: Settings) -> None:
    from services.applications.app import SPEC as applications
    from services.expenses.app import SPEC as expenses
    from services.offers.app import SPEC as offers

    for spec in (applications, expenses, offers):
        await migrate(spec, settings)
    pool = await create_pool(settings.database_url.get_secret_value(), schema="public")
    try:
        for spec in (applications, expenses):
            assert await _outbox_shape(pool, spec.schema) == (_OUTBOX_COLUMNS, 1)
            assert await _versions(pool, f"{spec.schema}.core_migrations") == [1, 2, 3]
            service = [m.version for m in discover(spec.migrations)]
            assert await _versions(pool, f"{spec.schema}.schema_migrations") == service
        # A service that starts no workflows of its own gets no outbox.
        assert await _outbox_shape(pool, offers.schema) == ([], 0)
        assert not await pool.fetchval("SELECT to_regclass('offers.core_migrations') IS NOT NULL")
    finally:
        await pool.close()


@pytest.mark.parametrize("old_version", [7, 8], ids=["table-only", "table-and-trace"])
async def test_a_schema_with_the_services_own_outbox_upgrades_cleanly(
    settings: Settings, tmp_path: Path, old_version: int
) -> None:
    """Applications as it was at `old_version`, its outbox from its own copies (0004, and
    0008 where reached), a row in it: the core's migrations and the rest apply over it."""
    from services.applications.app import SPEC

    old = migrations_below(SPEC.migrations, old_version + 1, tmp_path / "m")
    (old / "0004_workflow_outbox.sql").write_text(_OLD_OUTBOX)
    if old_version >= 8:
        (old / "0008_outbox_trace_context.sql").write_text(_OLD_TRACE_CONTEXT)
    pool = await create_pool(settings.database_url.get_secret_value(), schema=SPEC.schema)
    try:
        assert await apply_migrations(pool, SPEC.schema, old) == list(range(1, old_version + 1))
        await pool.execute(
            "INSERT INTO workflow_outbox (workflow_id, workflow_type, task_queue, input)"
            " VALUES ('application-1', 'ApplicationWorkflow', 'mip-workflows', '{}')"
        )

        later = [m.version for m in discover(SPEC.migrations) if m.version > old_version]
        assert await migrate(SPEC, settings) == later
        assert await _outbox_shape(pool, SPEC.schema) == (_OUTBOX_COLUMNS, 1)
        assert await _versions(pool, "core_migrations") == [1, 2, 3]
        assert await pool.fetchval("SELECT workflow_id FROM workflow_outbox") == "application-1"
        async with pool.acquire() as conn:
            await outbox.enqueue(
                conn,
                workflow_type="ApplicationWorkflow",
                workflow_id="application-2",
                task_queue="mip-workflows",
                arg={},
            )
        assert await migrate(SPEC, settings) == []
    finally:
        await pool.close()
