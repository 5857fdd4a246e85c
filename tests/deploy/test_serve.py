"""`mip serve` behind a proxy: X-Forwarded-For is believed only from the peers named in
MIP_FORWARDED_ALLOW_IPS, so the alerts sign-up limit (R30: ten a minute per client) counts
the real client behind a trusted proxy, and a client cannot dodge it by sending the header
itself. Served by uvicorn on loopback exactly as `mip serve` configures it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn

from launcher.serve import SERVED, uvicorn_config
from mip.core.settings import Settings
from services.notifications.app import create_app as notifications_app
from tests.support.servers import free_port
from tests.support.waiting import eventually

PER_CLIENT = 10  # sign-ups a minute from one client


@asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    port = free_port()
    config = uvicorn_config(notifications_app(settings), settings, host="127.0.0.1", port=port)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:

            async def up() -> bool:
                try:
                    return (await http.get("/livez")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(up, timeout_s=30)
            yield http
    finally:
        server.should_exit = True
        await task


async def _sign_ups(http: httpx.AsyncClient, run: str) -> list[int]:
    """One more than the per-client limit, each from its own address behind the proxy."""
    codes = []
    for n in range(PER_CLIENT + 1):
        answer = await http.post(
            "/v1/alerts/subscriptions",
            json={"email": f"fan{n}.{run}@example.org"},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        )
        codes.append(answer.status_code)
    return codes


async def test_r30_behind_a_trusted_proxy_each_client_has_its_own_limit(
    mail_settings: Settings,
) -> None:
    trusting = mail_settings.model_copy(update={"forwarded_allow_ips": "127.0.0.1"})
    async with served(trusting) as http:
        assert await _sign_ups(http, "trusted") == [202] * (PER_CLIENT + 1)


async def test_r30_forwarded_headers_from_an_untrusted_peer_are_ignored(
    mail_settings: Settings,
) -> None:
    # The proxy the service trusts is elsewhere: this peer's X-Forwarded-For is its own say.
    elsewhere = mail_settings.model_copy(update={"forwarded_allow_ips": "192.0.2.7"})
    async with served(elsewhere) as http:
        codes = await _sign_ups(http, "untrusted")
    assert codes == [202] * PER_CLIENT + [429]


def test_every_served_service_names_a_factory_and_its_migrations() -> None:
    for name, entry in SERVED.items():
        spec = entry.spec()
        assert spec is not None
        assert spec.name == name
        assert sorted(spec.migrations.glob("*.sql"))[0].name.startswith("0001_"), name


async def test_a_kept_alive_connection_outlives_a_client_pool_s_idle_time(
    settings: Settings,
) -> None:
    """Issue 24 item 6: uvicorn's own 5 s closed idle connections just as a client reused
    one, and the request on it failed with a read error. The server now keeps them longer
    than clients do: a client that keeps its connections 30 s reuses the same one after
    6 s idle, opening no other."""
    connects: list[str] = []

    async def note(event: str, info: dict[str, object]) -> None:
        if event == "connection.connect_tcp.complete":
            connects.append(event)

    async with served(settings) as http:
        keeping = httpx.Limits(keepalive_expiry=30)
        async with httpx.AsyncClient(base_url=http.base_url, limits=keeping) as client:
            first = await client.get("/livez", extensions={"trace": note})
            await asyncio.sleep(6)
            second = await client.get("/livez", extensions={"trace": note})
    assert (first.status_code, second.status_code) == (200, 200)
    assert connects == ["connection.connect_tcp.complete"]  # the first one's, reused
