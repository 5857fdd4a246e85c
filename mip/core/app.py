"""Build a service's FastAPI app: lifespan, problem handlers, health and status routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypedDict, Unpack

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from mip.core import db, metrics, outbox, telemetry
from mip.core.auth import TokenVerifier
from mip.core.deps import AnyUser, OfficeOrService, Runtime
from mip.core.health import check_parts
from mip.core.logging import bind_path_ids, configure_logging
from mip.core.metrics import Figures
from mip.core.migrations import (
    CORE_MIGRATIONS,
    CORE_RECORD,
    applied_versions,
    apply_migrations,
)
from mip.core.openapi import document_problems
from mip.core.problems import RETRY_AFTER_S, install_problem_handlers, problem_response
from mip.core.runtime import ServiceRuntime, ServiceSpec
from mip.core.schemas import Health, Me, Status
from mip.core.settings import Settings
from mip.core.temporal import TemporalLink
from mip.core.text import RefuseUnstorableText
from mip.core.uploads import upload_routes

log = logging.getLogger("mip.app")


system = APIRouter(tags=["system"])


@system.get(
    "/healthz",
    response_model=Health,
    responses={503: {"description": "A part the service needs is down; `checks` names it"}},
)
async def healthz(request: Request, runtime: Runtime) -> Health | JSONResponse:
    checks = await check_parts(runtime)
    failing = [name for name, state in checks.items() if state != "ok"]
    if failing:
        return problem_response(
            request,
            status=503,
            slug="unhealthy",
            title="The service is not healthy",
            detail=f"{runtime.spec.name}: {', '.join(failing)} not ready ("
            + "; ".join(f"{n}: {checks[n]}" for n in failing)
            + ")",
            headers={"Retry-After": str(RETRY_AFTER_S)},
            service=runtime.spec.name,
            checks=checks,
        )
    return Health(service=runtime.spec.name, status="ok", checks=checks)


@system.get("/livez", response_model=Health)
async def livez(runtime: Runtime) -> Health:
    """The process answers: for a liveness probe, which must not restart a service because
    the database or Temporal is down (that is /healthz's to report, and no restart mends)."""
    return Health(service=runtime.spec.name, status="ok", checks={})


@system.get("/v1/me", response_model=Me)
async def me(principal: AnyUser) -> Me:
    return Me(subject=principal.subject, role=principal.role.value)


@system.get("/v1/admin/status", response_model=Status)
async def status(runtime: Runtime, _: OfficeOrService) -> Status:
    return Status(
        service=runtime.spec.name,
        schema_name=runtime.spec.schema,
        task_queue=runtime.settings.queue(runtime.spec.task_queue),
        migrations=await applied_versions(runtime.pool, runtime.spec.schema),
        temporal_connected=runtime.temporal.client is not None,
        worker_running=runtime.temporal.worker_running,
    )


async def _migrate(spec: ServiceSpec, settings: Settings) -> list[int]:
    """Apply `spec`'s migrations; the versions applied now (empty where up to date).

    The core's tables a service uses come first, so a service's own migrations may refer
    to them; their versions are the core's and are not among those returned.
    """
    # Migrations get a pool of their own without the request timeouts: building an
    # index or waiting for another replica's migration lock may rightly take minutes.
    migrating = await db.create_pool(
        settings.database_url.get_secret_value(),
        schema=spec.schema,
        min_size=1,
        max_size=1,
        timeout_s=settings.startup_timeout_s,
    )
    try:
        if spec.uses_outbox:
            await apply_migrations(migrating, spec.schema, CORE_MIGRATIONS, record=CORE_RECORD)
        return await apply_migrations(migrating, spec.schema, spec.migrations)
    finally:
        await migrating.close()


async def _request_pool(spec: ServiceSpec, settings: Settings) -> asyncpg.Pool:
    return await db.create_pool(
        settings.database_url.get_secret_value(),
        schema=spec.schema,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        timeout_s=settings.startup_timeout_s,
        acquire_timeout_s=settings.db_acquire_timeout_s,
        connect_timeout_s=settings.db_connect_timeout_s,
        statement_timeout_s=settings.db_statement_timeout_s,
        answer_timeout_s=settings.db_answer_timeout_s,
    )


@asynccontextmanager
async def _running(runtime: ServiceRuntime) -> AsyncIterator[None]:
    """The runtime's link to Temporal and its background jobs, for as long as it serves."""
    spec, settings, pool = runtime.spec, runtime.settings, runtime.pool
    core = [runtime.describe_activity()]
    if spec.uses_outbox:
        core.append(runtime.prune_outbox_activity())
    runtime.temporal = TemporalLink(
        settings,
        task_queue=settings.queue(spec.task_queue),
        activities=[*core, *spec.activities(runtime)],
    )
    runtime.temporal.start()
    await runtime.temporal.first_try(settings.startup_timeout_s)
    jobs = list(spec.background(runtime))
    if spec.uses_outbox:
        runtime.starter = outbox.Starter(pool, runtime.temporal)
        jobs += [runtime.starter.run(), outbox.relay(pool, runtime.temporal)]
    tasks = [asyncio.create_task(job) for job in jobs]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await runtime.temporal.stop()


class Wiring(TypedDict, total=False):
    """What a service serves; see `ServiceSpec`."""

    port: int
    routers: Sequence[APIRouter]
    activities: Callable[[ServiceRuntime], Sequence[Callable[..., Any]]]
    figures: Figures
    config: Callable[[], object]
    uses_outbox: bool
    background: Callable[[ServiceRuntime], Sequence[Coroutine[Any, Any, None]]]


def service_spec(
    app_file: str, description: str, queues: tuple[str, str], **wiring: Unpack[Wiring]
) -> ServiceSpec:
    """The spec of the service whose app.py is `app_file`: named for its package, with its
    migrations beside it; `queues` are its activities' queue and its workflows' queue."""
    package = Path(app_file).parent
    task_queue, workflow_queue = queues
    return ServiceSpec(
        name=package.name,
        title=package.name.title(),
        description=description,
        task_queue=task_queue,
        workflow_queue=workflow_queue,
        migrations=package / "migrations",
        **wiring,
    )


def create_service_app(
    spec: ServiceSpec, settings: Settings | None = None, config: object = None
) -> FastAPI:
    """The service's app; settings (shared and its own) are read here, once, unless given."""
    settings = settings or Settings()
    config = spec.config() if config is None else config
    telemetry.start_tracing(spec.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(spec.name, level=settings.log_level, as_json=settings.log_json)
        await _migrate(spec, settings)
        pool = await _request_pool(spec, settings)
        try:
            runtime = ServiceRuntime(spec=spec, settings=settings, pool=pool, config=config)
            async with _running(runtime):
                app.state.runtime = runtime
                log.info("%s ready; serving activities on %s", spec.name, spec.task_queue)
                yield
        finally:
            await pool.close()

    # /docs and /redoc load their scripts and styles from this service, not a CDN: they
    # work on a machine without internet, and the page asks nothing of another site.
    app = FastAPIOffline(
        title=f"MIP {spec.title}",
        description=spec.description,
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(bind_path_ids)],
    )
    app.state.token_verifier = TokenVerifier(settings)
    install_problem_handlers(app)
    app.add_middleware(RefuseUnstorableText, uploads=upload_routes(spec.routers))
    # Outermost of ours: counts every answer, problems from the middleware above included.
    app.state.metrics_registry = metrics.new_registry()
    app.add_middleware(metrics.HttpMetrics, service=spec.name, registry=app.state.metrics_registry)
    telemetry.instrument_app(app)
    app.include_router(system)
    app.include_router(metrics.router)
    for router in spec.routers:
        app.include_router(router)
    document_problems(app)
    return app


# The portal (services/portal/app.py) is an HTML app, not a service, but keeps its
# tables the same way: these are its migrations and its request pool too (and `mip migrate`
# applies every service's migrations with the same function).
migrate = _migrate
request_pool = _request_pool
