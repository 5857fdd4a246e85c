"""What the operating surface costs a request (issue 16): the same small route served
bare, with MIP's Prometheus middleware, and with that plus OpenTelemetry's server spans
(batched to an exporter that keeps nothing, as a collector far away would cost no more
in-process). In-process over ASGI, so the figures are the instrumentation's alone.

    .venv/bin/python -m benchmarks.telemetry_overhead --requests 5000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Sequence

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from mip.core import metrics, telemetry


class _Discard(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _app(*, measured: bool, traced: bool) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    if measured:
        app.add_middleware(metrics.HttpMetrics, service="bench", registry=metrics.new_registry())
    if traced:
        telemetry.instrument_app(app)
    return app


async def _per_request_us(app: FastAPI, requests: int) -> float:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for n in range(200):  # warm up
            await http.get(f"/v1/things/{n}")
        started = time.perf_counter()
        for n in range(requests):
            await http.get(f"/v1/things/{n}")
        return (time.perf_counter() - started) / requests * 1e6


async def main(requests: int, repeats: int) -> None:
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(_Discard()))
    figures: dict[str, list[float]] = {"bare": [], "metrics": [], "metrics + traces": []}
    for _ in range(repeats):
        figures["bare"].append(await _per_request_us(_app(measured=False, traced=False), requests))
        figures["metrics"].append(
            await _per_request_us(_app(measured=True, traced=False), requests)
        )
        telemetry.enable_tracing(provider)
        try:
            figures["metrics + traces"].append(
                await _per_request_us(_app(measured=True, traced=True), requests)
            )
        finally:
            telemetry.disable_tracing()
    provider.shutdown()
    bare = statistics.median(figures["bare"])
    print(f"{requests} requests x {repeats}, median microseconds per request (ASGI, in-process)")
    for name, values in figures.items():
        us = statistics.median(values)
        print(f"  {name:<18} {us:8.0f} us   +{us - bare:6.0f} us over bare")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.repeats))
