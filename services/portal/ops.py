"""What an operator's tools ask of the portal, as they ask every service:

GET /livez     the process answers (a liveness probe: nothing else is asked, so an outage
               of the database restarts no portal)
GET /metrics   Prometheus text: requests by route template and status, latency, and
               `mip_health_check{service="portal",check="database"}` as /healthz sees it

Both are public like /healthz: counts only, never a person. `install` adds the routes and
the counting middleware (outermost, so the friendly error pages are counted too).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from mip.core import db, metrics
from mip.core.problems import describe
from services.portal.runtime import portal_runtime

log = logging.getLogger("mip.portal")
NAME = "portal"
router = APIRouter(include_in_schema=False)


class _ReadNow(Collector):
    """Families read at this scrape, exposed once."""

    def __init__(self, *families: Metric) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


async def database_state(request: Request) -> str:
    """The database's state as /healthz and /metrics report it: ok, or unreachable."""
    try:
        await db.ping(portal_runtime(request).pool)
    except Exception as exc:  # a check reports the failure rather than raising it
        log.warning("health check: database unreachable: %s", describe(exc))
        return "unreachable"
    return "ok"


@router.get("/livez")
async def livez() -> JSONResponse:
    return JSONResponse({"service": NAME, "status": "ok", "checks": {}})


@router.get("/metrics")
async def scrape(request: Request) -> Response:
    checks = {"database": await database_state(request)}
    body = generate_latest(request.app.state.metrics_registry) + generate_latest(
        _ReadNow(metrics.health_family(NAME, checks))
    )
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def install(app: FastAPI) -> None:
    app.state.metrics_registry = metrics.new_registry()
    app.add_middleware(metrics.HttpMetrics, service=NAME, registry=app.state.metrics_registry)
    app.include_router(router)
