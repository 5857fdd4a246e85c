"""The workflow worker: runs every MIP workflow on the `mip-workflows` task queue.

Activities are not here: each service serves its own on its own task queue.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from mip.core import ids, telemetry
from mip.core.logging import configure_logging
from mip.core.settings import Settings
from mip.core.temporal import connect
from workflows import search
from workflows.application import ApplicationWorkflow
from workflows.erasure import ErasureWorkflow
from workflows.expense_claim import ExpenseClaimWorkflow
from workflows.housekeeping import HousekeepingInput, HousekeepingPeriods, HousekeepingWorkflow
from workflows.notifications import AlertAnnouncementWorkflow, DeliverEmailWorkflow
from workflows.placement import PlacementWorkflow
from workflows.queues import WORKFLOW_QUEUES, WORKFLOWS
from workflows.retention import RetentionWorkflow
from workflows.round import RoundWorkflow
from workflows.stack_check import StackCheckWorkflow

ALL_WORKFLOWS: list[type] = [
    StackCheckWorkflow,
    DeliverEmailWorkflow,
    AlertAnnouncementWorkflow,
    ApplicationWorkflow,
    PlacementWorkflow,
    RoundWorkflow,
    ExpenseClaimWorkflow,
    RetentionWorkflow,
    ErasureWorkflow,
    HousekeepingWorkflow,
]
log = logging.getLogger("mip.worker")
DAY_S = 24 * 3600


class WorkerConfig(BaseSettings):
    """Settings only the worker reads (MIP_WORKER_*)."""

    model_config = SettingsConfigDict(env_prefix="MIP_WORKER_", extra="ignore", frozen=True)

    # Where Prometheus scrapes the worker: the Temporal SDK's metrics (workflow task
    # failures, schedule-to-start latency, sticky cache...) and MIP's own, at /metrics.
    # Empty: no metrics endpoint.
    metrics_address: str = "127.0.0.1:9464"
    # Workflows kept in memory between their tasks, and how long a task waits for this
    # worker before any worker may take it (issue 24). At the SDK's 1,000 and 10 s, a
    # round's 3,000 open applications were evicted in turn and a busy worker's tasks timed
    # out of its queue: each then replayed its whole history. At 30 s, 0.3 of a task per
    # application still did at a full-size round's peak; 120 s ended that but doubled how
    # long an accept waited (13 s at the median, not 6 s), since a task that times out
    # leaves the worker's long sticky queue for the shorter shared one (issue 24).
    cached_workflows: int = Field(default=4000, ge=1)
    sticky_timeout_s: float = Field(default=30.0, gt=0)


def worker_runtime(metrics_address: str) -> Runtime | None:
    """A Temporal runtime exporting to Prometheus at `metrics_address`; None for none."""
    if not metrics_address:
        return None
    return Runtime(
        telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=metrics_address))
    )


async def ensure_search_attributes(client: Client, namespace: str) -> None:
    """Register the keys operators search by, on servers that do not have them yet."""
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        k.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        for k in search.ALL_KEYS
        if k.name not in listed.custom_attributes
    }
    if not missing:
        return
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    except RPCError as exc:
        # Two replicas starting together both find them missing; one registers them.
        if exc.status is not RPCStatusCode.ALREADY_EXISTS:
            raise
        return
    log.info("registered search attributes %s", ", ".join(missing))


def housekeeping_start(settings: Settings) -> HousekeepingInput:
    """The housekeeping sweep's periods and interval, as the settings give them now."""
    return HousekeepingInput(
        periods=HousekeepingPeriods(
            message_body_s=settings.retain_message_body_days * DAY_S,
            support_s=settings.retain_support_days * DAY_S,
            alerts_pending_s=settings.retain_alerts_pending_days * DAY_S,
            outbox_s=settings.retain_outbox_days * DAY_S,
        ),
        every_s=settings.housekeeping_every_s,
    )


async def ensure_housekeeping(client: Client, settings: Settings) -> None:
    """The deployment's HousekeepingWorkflow, started unless it runs (a second worker, or
    this one restarted, finds it running and starts nothing), then told the periods these
    settings give, for its next sweep: a changed MIP_RETAIN_* reaches it on a restart."""
    start = housekeeping_start(settings)
    workflow_id = ids.housekeeping(settings.task_queue_prefix)
    await client.start_workflow(
        HousekeepingWorkflow.run,
        start,
        id=workflow_id,
        task_queue=settings.queue(WORKFLOWS),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    # By id alone: the latest run, whichever started it.
    await client.get_workflow_handle(workflow_id).signal(HousekeepingWorkflow.use, start)
    log.info("the housekeeping sweep %s runs, every %.0fs", workflow_id, start.every_s)


@asynccontextmanager
async def serving(
    client: Client, settings: Settings, config: WorkerConfig | None = None
) -> AsyncIterator[None]:
    """Every workflow, on each of the workflow queues: one worker for each, in this process."""
    config = config or WorkerConfig()
    async with AsyncExitStack() as workers:
        for queue in WORKFLOW_QUEUES:
            await workers.enter_async_context(build_worker(client, settings, config, queue))
        yield


def build_worker(
    client: Client, settings: Settings, config: WorkerConfig | None = None, queue: str = WORKFLOWS
) -> Worker:
    # Our workflow modules are pure (pydantic models and workflow code, no I/O): passing
    # them through the sandbox spares re-importing them for every workflow run, which on
    # two cores was most of the worker's CPU and memory under the deadline rush.
    config = config or WorkerConfig()
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows")
    )
    return Worker(
        client,
        task_queue=settings.queue(queue),
        workflows=ALL_WORKFLOWS,
        workflow_runner=runner,
        max_cached_workflows=config.cached_workflows,
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=config.sticky_timeout_s),
        # On shutdown: stop polling, let the tasks in hand finish for this long.
        graceful_shutdown_timeout=timedelta(seconds=settings.shutdown_grace_s),
    )


async def connect_retrying(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    delay = 0.5
    while True:
        try:
            return await connect(settings, runtime=runtime)
        except Exception as exc:  # retried the same whatever the cause
            log.warning(
                "cannot reach Temporal at %s (%s); retrying", settings.temporal_address, exc
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def queue_names(settings: Settings) -> str:
    """The workflow queues this process polls, for its log."""
    return " and ".join(settings.queue(q) for q in WORKFLOW_QUEUES)


async def run_worker(
    settings: Settings, stop: asyncio.Event, *, runtime: Runtime | None = None
) -> None:
    client = await connect_retrying(settings, runtime=runtime)
    await ensure_search_attributes(client, settings.temporal_namespace)
    await ensure_housekeeping(client, settings)
    async with serving(client, settings):
        log.info("serving %d workflows on %s", len(ALL_WORKFLOWS), queue_names(settings))
        await stop.wait()


def main() -> None:
    settings = Settings()
    configure_logging("worker", level=settings.log_level, as_json=settings.log_json)
    telemetry.start_tracing("worker")
    config = WorkerConfig()
    runtime = worker_runtime(config.metrics_address)
    if runtime is not None:
        log.info("metrics at http://%s/metrics", config.metrics_address)

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop, runtime=runtime)

    asyncio.run(_main())


if __name__ == "__main__":
    main()
