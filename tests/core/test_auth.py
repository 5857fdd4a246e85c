"""Auth from day one: every endpoint but /healthz and /docs needs a bearer token with a role."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from launcher.cli import main as mip_main
from mip.core.auth import Principal, Role, TokenVerifier, mint_token
from mip.core.errors import NotAuthenticated, ServiceUnavailable
from mip.core.jwks import REFRESH_AT_MOST_EVERY_S, JwksCache
from mip.core.settings import Environment, Settings
from services.applications.app import create_app as applications_app
from services.expenses.app import create_app as expenses_app
from services.notifications.app import create_app as notifications_app
from services.offers.app import create_app as offers_app
from tests.support.auth import RunApp, auth
from tests.support.keys import HARDENED_KEYS
from tests.support.servers import free_port
from tests.support.stack import _serving

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


def _signed(settings: Settings, **overrides: object) -> dict[str, str]:
    secret = settings.signing_secret
    assert secret is not None
    return {"Authorization": f"Bearer {jwt.encode(_claims(settings, **overrides), secret)}"}


@pytest.mark.parametrize(
    ("subject", "says"),
    [
        ("ada@example.org, bob@example.org", "exactly one address"),
        ("ada@example.org;bob@example.org", "exactly one address"),
        ("Ada Lovelace <ada@example.org>", "no display name"),
        ("ada@example.org\r\nBcc: eve@example.org", "line break"),
        ("ada@example.org\n", "line break"),
        ("", "subject is empty"),
        ("   ", "subject is empty"),
        ("service:applications", "one e-mail address"),
        ("ada@", "one e-mail address"),
        ("a" * 300 + "@example.org", "longer than"),
    ],
    ids=[
        "list",
        "semicolons",
        "display-name",
        "crlf",
        "lf",
        "empty",
        "blank",
        "no-at",
        "no-domain",
        "long",
    ],
)
@pytest.mark.parametrize("role", ["applicant", "host", "office"])
async def test_a_persons_subject_must_be_one_valid_address(
    subject: str, says: str, role: str, settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        response = await http.get("/v1/me", headers=_signed(settings, sub=subject, role=role))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:mip:problem:not-authenticated"
    assert says in body["detail"]


async def test_subjects_are_read_lower_cased_and_services_keep_their_names(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(applications_app(settings)) as http:
        person = await http.get("/v1/me", headers=_signed(settings, sub="Ada.Lovelace@Example.ORG"))
        service = await http.get(
            "/v1/me", headers=_signed(settings, sub="service:applications", role="service")
        )
        nameless = await http.get("/v1/me", headers=_signed(settings, sub="", role="service"))
    assert person.json() == {"subject": "ada.lovelace@example.org", "role": "office"}
    assert service.json() == {"subject": "service:applications", "role": "service"}
    assert nameless.status_code == 401
    assert "subject is empty" in nameless.json()["detail"]


def _now() -> int:
    return int(time.time())


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"iat": _now(), "exp": _now() + 2 * 24 * 3600}, "longer than the allowed 86400"),
        ({"iat": _now() - 100, "exp": _now() + 24 * 3600}, "longer than the allowed 86400"),
        ({"iat": _now() + 10 * 24 * 3600 - 10, "exp": _now() + 10 * 24 * 3600}, "not yet valid"),
        ({"exp": str(_now() + 600)}, "'exp' claim must be a number"),
        ({"exp": [_now() + 600]}, "exp"),
        ({"exp": True}, "exp"),
        ({"exp": None}, "exp"),
        ({"iat": str(_now())}, "iat"),
        ({"iat": None}, "iat"),
    ],
    ids=[
        "two-days",
        "a-day-and-more",
        "issued-in-the-future",
        "exp-string",
        "exp-list",
        "exp-bool",
        "exp-missing",
        "iat-string",
        "iat-missing",
    ],
)
async def test_long_lived_or_malformed_lifetimes_are_401(
    overrides: dict[str, object], says: str, settings: Settings, run_app: RunApp
) -> None:
    claims = {k: v for k, v in overrides.items() if v is not None}
    missing = [k for k, v in overrides.items() if v is None]
    secret = settings.signing_secret
    assert secret is not None
    full = {k: v for k, v in _claims(settings, **claims).items() if k not in missing}
    bad = jwt.encode(full, secret, algorithm="HS256")
    async with run_app(applications_app(settings)) as http:
        response = await http.get("/v1/me", headers={"Authorization": f"Bearer {bad}"})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert says in response.json()["detail"]


async def test_the_maximum_lifetime_is_a_setting(settings: Settings, run_app: RunApp) -> None:
    short = settings.model_copy(update={"jwt_max_lifetime_s": 300})
    async with run_app(applications_app(short)) as http:
        ten_minutes = await http.get("/v1/me", headers=_signed(short))
        four_minutes = await http.get("/v1/me", headers=_signed(short, exp=_now() + 240))
    assert ten_minutes.status_code == 401
    assert four_minutes.status_code == 200


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--ttl", "-60"], "between 1 and 86400"),
        (["--ttl", "0"], "between 1 and 86400"),
        (["--ttl", str(2 * 24 * 3600)], "between 1 and 86400"),
        (["--sub", "Ada <ada@example.org>"], "display name"),
        (["--sub", "ada@example.org,bob@example.org"], "exactly one address"),
    ],
    ids=["negative", "zero", "two-days", "display-name", "list"],
)
def test_mip_token_refuses_bad_lifetimes_and_subjects(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options = {"--role": "office", "--sub": "office@example.org"}
    options.update(zip(argv[::2], argv[1::2], strict=True))
    args = ["token", *(part for option in options.items() for part in option)]
    assert mip_main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert says in captured.err


def _ed25519_token(settings: Settings, key: Ed25519PrivateKey, kid: str | None) -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(_claims(settings), key, algorithm="EdDSA", headers=headers)


def _jwks_of(key: Ed25519PrivateKey, kid: str) -> dict[str, object]:
    public = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "alg": "EdDSA", "use": "sig"}]}


@asynccontextmanager
async def _jwks_server(body: dict[str, object]) -> AsyncIterator[tuple[str, list[int]]]:
    """A real HTTP server answering a JWKS, counting how often it is asked."""
    asked: list[int] = []

    async def jwks(_: Request) -> JSONResponse:
        asked.append(1)
        return JSONResponse(body)

    port = free_port()
    app = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    async with _serving(app, port):  # type: ignore[arg-type]
        yield f"http://127.0.0.1:{port}/.well-known/jwks.json", asked


async def test_the_key_is_picked_by_the_token_header_jwks_and_dev_secret_side_by_side(
    settings: Settings,
) -> None:
    """The portal's EdDSA tokens by the JWKS `kid`, `mip token`'s HS256 by the dev
    secret, in one service; another key under the same `kid`, an unknown `kid`, `none`
    and an algorithm outside the list are refused."""
    portal_key, other_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    now = [1000.0]
    async with _jwks_server(_jwks_of(portal_key, "portal-1")) as (url, asked):
        jwks = JwksCache(url, clock=lambda: now[0])
        verifier = TokenVerifier(settings.model_copy(update={"jwt_jwks_url": url}), jwks=jwks)
        signed = await verifier.authenticate(_ed25519_token(settings, portal_key, "portal-1"))
        assert signed == Principal("office@example.org", Role.office)
        dev = mint_token(settings, role=Role.host, subject="host@example.org")
        assert (await verifier.authenticate(dev)).role is Role.host
        refused = [
            _ed25519_token(settings, other_key, "portal-1"),
            _ed25519_token(settings, portal_key, "retired-key"),
            jwt.encode(_claims(settings), "", algorithm="none"),
            jwt.encode(_claims(settings), "x" * 64, algorithm="HS512"),
        ]
        for token in refused:
            with pytest.raises(NotAuthenticated):
                await verifier.authenticate(token)
        # Fetched once: an unknown kid soon after a fetch does not make it ask again...
        assert len(asked) == 1
        now[0] += REFRESH_AT_MOST_EVERY_S + 1
        with pytest.raises(NotAuthenticated):
            await verifier.authenticate(_ed25519_token(settings, portal_key, "retired-key"))
        # ...but a while later it does (a key the portal has just begun to use).
        assert len(asked) == 2


async def test_without_a_shared_secret_hs256_is_refused_and_no_jwks_is_503() -> None:
    production = Settings(
        environment=Environment.production,
        portal_public_url="https://mip.example.ac.uk",
        jwt_jwks_url="http://127.0.0.1:9/.well-known/jwks.json",
        service_token="s",
        **HARDENED_KEYS,
    )
    dev = mint_token(Settings(), role=Role.office, subject="office@example.org")
    verifier = TokenVerifier(production)
    with pytest.raises(NotAuthenticated, match="shared-secret"):
        await verifier.authenticate(dev)
    token = _ed25519_token(Settings(), Ed25519PrivateKey.generate(), "k")
    with pytest.raises(ServiceUnavailable, match="cannot be fetched"):
        await verifier.authenticate(token)
