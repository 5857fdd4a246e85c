"""GET /healthz checks the database pool and Temporal, and names the part that is down."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

import asyncpg
import httpx
import pytest
from temporalio.service import RPCError

from mip.core.auth import Role
from mip.core.settings import Settings
from mip.core.temporal import TemporalLink, connect
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.auth import RunApp, auth
from tests.support.servers import free_port
from tests.support.waiting import eventually


async def _healthy(http: httpx.AsyncClient) -> dict[str, object]:
    async def check() -> dict[str, object] | None:
        response = await http.get("/healthz")
        return response.json() if response.status_code == 200 else None

    return await eventually(check)


async def test_healthz_is_200_when_database_and_temporal_answer(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(offers_app(settings)) as http:
        body = await _healthy(http)
        status = await http.get("/v1/admin/status", headers=auth(settings, Role.service))
    assert body == {
        "service": "offers",
        "status": "ok",
        "checks": {"database": "ok", "temporal": "ok"},
    }
    assert status.json()["worker_running"] is True
    assert status.json()["task_queue"] == settings.queue("mip-offers")


async def test_a_service_that_says_it_is_ready_is_already_linked_to_a_running_temporal(
    settings: Settings, run_app: RunApp
) -> None:
    # Its first caller, straight after start-up, would otherwise meet a 503 for a
    # connection still in flight (the alerts list's first subscriber did, in CI).
    app = notifications_app(settings)
    async with run_app(app) as http:
        linked = app.state.runtime.temporal.client is not None
        first = await http.post("/v1/alerts/subscriptions", json={"email": "first@example.org"})
    assert linked
    assert first.status_code == 202, first.text


async def test_healthz_names_temporal_when_it_is_down(settings: Settings, run_app: RunApp) -> None:
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    async with run_app(notifications_app(down)) as http:
        response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["checks"]["database"] == "ok"
    # The part that is down, and nothing of where it lives or what the library said.
    assert body["checks"]["temporal"] == "unreachable"
    assert "temporal" in body["detail"]
    assert down.temporal_address.rpartition(":")[2] not in response.text
    assert "Error" not in response.text
    assert int(response.headers["retry-after"]) > 0


async def test_healthz_names_the_database_when_it_refuses_connections(
    settings: Settings, run_app: RunApp, database_url: str
) -> None:
    name = database_url.rpartition("/")[2]
    admin_url = database_url.rpartition("/")[0] + "/postgres"
    async with run_app(offers_app(settings)) as http:
        await _healthy(http)
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            response = await http.get("/healthz")
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "unreachable"
    assert "database" in body["detail"]
    assert name not in response.text
    assert "Error" not in response.text


class _CuttingRelay:
    """A TCP relay to the Temporal frontend that, when told, cuts the connection under the
    next request(s) to arrive: what the frontend's connection rotation (a GOAWAY every few
    minutes) does to a call that meets it."""

    def __init__(self, target: str) -> None:
        host, _, port = target.rpartition(":")
        self._target = (host, int(port))
        self.cut_next = 0
        self.cuts = 0
        self.connections = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._pumps: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return f"127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.close()
        for writer in self._writers:
            writer.close()
        await asyncio.gather(*self._pumps, return_exceptions=True)
        await self._server.wait_closed()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        server_r, server_w = await asyncio.open_connection(*self._target)
        self._writers += [client_w, server_w]
        for pump in (self._pump(client_r, server_w, upstream=True), self._pump(server_r, client_w)):
            task = asyncio.create_task(pump)
            self._pumps.add(task)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, upstream: bool = False
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(65536):
                if upstream and self.cut_next:
                    self.cut_next -= 1
                    self.cuts += 1
                    for writer in self._writers:
                        writer.close()
                    return
                sink.write(data)
                await sink.drain()
        sink.close()


async def _link_through(relay_address: str, settings: Settings) -> TemporalLink:
    """A link whose client talks only through the relay (no worker, so no other calls)."""
    via = settings.model_copy(update={"temporal_address": relay_address})
    link = TemporalLink(via, task_queue=settings.queue("health"), activities=[])
    link.client = await connect(via)
    return link


async def test_the_temporal_check_survives_one_connection_cut_under_it(
    settings: Settings,
) -> None:
    relay = _CuttingRelay(settings.temporal_address)
    async with relay as address:
        link = await _link_through(address, settings)
        await link.check()
        relay.cut_next = 1
        await link.check()
    assert relay.cuts == 1
    assert relay.connections == 2


async def test_the_temporal_check_still_fails_when_the_retry_fails_too(
    settings: Settings,
) -> None:
    relay = _CuttingRelay(settings.temporal_address)
    async with relay as address:
        link = await _link_through(address, settings)
        await link.check()
        relay.cut_next = 2
        with pytest.raises(RPCError):
            await link.check()
    assert relay.cuts == 2
