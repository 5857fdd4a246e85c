"""Prometheus metrics of a service at GET /metrics: its HTTP traffic, its health, and the
figures the office cares about.

Traffic is counted as it passes (by route template, never the raw path, so the number of
series stays bounded). Health and figures are read when scraped: figures come from the
service's own tables, so they are right from the first scrape after any restart, and a
counter read from a table never goes back (rows are not deleted).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mip.core.errors import PROBLEM_TYPE_PREFIX
from mip.core.health import check_parts

if TYPE_CHECKING:
    from mip.core.runtime import ServiceRuntime

log = logging.getLogger("mip.metrics")

Figures = Callable[["ServiceRuntime"], Awaitable[Sequence[Metric]]]
# A problem body is a few hundred bytes; nothing longer is read for its type.
_PROBLEM_BODY_LIMIT = 16 * 1024
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# A `_created` series beside every counter doubles the output and no rule reads it.
disable_created_metrics()  # type: ignore[no-untyped-call]


def new_registry() -> CollectorRegistry:
    """One registry per app: a process serving one service (as deployed) reports its own
    process figures; several in one process (the tests) keep their traffic apart."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


class HttpMetrics:
    """ASGI middleware: requests by route template and status, latency, problem types."""

    def __init__(self, app: ASGIApp, *, service: str, registry: CollectorRegistry) -> None:
        self.app = app
        self.service = service
        self.requests = Counter(
            "mip_http_requests",
            "HTTP requests answered, by route template and status",
            ["service", "method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "mip_http_request_duration_seconds",
            "Time from request to the end of the response, by route template",
            ["service", "method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.problems = Counter(
            "mip_http_problems",
            "problem+json responses, by problem type (the slug of urn:mip:problem:<slug>)",
            ["service", "route", "type", "status"],
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 500, "problem": None}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"application/problem+json"):
                    seen["problem"] = bytearray()
            elif message["type"] == "http.response.body" and seen["problem"] is not None:
                body: bytearray = seen["problem"]
                if len(body) < _PROBLEM_BODY_LIMIT:
                    body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._record(scope, seen, time.perf_counter() - started)

    def _record(self, scope: Scope, seen: dict[str, Any], elapsed: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method, status = scope["method"], str(seen["status"])
        self.requests.labels(self.service, method, route, status).inc()
        self.latency.labels(self.service, method, route).observe(elapsed)
        if seen["problem"] is not None:
            self.problems.labels(self.service, route, _problem_slug(seen["problem"]), status).inc()


def _problem_slug(body: bytes) -> str:
    try:
        kind = str(json.loads(body).get("type", ""))
    except (ValueError, AttributeError):
        return "unreadable"
    return kind.removeprefix(PROBLEM_TYPE_PREFIX) or "untyped"


async def no_figures(_: ServiceRuntime) -> Sequence[Metric]:
    return ()


class _Snapshot:
    """Families read at scrape time, exposed once."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


def exposition(registry: CollectorRegistry, families: Iterable[Metric]) -> bytes:
    """The registry's series, then families read at scrape time, in the text format."""
    return generate_latest(registry) + generate_latest(_Snapshot(families))


def health_family(service: str, checks: dict[str, str]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "mip_health_check",
        "1 while a part the service needs answers (as /healthz reports it), else 0",
        labels=["service", "check"],
    )
    for check, state in checks.items():
        family.add_metric([service, check], 1.0 if state == "ok" else 0.0)
    return family


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text format; public like /healthz: counts only, never a person."""
    runtime: ServiceRuntime = request.app.state.runtime
    families: list[Metric] = [health_family(runtime.spec.name, await check_parts(runtime))]
    up = GaugeMetricFamily(
        "mip_figures_up",
        "1 if the business figures could be read from the service's tables at this scrape",
        labels=["service"],
    )
    try:
        families += await runtime.spec.figures(runtime)
        up.add_metric([runtime.spec.name], 1.0)
    except Exception as exc:  # a scrape reports a failure, it never fails itself
        log.warning("metrics: figures unavailable: %s", exc)
        up.add_metric([runtime.spec.name], 0.0)
    families.append(up)
    body = exposition(request.app.state.metrics_registry, families)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
