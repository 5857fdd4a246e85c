"""What a running service holds: its settings, its pool, its link to Temporal."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from fastapi import APIRouter
from pydantic import BaseModel
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.types import ParamType, ReturnType

from mip.core import db, outbox
from mip.core.auth import Role, mint_token
from mip.core.errors import ServiceUnavailable
from mip.core.housekeeping import PRUNE_OUTBOX, Cutoff
from mip.core.metrics import Figures, no_figures
from mip.core.migrations import applied_versions
from mip.core.settings import Settings
from mip.core.stack_report import DESCRIBE_ACTIVITY, ServiceReport
from mip.core.temporal import TemporalLink
from mip.core.updates import Update, WhyClosed, closed_for_good, run_update

log = logging.getLogger("mip.runtime")

C = TypeVar("C")


@dataclass(frozen=True)
class ServiceSpec:
    """Everything that makes one service different from another."""

    name: str
    title: str
    description: str
    task_queue: str
    # Where the workflows this service starts run; named by the layer above the core.
    workflow_queue: str
    migrations: Path
    routers: Sequence[APIRouter] = ()
    # Built once the pool exists, so activities can close over the runtime.
    activities: Callable[[ServiceRuntime], Sequence[Callable[..., Any]]] = lambda _: ()
    port: int = 8000
    # Whether the service writes workflow starts to `workflow_outbox`, the core's table
    # (then made in the service's schema by the core's own migrations).
    uses_outbox: bool = False
    # Long-running tasks of the service, cancelled at shutdown.
    background: Callable[[ServiceRuntime], Sequence[Coroutine[Any, Any, None]]] = lambda _: ()
    # Builds the service's own settings (beside the shared `Settings`), once, at start.
    config: Callable[[], object] = lambda: None
    # The figures the office watches, read from the service's own tables at each scrape
    # of /metrics (mip.core.metrics).
    figures: Figures = no_figures

    @property
    def schema(self) -> str:
        return self.name


@dataclass
class ServiceRuntime:
    spec: ServiceSpec
    settings: Settings
    pool: asyncpg.Pool
    # The service's own settings, as `spec.config` built them; each service reads them
    # through a typed accessor beside its settings class.
    config: object = None
    temporal: TemporalLink = field(init=False)
    starter: outbox.Starter | None = None
    # The server clock every rule reads; tests set it to stand exactly at a deadline.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def config_as(self, kind: type[C]) -> C:
        """The service's own settings, typed as the `kind` its spec built."""
        if not isinstance(self.config, kind):
            raise TypeError(f"{self.spec.name} holds no {kind.__name__}")
        return self.config

    def service_token(self) -> str:
        """The bearer token this service presents to the others."""
        if self.settings.service_token is not None:
            return self.settings.service_token.get_secret_value()
        return mint_token(self.settings, role=Role.service, subject=f"service:{self.spec.name}")

    async def enqueue_workflow(
        self,
        conn: asyncpg.Connection,
        workflow: type,
        workflow_id: str,
        arg: BaseModel,
        *,
        queue: str | None = None,
        search_attributes: dict[str, str] | None = None,
    ) -> str:
        """Inside the caller's transaction: `workflow` starts with `arg` on `queue` (this
        service's workflow queue by default), and with `search_attributes`, once the
        transaction commits (`start_soon` it then); its id back."""
        await outbox.enqueue(
            conn,
            workflow_type=workflow.__name__,
            workflow_id=workflow_id,
            task_queue=self.settings.queue(queue or self.spec.workflow_queue),
            arg=arg.model_dump(mode="json"),
            search_attributes=search_attributes,
        )
        return workflow_id

    def start_soon(self, workflow_id: str) -> None:
        """After a commit: start this outbox workflow in the background."""
        if self.starter is not None:
            self.starter.submit(workflow_id)

    def workflow_client(self) -> Client:
        """The Temporal client, or a 503 the caller can act on while Temporal is down."""
        if self.temporal.client is None:
            # The library's words (and the engine's address) go to the log, not to clients.
            log.warning("workflow engine unreachable: %s", self.temporal.last_error)
            raise ServiceUnavailable(
                "The workflow engine is unreachable just now; nothing was changed. "
                "Try again shortly.",
                unavailable="workflows",
            )
        return self.temporal.client

    async def update_workflow(
        self,
        workflow_id: str,
        update: Update[ParamType, ReturnType],
        arg: ParamType,
        *,
        why_closed: WhyClosed | None = None,
    ) -> ReturnType:
        """Run a workflow's update; one this service's outbox has yet to start starts first."""
        client = self.workflow_client()

        async def ensure_started() -> bool:
            return await outbox.ensure_started(self.pool, client, workflow_id)

        return await run_update(
            client.get_workflow_handle(workflow_id),
            update,
            arg,
            why_closed=why_closed or closed_for_good,
            ensure_started=ensure_started if self.spec.uses_outbox else None,
        )

    async def start_workflow_once(self, run: Any, arg: Any, *, workflow_id: str) -> None:
        """Start a workflow whose id is its idempotency key: a second start is a no-op."""
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self.workflow_client().start_workflow(
                run,
                arg,
                id=workflow_id,
                task_queue=self.settings.queue(self.spec.workflow_queue),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )

    def prune_outbox_activity(self) -> Callable[..., Any]:
        """The outbox's part of the retention schedule, served for a service that has one:
        the housekeeping sweep asks each such service by this one name."""

        @activity.defn(name=PRUNE_OUTBOX)
        async def prune_outbox(cutoff: Cutoff) -> int:
            async with self.pool.acquire() as conn:
                return await outbox.prune_started(conn, cutoff.before)

        return prune_outbox

    def describe_activity(self) -> Callable[..., Any]:
        @activity.defn(name=DESCRIBE_ACTIVITY)
        async def describe() -> ServiceReport:
            try:
                await db.ping(self.pool)
                versions = [
                    int(str(m["version"]))
                    for m in await applied_versions(self.pool, self.spec.schema)
                ]
                ok = True
            except Exception:  # reported as database_ok=False, not raised
                versions, ok = [], False
            return ServiceReport(
                service=self.spec.name,
                schema_name=self.spec.schema,
                migrations=versions,
                database_ok=ok,
            )

        return describe
