"""The portal as the token issuer (issue 14 item 2): it signs short-lived tokens with its
own key, serves the public half as a JWKS, the services take them beside `mip token`'s,
production refuses to start without the key, and `mip dev` keeps one."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from launcher.stack import DevOptions, DevStack
from mip.core.auth import Role, mint_token
from mip.core.settings import Environment, Settings
from services.portal.app import create_app
from services.portal.config import PortalSettings
from services.portal.keys import SigningKeys, keep_key_file
from tests.portal.support.stack import PortalStack
from tests.support.keys import HARDENED_KEYS


async def test_the_jwks_holds_the_public_key_only(portal_stack: PortalStack) -> None:
    async with httpx.AsyncClient(base_url=portal_stack.url) as http:
        answer = await http.get("/.well-known/jwks.json")
    [key] = answer.json()["keys"]
    assert key["kid"] == portal_stack.runtime.keys.kid
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert "d" not in key


async def test_the_services_take_the_portals_tokens_and_mip_tokens_side_by_side(
    portal_stack: PortalStack,
) -> None:
    runtime = portal_stack.runtime
    portal_token = runtime.person_token("ada@example.org", Role.applicant)
    header = jwt.get_unverified_header(portal_token)
    assert (header["alg"], header["kid"]) == ("EdDSA", runtime.keys.kid)
    claims = jwt.decode(portal_token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == runtime.config.token_ttl_s
    dev_token = mint_token(portal_stack.settings, role=Role.office, subject="o@example.org")
    forged = jwt.encode(
        dict(claims, role="office"),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": runtime.keys.kid},
    )
    for name, http in portal_stack.http.items():
        me = await http.get("/v1/me", headers={"Authorization": f"Bearer {portal_token}"})
        assert me.json() == {"subject": "ada@example.org", "role": "applicant"}, name
        me = await http.get("/v1/me", headers={"Authorization": f"Bearer {dev_token}"})
        assert me.json()["role"] == "office", name
        refused = await http.get("/v1/me", headers={"Authorization": f"Bearer {forged}"})
        assert refused.status_code == 401, name


def test_production_refuses_to_start_without_the_signing_key(tmp_path: Path) -> None:
    production = Settings(
        environment=Environment.production,
        portal_public_url="https://mip.example.ac.uk",
        jwt_jwks_url="http://portal/jwks",
        service_token="s",
        **HARDENED_KEYS,
    )
    with pytest.raises(RuntimeError, match="MIP_PORTAL_SIGNING_KEY_FILE"):
        create_app(production, PortalSettings())
    key = keep_key_file(tmp_path / "portal.pem")
    assert create_app(production, PortalSettings(signing_key_file=key)) is not None


def test_mip_dev_keeps_one_key_under_the_data_directory_and_points_the_services_at_it(
    tmp_path: Path,
) -> None:
    stack = DevStack(DevOptions(data_dir=tmp_path, port_offset=100))
    children = stack.apps()
    key_file = tmp_path / "portal" / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = SigningKeys.from_pem(key_file.read_bytes()).kid
    DevStack(DevOptions(data_dir=tmp_path)).apps()
    assert SigningKeys.from_pem(key_file.read_bytes()).kid == first
    by_name = {child.name: child for child in children}
    assert by_name["portal"].env["MIP_PORTAL_SIGNING_KEY_FILE"] == str(key_file)
    for name in ("applications", "offers", "expenses", "notifications"):
        assert by_name[name].env["MIP_JWT_JWKS_URL"] == (
            "http://127.0.0.1:8100/.well-known/jwks.json"
        )
    assert 8100 in stack.ports()
    stack.children = children
    rows = [line.split()[0] for line in stack.table().splitlines()[3:] if line.strip()]
    assert rows[0] == "portal"


def test_office_and_applicant_domains_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MIP_OFFICE_EMAILS", "Kay@Uni.example.ac.uk, lee@uni.example.ac.uk")
    monkeypatch.setenv("MIP_APPLICANT_DOMAINS", '["uni.example.ac.uk", "@college.example"]')
    config = PortalSettings()
    assert config.office_emails == ("kay@uni.example.ac.uk", "lee@uni.example.ac.uk")
    assert config.applicant_domains == ("uni.example.ac.uk", "college.example")
