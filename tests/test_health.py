"""GET /healthz checks the database pool and Temporal, and names the part that is down."""

from __future__ import annotations

import asyncpg
import httpx

from mip.core.auth import Role
from mip.core.settings import Settings
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.conftest import RunApp, auth
from tests.servers import free_port
from tests.waiting import eventually


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


async def test_healthz_names_temporal_when_it_is_down(settings: Settings, run_app: RunApp) -> None:
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    async with run_app(notifications_app(down)) as http:
        response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["temporal"].startswith("unreachable")
    assert "temporal" in body["detail"]


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
    assert body["checks"]["database"].startswith("unreachable")
    assert "database" in body["detail"]
