"""The outbox's part of the retention schedule (docs/privacy.md, MIP_RETAIN_OUTBOX_DAYS):
rows of workflows started before the cutoff go, with the input they held; a row whose
workflow has not started stays however old, for it is a start still owed. On a real
PostgreSQL, in a schema the core's migrations made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mip.core import outbox
from mip.core.app import migrate
from mip.core.db import create_pool
from mip.core.settings import Settings
from services.expenses.app import SPEC


async def test_housekeeping_never_removes_an_outbox_row_whose_workflow_has_not_started(
    settings: Settings,
) -> None:
    await migrate(SPEC, settings)
    cutoff = datetime.now(UTC) - timedelta(days=30)
    rows = {
        "started-long-ago": (cutoff - timedelta(days=5), cutoff - timedelta(hours=1)),
        "started-lately": (cutoff - timedelta(days=5), cutoff + timedelta(minutes=1)),
        "never-started": (cutoff - timedelta(days=90), None),
    }
    pool = await create_pool(settings.database_url.get_secret_value(), schema=SPEC.schema)
    try:
        for workflow_id, (created_at, started_at) in rows.items():
            await pool.execute(
                "INSERT INTO workflow_outbox"
                " (workflow_id, workflow_type, task_queue, input, created_at, started_at)"
                " VALUES ($1, 'ExpenseClaimWorkflow', 'mip-workflows', '{}', $2, $3)",
                workflow_id,
                created_at,
                started_at,
            )
        async with pool.acquire() as conn:
            first = await outbox.prune_started(conn, cutoff)
            second = await outbox.prune_started(conn, cutoff)
        found = await pool.fetch("SELECT workflow_id FROM workflow_outbox")
        left = {r["workflow_id"] for r in found}
    finally:
        await pool.close()
    assert (first, second) == (1, 0)
    assert left == {"started-lately", "never-started"}
