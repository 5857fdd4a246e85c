"""Every round has its retention schedule (docs/privacy.md), rounds made before the
schedule existed too: the applications service gives each such round its
RetentionWorkflow when it starts, once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from mip.core import ids
from mip.core.codec import data_converter
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from tests.support.applying import make_round, open_round
from tests.support.auth import running
from tests.support.servers import free_port
from tests.support.waiting import eventually


async def _a_round_from_before_the_schedule(settings: Settings) -> dict[str, Any]:
    """A round made while Temporal was away, then stripped of its schedule as a round
    made before the schedule existed had none."""
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = applications_app(down)
    async with running(app) as http:
        the_round, _ = await make_round(http, down, open_round())
        pool = app.state.runtime.pool
        await pool.execute(
            "DELETE FROM workflow_outbox WHERE workflow_id = $1", ids.retention(the_round["id"])
        )
        await pool.execute(
            "UPDATE rounds SET retention_enqueued_at = NULL WHERE id = $1",
            UUID(the_round["id"]),
        )
    return the_round


async def test_a_round_made_before_the_retention_schedule_gets_its_own_at_start_up(
    settings: Settings,
) -> None:
    the_round = await _a_round_from_before_the_schedule(settings)
    client = await Client.connect(
        settings.temporal_address, data_converter=data_converter(settings)
    )
    retention = client.get_workflow_handle(ids.retention(the_round["id"]))
    for _ in range(2):  # and started once: a second start-up enqueues nothing more
        app = applications_app(settings)
        async with running(app):

            async def started() -> bool:
                try:
                    described = await retention.describe()
                except RPCError as err:
                    if err.status is RPCStatusCode.NOT_FOUND:
                        return False
                    raise
                return described.status is WorkflowExecutionStatus.RUNNING

            await eventually(started)
            enqueued = await app.state.runtime.pool.fetchval(
                "SELECT count(*) FROM workflow_outbox WHERE workflow_id = $1",
                ids.retention(the_round["id"]),
            )
            assert enqueued == 1
