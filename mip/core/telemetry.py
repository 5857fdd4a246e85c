"""Traces (OpenTelemetry) for every MIP process, configured by the standard OTEL_* variables.

Off unless asked for: with no `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) and
no `OTEL_TRACES_EXPORTER`, nothing is instrumented and nothing is exported, so `mip dev`
and the tests pay nothing for it. On, one submission is one trace: the HTTP request, the
outbox's start of its workflow (the outbox keeps the request's context with its row), the
workflow, each activity (Temporal's TracingInterceptor carries the context in headers),
the SQL each runs, and the SMTP send. Every exporter is handed the spans scrubbed
(`ScrubbingExporter`): a collector never holds a person's address, name or words.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import Status
from opentelemetry.util.types import Attributes
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from mip.core.scrub import scrub

log = logging.getLogger("mip.telemetry")

TRACER_NAME = "mip"
# Probes and scrapes every few seconds would bury the traces that matter.
UNTRACED_PATHS = "/healthz,/metrics"
_URL_ATTRIBUTES = ("http.target", "http.url", "url.full", "url.query")
# Attributes whose whole value is a person's, however it reads (a library's `enduser.id`,
# a request body): dropped, not scrubbed. `server.address` and `db.name` are not these.
_PERSONAL_KEY = re.compile(r"(?i)^enduser\.|(?:^|[._])(?:e-?mail|statement|body|phone)$")

_provider: TracerProvider | None = None


def _exporter(name: str) -> SpanExporter | None:
    if name == "otlp":
        # Imported here: only a process that exports over OTLP needs its protobuf stack.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()  # reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and headers
    if name == "console":
        return ConsoleSpanExporter()
    if name != "none":
        log.warning("OTEL_TRACES_EXPORTER %r is not one MIP ships; ignored", name)
    return None


def exporter_names(env: Mapping[str, str]) -> list[str]:
    """Which span exporters the environment asks for; none (tracing off) unless asked."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    named = env.get("OTEL_TRACES_EXPORTER", "").strip()
    if named:
        return [n.strip() for n in named.split(",") if n.strip() not in ("", "none")]
    endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    return ["otlp"] if endpoint else []


def start_tracing(service: str, env: Mapping[str, str] | None = None) -> bool:
    """At a process's start: trace as the environment says, once; True if tracing is on.

    The service name is `OTEL_SERVICE_NAME` when set (resource attributes from
    `OTEL_RESOURCE_ATTRIBUTES` are kept), else `mip-<service>`.
    """
    if _provider is not None:
        return True
    env = os.environ if env is None else env
    exporters = [e for e in map(_exporter, exporter_names(env)) if e is not None]
    if not exporters:
        return False
    name = env.get("OTEL_SERVICE_NAME") or f"mip-{service}"
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(ScrubbingExporter(exporter)))
    trace.set_tracer_provider(provider)
    enable_tracing(provider)
    log.info("tracing on: %s as %s", ", ".join(exporter_names(env)), name)
    return True


def enable_tracing(provider: TracerProvider) -> None:
    """Trace into `provider` from now on: what the environment or a test chose."""
    global _provider
    if _provider is not None:
        disable_tracing()
    _provider = provider
    HTTPXClientInstrumentor().instrument(
        tracer_provider=provider, request_hook=_scrub_url, async_request_hook=_scrub_url_async
    )
    # Statements are recorded, their parameters never: those are applicants' words.
    AsyncPGInstrumentor(capture_parameters=False).instrument(  # type: ignore[no-untyped-call]
        tracer_provider=provider
    )


def disable_tracing() -> None:
    global _provider
    if _provider is None:
        return
    HTTPXClientInstrumentor().uninstrument()
    AsyncPGInstrumentor().uninstrument()  # type: ignore[no-untyped-call]
    _provider = None


def tracing() -> bool:
    return _provider is not None


def tracer() -> trace.Tracer:
    """MIP's own spans (the outbox start, the SMTP send); a no-op tracer while off."""
    if _provider is None:
        return trace.NoOpTracer()
    return _provider.get_tracer(TRACER_NAME)


def instrument_app(app: FastAPI) -> None:
    """Server spans for every route but probes and scrapes, when tracing is on."""
    if _provider is None:
        return
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=_provider,
        excluded_urls=UNTRACED_PATHS,
        server_request_hook=_scrub_scope,
        exclude_spans=["receive", "send"],
    )


def temporal_interceptors() -> list[Interceptor]:
    """For every Temporal client (and so every worker built on one) while tracing is on."""
    if _provider is None:
        return []
    return [TracingInterceptor(_provider.get_tracer("temporalio"))]


def carrier() -> dict[str, str]:
    """The current trace context as W3C headers (`traceparent`), to be resumed later."""
    found: dict[str, str] = {}
    if _provider is not None:
        propagate.inject(found)
    return found


@contextmanager
def resumed(saved: Mapping[str, str] | None) -> Iterator[None]:
    """Run under a context `carrier()` saved, so what starts here joins its trace."""
    if not saved or _provider is None:
        yield
        return
    token = otel_context.attach(propagate.extract(dict(saved)))
    try:
        yield
    finally:
        otel_context.detach(token)


def annotate(**attributes: str) -> None:
    """Attributes on the span now current (e.g. the application a request is about)."""
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attributes({f"mip.{k}": v for k, v in attributes.items()})


def _scrub_span_urls(span: Any) -> None:
    """Tokens in query strings (alert links, e-mail confirmations) never reach a collector."""
    if span is None or not span.is_recording():
        return
    recorded = getattr(span, "attributes", None) or {}
    for key in _URL_ATTRIBUTES:
        value = recorded.get(key)
        if isinstance(value, str):
            span.set_attribute(key, scrub(value))


def _scrub_scope(span: Any, _scope: dict[str, Any]) -> None:
    _scrub_span_urls(span)


def _scrub_url(span: Any, _request: Any) -> None:
    _scrub_span_urls(span)


async def _scrub_url_async(span: Any, _request: Any) -> None:
    _scrub_span_urls(span)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, tuple | list):
        return tuple(scrub(v) if isinstance(v, str) else v for v in value)
    return value


def scrub_attributes(attributes: Attributes) -> dict[str, Any]:
    """Every string scrubbed (mip.core.scrub); a personal key's value hidden whole."""
    return {
        key: "***" if _PERSONAL_KEY.search(key) else _scrub_value(value)
        for key, value in (attributes or {}).items()
    }


def scrubbed(span: ReadableSpan) -> ReadableSpan:
    """`span` as it may leave the process: its attributes, its events' (an exception's
    message and stack echo what was sent) and its status's description scrubbed."""
    description = span.status.description
    return ReadableSpan(
        name=scrub(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=scrub_attributes(span.attributes),
        events=[Event(e.name, scrub_attributes(e.attributes), e.timestamp) for e in span.events],
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code, scrub(description) if description else None),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class ScrubbingExporter(SpanExporter):
    """Hands `inner` the spans scrubbed: the hooks above scrub URLs as a span starts, but
    an exception recorded later, or a library's own attribute, is only caught here."""

    def __init__(self, inner: SpanExporter) -> None:
        self._inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._inner.export([scrubbed(span) for span in spans])

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)
