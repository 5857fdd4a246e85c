"""StackCheckWorkflow: asks every service, through its own task queue, to describe itself.

It proves the broker wiring end to end (a workflow worker, four activity workers, one
Temporal server) and tells an operator which service is not serving its queue.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from mip.core.stack_report import DESCRIBE_ACTIVITY, ServiceReport
from workflows.queues import SERVICE_QUEUES, sibling


class StackCheckInput(BaseModel):
    services: list[str] = Field(default_factory=lambda: list(SERVICE_QUEUES))
    answer_within_s: float = Field(default=10.0, gt=0)


class ServiceAnswer(BaseModel):
    service: str
    report: ServiceReport | None = None
    error: str | None = None


class StackCheckResult(BaseModel):
    answers: list[ServiceAnswer]

    @property
    def ok(self) -> bool:
        return all(a.report is not None and a.report.database_ok for a in self.answers)


@workflow.defn
class StackCheckWorkflow:
    @workflow.run
    async def run(self, request: StackCheckInput) -> StackCheckResult:
        answers = await asyncio.gather(
            *(self._ask(name, request.answer_within_s) for name in request.services)
        )
        return StackCheckResult(answers=list(answers))

    async def _ask(self, service: str, within_s: float) -> ServiceAnswer:
        queue = SERVICE_QUEUES.get(service)
        if queue is None:
            return ServiceAnswer(service=service, error=f"no such service {service!r}")
        try:
            report = await workflow.execute_activity(
                DESCRIBE_ACTIVITY,
                task_queue=sibling(queue),
                result_type=ServiceReport,
                schedule_to_close_timeout=timedelta(seconds=within_s),
                retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=1)),
            )
        except ActivityError as exc:
            cause = exc.cause or exc
            return ServiceAnswer(service=service, error=f"no answer on {queue}: {cause}")
        return ServiceAnswer(service=service, report=report)
