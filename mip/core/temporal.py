"""The Temporal side of a service: a client that survives Temporal being down at start,
and the worker that serves the service's activities on its own task queue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.service import RPCError, TLSConfig
from temporalio.worker import Worker

from mip.core import telemetry
from mip.core.codec import data_converter
from mip.core.settings import Settings

log = logging.getLogger("mip.temporal")


def _read(setting: str, path: str) -> bytes:
    try:
        with open(path, "rb") as pem:
            return pem.read()
    except OSError as exc:
        raise ValueError(f"{setting}: cannot read {path}: {exc.strerror}") from exc


def tls_config(settings: Settings) -> TLSConfig | bool:
    """What `Client.connect` takes as `tls`, from the MIP_TEMPORAL_TLS* settings.

    False for a plain connection; True for TLS checked against the system's roots (an API
    key alone, as Temporal Cloud takes it); a TLSConfig with the PEM files read once set.
    ValueError names the setting whose file cannot be read.
    """
    files = (
        settings.temporal_tls_ca_file,
        settings.temporal_tls_cert_file,
        settings.temporal_tls_key_file,
    )
    if settings.temporal_tls is False:
        return False
    if not any(files) and settings.temporal_tls_server_name is None:
        return bool(settings.temporal_tls or settings.temporal_api_key is not None)
    ca, cert, key = files
    return TLSConfig(
        server_root_ca_cert=_read("MIP_TEMPORAL_TLS_CA_FILE", ca) if ca else None,
        client_cert=_read("MIP_TEMPORAL_TLS_CERT_FILE", cert) if cert else None,
        client_private_key=_read("MIP_TEMPORAL_TLS_KEY_FILE", key) if key else None,
        domain=settings.temporal_tls_server_name,
    )


async def connect(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    # HTTP/2 keep-alive pings are on by default (every 30 s, 15 s to answer), so a dead
    # connection is found and replaced without help; see `TemporalLink.check` for the rest.
    # The tracing interceptor (when tracing is on) is inherited by every worker built on
    # this client, as is the data converter, so every payload Temporal stores is sealed
    # (codec.py); `runtime` carries the worker's metrics exporter.
    api_key = settings.temporal_api_key
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        interceptors=telemetry.temporal_interceptors(),
        runtime=runtime,
        tls=tls_config(settings),
        api_key=api_key.get_secret_value() if api_key is not None else None,
    )


class TemporalLink:
    """Connects in the background, retrying, and then serves activities until stopped.

    A service must start and answer (its health check says what is missing) even while
    Temporal is down, so connecting never blocks start-up.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        task_queue: str,
        activities: Sequence[Callable[..., Any]],
        max_concurrent_activities: int = 50,
    ) -> None:
        self._settings = settings
        self.task_queue = task_queue
        self._activities = list(activities)
        self._max_concurrent = max_concurrent_activities
        self.client: Client | None = None
        self.last_error: str | None = None
        self.worker_running = False
        self._task: asyncio.Task[None] | None = None
        self._worker: Worker | None = None
        self._connected = asyncio.Event()
        self._tried = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"temporal-link:{self.task_queue}")

    async def wait_connected(self, timeout_s: float) -> Client:
        async with asyncio.timeout(timeout_s):
            await self._connected.wait()
        assert self.client is not None
        return self.client

    async def first_try(self, timeout_s: float) -> None:
        """Wait, at most `timeout_s`, for the first attempt to connect to end either way.

        A service that says it is ready while its first connection is still in flight would
        answer its first callers 503 though Temporal is up; one whose Temporal is down
        still starts, as soon as the first attempt fails.
        """
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self._tried.wait()

    async def _run(self) -> None:
        delay = 0.5
        while self.client is None:
            try:
                self.client = await connect(self._settings)
            except Exception as exc:  # any failure to connect is retried the same way
                self.last_error = f"cannot reach {self._settings.temporal_address}: {exc}"
                log.warning("%s; retrying in %.1fs", self.last_error, delay)
                self._tried.set()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        self.last_error = None
        self._connected.set()
        self._tried.set()
        worker = Worker(
            self.client,
            task_queue=self.task_queue,
            activities=self._activities,
            max_concurrent_activities=self._max_concurrent,
            graceful_shutdown_timeout=timedelta(seconds=self._settings.shutdown_grace_s),
        )
        self._worker = worker
        self.worker_running = True
        try:
            await worker.run()
        finally:
            self.worker_running = False

    async def check(self, timeout_s: float = 2.0) -> None:
        """Raise unless the Temporal frontend answers now, or at once when asked again.

        The frontend closes every client connection after about five minutes (its
        keepAliveMaxConnectionAge; an idle one after two, keepAliveMaxConnectionIdle) with
        an HTTP/2 GOAWAY. A call that meets the connection as it closes fails, once, with
        CANCELLED "operation was canceled" (or a transport error), and the next call goes
        on a new connection. The SDK retries that failure for calls made with retry=True,
        but a health check is made without, so that its answer is prompt when Temporal is
        down; it is retried here once, at once. A frontend that is down fails both times.
        """
        if self.client is None:
            raise ConnectionError(self.last_error or "not connected yet")
        try:
            ok = await self._check_health(self.client, timeout_s)
        except RPCError as exc:
            log.info("Temporal health check failed (%s); asking again on a fresh call", exc)
            ok = await self._check_health(self.client, timeout_s)
        if not ok:
            raise ConnectionError("Temporal reports itself unhealthy")

    @staticmethod
    async def _check_health(client: Client, timeout_s: float) -> bool:
        return await client.service_client.check_health(timeout=timedelta(seconds=timeout_s))

    async def stop(self) -> None:
        """Stop polling; activities already running get `shutdown_grace_s` to finish."""
        if self._task is None:
            return
        if self._worker is not None and self.worker_running:
            await self._worker.shutdown()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
