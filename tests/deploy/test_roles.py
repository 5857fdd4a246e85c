"""The roles a deployment runs: `mip migrate` once per release, `mip worker` with its
health port and a clean stop on SIGTERM (what `docker stop` and Kubernetes send)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import httpx
import pytest

from launcher.migrate import migrate_all
from launcher.serve import SERVED
from mip.core.settings import Settings
from services.portal.keys import SigningKeys
from tests.support.keys import HARDENED_ENV
from tests.support.servers import free_port
from tests.support.waiting import eventually


async def test_mip_migrate_applies_every_schema_then_finds_it_up_to_date(
    settings: Settings,
) -> None:
    first = await migrate_all(settings)
    assert sorted(first) == sorted(SERVED)
    for schema, versions in first.items():
        migrations = SERVED[schema].spec().migrations  # type: ignore[union-attr]
        assert len(versions) == len(list(migrations.glob("*.sql")))
    again = await migrate_all(settings)
    assert again == {schema: [] for schema in SERVED}


def _worker_env(settings: Settings, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "TEMPORAL_ADDRESS": settings.temporal_address,
        "MIP_TASK_QUEUE_PREFIX": settings.task_queue_prefix,
        "MIP_SHUTDOWN_GRACE_S": "5",
        "MIP_PORT": str(port),
    }


async def test_mip_worker_reports_its_health_and_stops_cleanly_on_sigterm(
    settings: Settings,
) -> None:
    port = free_port()
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launcher.cli",
        "worker",
        env=_worker_env(settings, port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:

            async def healthy() -> dict[str, object] | None:
                try:
                    answer = await http.get("/healthz")
                except httpx.TransportError:
                    return None
                return answer.json() if answer.status_code == 200 else None

            body = await eventually(healthy, timeout_s=30)
            assert body == {
                "service": "worker",
                "status": "ok",
                "checks": {"temporal": "ok", "worker": "polling"},
            }
            assert (await http.get("/livez")).status_code == 200
        worker.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(worker.wait(), 15)
    finally:
        if worker.returncode is None:
            worker.kill()
        output = (await worker.communicate())[0].decode()
    assert code == 0, output
    assert "no new tasks; those in hand get up to 5s" in output
    assert "stopped" in output


def test_mip_serve_refuses_production_placeholders_before_opening_a_port() -> None:
    env = {
        **os.environ,
        "MIP_ENVIRONMENT": "production",
        "MIP_PORTAL_PUBLIC_URL": "https://mip.example.ac.uk",
        "MIP_JWT_SECRET": "change-me",
    }
    done = subprocess.run(
        [sys.executable, "-m", "launcher.cli", "serve", "offers", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "production settings refused" in done.stderr
    assert "MIP_JWT_SECRET still holds the placeholder 'change-me'" in done.stderr
    assert "Traceback" not in done.stderr


def _serve_portal(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "launcher.cli", "serve", "portal", "--port", str(free_port())]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_mip_serve_portal_refuses_production_without_its_key_before_opening_a_port() -> None:
    env = {
        **os.environ,
        "MIP_ENVIRONMENT": "production",
        "MIP_JWT_SECRET": "s3cret-" * 6,
        "MIP_PORTAL_PUBLIC_URL": "https://mip.example.ac.uk",
        **HARDENED_ENV,
    }
    env.pop("MIP_PORTAL_SIGNING_KEY", None)
    env.pop("MIP_PORTAL_SIGNING_KEY_FILE", None)
    done = _serve_portal(env)
    assert done.returncode == 2
    assert "mip serve portal: production settings refused" in done.stderr
    assert "MIP_PORTAL_SIGNING_KEY_FILE" in done.stderr
    assert "Traceback" not in done.stderr
    env["MIP_PORTAL_SIGNING_KEY_FILE"] = "/run/secrets/no-such-key.pem"
    done = _serve_portal(env)
    assert done.returncode == 2
    assert "/run/secrets/no-such-key.pem" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "launcher.cli", "keygen"],
        # README "Deploy"'s alternative, where the image is not at hand.
        ["openssl", "genpkey", "-algorithm", "ed25519"],
    ],
)
def test_a_key_made_as_the_readme_says_is_one_the_portal_signs_with(command: list[str]) -> None:
    pem = subprocess.run(command, check=True, capture_output=True, timeout=60).stdout
    keys = SigningKeys.from_pem(pem)
    assert keys.algorithm == "EdDSA"
    assert keys.public_jwk["crv"] == "Ed25519"
