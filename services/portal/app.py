"""The portal: the web front end where applicants, hosts and the office sign in and work.

It renders HTML on the server and calls the four services over HTTP with the signed-in
person's token (clients.py), signed with its own key (keys.py) and checked by the
services against its JWKS at `/.well-known/jwks.json`. It owns no domain data: only its
sign-in tables (migrations/), kept the way every service keeps its schema. It serves no
task queue; sign-in e-mail goes through the notifications service.

Routers: `services.portal.{public,signin,applicant,host,office}`, each a package
exposing `router`. The contract pages are written against is web.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST

from mip.core import db, metrics, telemetry
from mip.core.logging import configure_logging
from mip.core.problems import describe
from mip.core.runtime import ServiceSpec
from mip.core.settings import Settings
from services.portal import (
    applicant,
    csrf,
    errors,
    host,
    office,
    public,
    session,
    signin,
    your_data,
)
from services.portal.body_limit import BodyLimit
from services.portal.config import PortalSettings
from services.portal.keys import SigningKeys, generate_pem
from services.portal.office import codec
from services.portal.runtime import portal_runtime, running
from services.portal.signin import service as signin_service

log = logging.getLogger("mip.portal")
STATIC = Path(__file__).resolve().parent / "static"

SPEC = ServiceSpec(
    name="portal",
    title="Portal",
    description="The web pages applicants, hosts and the office sign in to and work in.",
    task_queue="",  # none: the portal reaches the services over HTTP only
    workflow_queue="",
    migrations=Path(__file__).parent / "migrations",
    port=8000,
    routers=(
        public.router,
        signin.router,
        applicant.router,
        host.router,
        office.router,
        your_data.router,
    ),
    config=PortalSettings,
)

system = APIRouter(include_in_schema=False)


async def _checks(request: Request) -> dict[str, str]:
    try:
        await db.ping(portal_runtime(request).pool)
    except Exception as exc:  # a health check reports the failure rather than raising it
        log.warning("health check: database unreachable: %s", describe(exc))
        return {"database": "unreachable"}
    return {"database": "ok"}


@system.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    checks = await _checks(request)
    healthy = checks["database"] == "ok"
    return JSONResponse(
        {"service": "portal", "status": "ok" if healthy else "unhealthy", "checks": checks},
        status_code=200 if healthy else 503,
    )


@system.get("/livez")
async def livez() -> JSONResponse:
    """The process answers: what a liveness probe asks, never the database."""
    return JSONResponse({"service": "portal", "status": "ok", "checks": {}})


@system.get("/metrics")
async def portal_metrics(request: Request) -> Response:
    """Prometheus text: the portal's requests by route and status, its latency, and its
    health as /healthz reports it (what the "service unhealthy" alert reads)."""
    health = metrics.health_family(SPEC.name, await _checks(request))
    body = metrics.exposition(request.app.state.metrics_registry, [health])
    return Response(body, media_type=CONTENT_TYPE_LATEST)


@system.get("/.well-known/jwks.json")
async def jwks(request: Request) -> JSONResponse:
    """The public key the services check people's tokens with."""
    return JSONResponse(
        portal_runtime(request).keys.jwks(), headers={"Cache-Control": "max-age=300"}
    )


def signing_keys(settings: Settings, config: PortalSettings) -> SigningKeys:
    """The configured key; development makes one for this process, production refuses."""
    pem = config.private_key_pem()
    if pem is None:
        if settings.production:
            raise RuntimeError(
                "production settings refused: set MIP_PORTAL_SIGNING_KEY_FILE (or "
                "MIP_PORTAL_SIGNING_KEY) to the portal's private key"
            )
        pem = generate_pem()
    return SigningKeys.from_pem(pem)


SECURITY_HEADERS = {
    # Nothing from another site, no inline script: the pages work without either.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_NO_SESSION = ("/static/", "/healthz", "/livez", "/metrics", "/.well-known/")


async def _around(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Who is signed in (for every page's header), then the page; the CSRF cookie and the
    security headers on the way out; anything unhandled as the friendly 500 page."""
    try:
        if not request.url.path.startswith(_NO_SESSION):
            runtime = portal_runtime(request)
            request.state.person = await session.person_of(
                runtime, request.cookies.get(session.COOKIE)
            )
        response = await call_next(request)
    except Exception as exc:  # every failure becomes a page, never a trace
        response = await errors.unexpected(request, exc)
    csrf.attach(request, response)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if portal_runtime(request).secure_cookies:
        # Served over HTTPS only (behind the ingress): browsers never try plain HTTP again.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(settings: Settings | None = None, config: PortalSettings | None = None) -> FastAPI:
    settings = settings or Settings()
    config = config or PortalSettings()
    keys = signing_keys(settings, config)
    telemetry.start_tracing(SPEC.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(SPEC.name, level=settings.log_level, as_json=settings.log_json)
        async with running(SPEC, settings, config, keys) as runtime:
            app.state.runtime = runtime
            sweeping = asyncio.create_task(signin_service.prune_sessions(runtime))
            log.info("portal ready; key %s (%s)", keys.kid, keys.algorithm)
            try:
                yield
            finally:
                sweeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeping

    app = FastAPI(
        title="MIP portal",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf.protect)],
    )
    errors.install(app)
    app.middleware("http")(_around)
    app.add_middleware(BodyLimit)  # before anything reads a body
    app.state.metrics_registry = metrics.new_registry()
    app.add_middleware(metrics.HttpMetrics, service=SPEC.name, registry=app.state.metrics_registry)
    telemetry.instrument_app(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(system)
    app.mount(codec.PATH, codec.router)  # the Temporal UI's codec endpoint: no form CSRF
    for router in SPEC.routers:
        app.include_router(router)
    return app
