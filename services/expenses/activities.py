"""The expenses service's activities, served on the `mip-expenses` task queue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from temporalio import activity

from mip.core.runtime import ServiceRuntime
from services.expenses.claims import repository as repo
from services.expenses.contract import RECORD_CLAIM, ClaimChange


class ExpenseActivities:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self._pool = runtime.pool

    @activity.defn(name=RECORD_CLAIM)
    async def record_claim(self, change: ClaimChange) -> None:
        async with self._pool.acquire() as conn:
            await repo.apply_change(conn, change)


def activities(runtime: ServiceRuntime) -> Sequence[Callable[..., Any]]:
    return [ExpenseActivities(runtime).record_claim]
