"""The applications service's activities, served on the `mip-applications` task queue."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any
from uuid import UUID

from temporalio import activity

from mip.core import outbox
from mip.core.runtime import ServiceRuntime
from services.applications.submissions import repository as repo
from workflows.application import RECORD_STATUS, StatusChange


class ApplicationActivities:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime

    @activity.defn(name=RECORD_STATUS)
    async def record_status(self, change: StatusChange) -> bool:
        """The workflow's decision, written to the service's own table (the read model)."""
        async with self._runtime.pool.acquire() as conn:
            return await repo.set_status(
                conn,
                UUID(change.application_id),
                change.status.value,
                actor=change.actor,
                reason=change.reason,
            )


def activities(runtime: ServiceRuntime) -> Sequence[Callable[..., Any]]:
    return [ApplicationActivities(runtime).record_status]


def background(runtime: ServiceRuntime) -> Sequence[Coroutine[Any, Any, None]]:
    return [outbox.relay(runtime.pool, runtime.temporal)]
