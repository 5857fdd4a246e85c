"""Auth from day one: every endpoint but /healthz and /docs needs a bearer token with a role."""

from __future__ import annotations

import time

import jwt
import pytest

from mip.cli import main as mip_main
from mip.core.auth import Role
from mip.core.settings import Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.conftest import RunApp, auth

PROBLEM = "application/problem+json"
ALL_APPS = [applications_app, offers_app, expenses_app, notifications_app]


def _claims(settings: Settings, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "office@example.org",
        "role": "office",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


@pytest.mark.parametrize("create_app", ALL_APPS, ids=lambda f: f.__module__.split(".")[1])
async def test_request_without_token_is_401_problem(
    create_app: object, settings: Settings, run_app: RunApp
) -> None:
    async with run_app(create_app(settings)) as http:  # type: ignore[operator]
        response = await http.get("/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["type"] == "urn:mip:problem:not-authenticated"
    assert body["status"] == 401
    assert "Authorization: Bearer" in body["detail"]


async def test_forged_token_is_401(settings: Settings, run_app: RunApp) -> None:
    forged = jwt.encode(_claims(settings), "not-the-secret-" * 4, algorithm="HS256")
    async with run_app(applications_app(settings)) as http:
        response = await http.get("/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert "Signature verification failed" in response.json()["detail"]


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"exp": int(time.time()) - 10}, "expired"),
        ({"aud": "someone-else"}, "audience"),
        ({"role": "superuser"}, "unknown role"),
    ],
    ids=["expired", "wrong-audience", "unknown-role"],
)
async def test_invalid_tokens_are_401_with_a_reason(
    overrides: dict[str, object], says: str, settings: Settings, run_app: RunApp
) -> None:
    secret = settings.signing_secret
    assert secret is not None
    bad = jwt.encode(_claims(settings, **overrides), secret, algorithm="HS256")
    async with run_app(applications_app(settings)) as http:
        response = await http.get("/v1/me", headers={"Authorization": f"Bearer {bad}"})
    assert response.status_code == 401
    assert says in response.json()["detail"].lower()


async def test_wrong_role_is_403_problem(settings: Settings, run_app: RunApp) -> None:
    async with run_app(offers_app(settings)) as http:
        response = await http.get("/v1/admin/status", headers=auth(settings, Role.applicant))
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:mip:problem:permission-denied"
    assert body["required_roles"] == ["office", "service"]


async def test_right_role_passes_and_health_and_docs_are_open(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(expenses_app(settings)) as http:
        me = await http.get("/v1/me", headers=auth(settings, Role.host, "host@example.org"))
        status = await http.get("/v1/admin/status", headers=auth(settings, Role.office))
        docs = await http.get("/docs")
        openapi = await http.get("/openapi.json")
    assert me.json() == {"subject": "host@example.org", "role": "host"}
    assert status.status_code == 200
    assert status.json()["migrations"][0]["version"] == 1
    assert docs.status_code == 200
    assert "/healthz" in openapi.json()["paths"]


async def test_mip_token_prints_a_token_the_services_accept(
    settings: Settings, run_app: RunApp, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mip_main(["token", "--role", "office", "--sub", "office@example.org"]) == 0
    printed = capsys.readouterr().out.strip()
    async with run_app(notifications_app(settings)) as http:
        response = await http.get("/v1/me", headers={"Authorization": f"Bearer {printed}"})
    assert response.json() == {"subject": "office@example.org", "role": "office"}
