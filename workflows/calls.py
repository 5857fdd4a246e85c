"""A workflow's call of one of a service's activities, on that service's own queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import Priority, RetryPolicy

from workflows.queues import sibling

# Long enough for a read-model write or a batch of erasures; a retry follows a stuck one.
ACTIVITY_TIMEOUT = timedelta(seconds=30)


async def call(
    queue: str,
    activity: str,
    arg: object,
    *,
    result_type: Any = None,
    start_to_close: timedelta = ACTIVITY_TIMEOUT,
    retry_policy: RetryPolicy | None = None,
    priority: Priority = Priority.default,
) -> Any:
    """Run `activity` (named in its service's contract) with `arg`; its result is read as
    `result_type`, or left unread (None) where the workflow wants none; `priority` puts it
    ahead of its queue's other tasks (queues.py)."""
    return await workflow.execute_activity(
        activity,
        arg,
        task_queue=sibling(queue),
        start_to_close_timeout=start_to_close,
        retry_policy=retry_policy,
        result_type=result_type,
        priority=priority,
    )
