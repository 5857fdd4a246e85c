"""`mip worker`: the workflow worker as a deployment runs it, with a small health port.

SIGTERM (what `docker stop` and Kubernetes send) stops polling at once; the tasks already
in hand get `MIP_SHUTDOWN_GRACE_S` to finish, then the process exits. Whatever is left
Temporal hands to another replica, or to this one restarted: nothing is lost, only late.

On MIP_HOST:MIP_PORT (default 127.0.0.1 and serve.py's WORKER_PORT, 8005) it answers
`GET /livez` while the process runs, and `GET /healthz` with 200 while the worker polls
and Temporal answers, 503 before, while it stops, and when Temporal does not answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from datetime import timedelta
from typing import NoReturn

from temporalio.client import Client
from temporalio.runtime import Runtime

from launcher.serve import WORKER_PORT
from mip.core import telemetry
from mip.core.logging import configure_logging
from mip.core.settings import Settings
from workflows.worker import (
    WorkerConfig,
    connect_retrying,
    ensure_housekeeping,
    ensure_search_attributes,
    queue_names,
    serving,
    worker_runtime,
)

log = logging.getLogger("mip.worker")


class WorkerHealth:
    """What the health port reports: the client once connected, whether the worker polls."""

    def __init__(self) -> None:
        self.client: Client | None = None
        self.polling = False

    async def answer(self, path: str) -> tuple[int, dict[str, object]]:
        if path == "/livez":
            return 200, {"service": "worker", "status": "ok", "checks": {}}
        if path != "/healthz":
            return 404, {"status": "not found"}
        checks = {"temporal": "unreachable", "worker": "polling" if self.polling else "stopped"}
        if self.client is not None:
            try:
                ok = await self.client.service_client.check_health(timeout=timedelta(seconds=2))
                checks["temporal"] = "ok" if ok else "unhealthy"
            except Exception as exc:  # the check reports any failure rather than raising it
                log.warning("health check: temporal unreachable: %s", exc)
        healthy = checks == {"temporal": "ok", "worker": "polling"}
        body: dict[str, object] = {
            "service": "worker",
            "status": "ok" if healthy else "unhealthy",
            "checks": checks,
        }
        return (200 if healthy else 503), body


async def _respond(
    health: WorkerHealth, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """One HTTP/1.0-style exchange: a GET's request line in, a JSON body out, closed."""
    try:
        async with asyncio.timeout(5):
            request_line = (await reader.readline()).decode("latin-1").split()
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # headers: nothing in them matters here
        method, path = [*request_line, "", ""][:2]
        if method == "GET":
            status, body = await health.answer(path)
        else:
            status, body = 405, {"status": "GET only"}
        payload = json.dumps(body).encode()
        reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "Unavailable")
        writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
    except (TimeoutError, ConnectionError):
        pass  # a prober that went away or said nothing
    finally:
        writer.close()


async def _until_stopped(
    settings: Settings, stop: asyncio.Event, runtime: Runtime | None
) -> Client | None:
    """Connect (retrying) unless told to stop first."""
    connecting = asyncio.ensure_future(connect_retrying(settings, runtime=runtime))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not connecting.done():
        connecting.cancel()
        return None
    return connecting.result()


async def run(
    settings: Settings,
    *,
    host: str,
    port: int,
    stop: asyncio.Event,
    runtime: Runtime | None = None,
) -> None:
    health = WorkerHealth()
    server = await asyncio.start_server(lambda r, w: _respond(health, r, w), host=host, port=port)
    try:
        client = await _until_stopped(settings, stop, runtime)
        if client is None:
            return
        health.client = client
        await ensure_search_attributes(client, settings.temporal_namespace)
        await ensure_housekeeping(client, settings)
        async with serving(client, settings):
            health.polling = True
            log.info("polling %s; health on %s:%d", queue_names(settings), host, port)
            await stop.wait()
            health.polling = False
            log.info(
                "stopping: no new tasks; those in hand get up to %.0fs", settings.shutdown_grace_s
            )
        log.info("stopped")
    finally:
        server.close()
        await server.wait_closed()


def main(settings: Settings, *, host: str, port: int | None) -> NoReturn:
    configure_logging("worker", level=settings.log_level, as_json=settings.log_json)
    port = port if port is not None else int(os.environ.get("MIP_PORT", WORKER_PORT))
    telemetry.start_tracing("worker")
    metrics_address = WorkerConfig().metrics_address
    runtime = worker_runtime(metrics_address)
    if runtime is not None:
        log.info("metrics at http://%s/metrics", metrics_address)

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run(settings, host=host, port=port, stop=stop, runtime=runtime)

    asyncio.run(_main())
    # As `mip check` does: the Temporal core's threads can outlive the client and abort
    # the interpreter as it finalizes, turning a clean stop into exit -6.
    logging.shutdown()
    os._exit(0)
