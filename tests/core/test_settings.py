"""Production refuses development defaults and verifies tokens with a public key."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import ValidationError

from mip.core.auth import Role, TokenVerifier, mint_token
from mip.core.errors import NotAuthenticated
from mip.core.settings import DEV_JWT_SECRET, Environment, Settings
from tests.support.keys import HARDENED_KEYS


def _key_pair() -> tuple[ec.EllipticCurvePrivateKey, str]:
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def test_production_refuses_the_dev_secret() -> None:
    with pytest.raises(ValidationError, match="public development secret"):
        Settings(
            environment=Environment.production,
            portal_public_url="https://mip.example.ac.uk",
            jwt_secret=DEV_JWT_SECRET,
            service_token="a-token",
        )


def test_production_refuses_to_start_without_a_way_to_verify_tokens() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(environment=Environment.production, portal_public_url="https://mip.example.ac.uk")
    message = str(refused.value)
    assert "MIP_JWT_PUBLIC_KEY or MIP_JWT_JWKS_URL" in message
    assert "MIP_SERVICE_TOKEN" in message


def test_production_verifies_tokens_with_the_public_key_and_rejects_dev_tokens() -> None:
    private, public = _key_pair()
    prod = Settings(
        environment=Environment.production,
        portal_public_url="https://mip.example.ac.uk",
        jwt_public_key=public,
        service_token="svc",
        **HARDENED_KEYS,
    )
    now = int(time.time())
    claims = {
        "sub": "host@example.org",
        "role": "host",
        "iss": "mip",
        "aud": "mip",
        "iat": now,
        "exp": now + 60,
    }
    good = jwt.encode(claims, private, algorithm="ES256")
    verifier = TokenVerifier(prod)
    assert verifier.verify(good).role is Role.host
    dev_token = mint_token(Settings(), role=Role.office, subject="office@example.org")
    with pytest.raises(NotAuthenticated):
        verifier.verify(dev_token)


def test_production_cannot_mint_dev_tokens() -> None:
    _, public = _key_pair()
    prod = Settings(
        environment=Environment.production,
        portal_public_url="https://mip.example.ac.uk",
        jwt_public_key=public,
        service_token="s",
        **HARDENED_KEYS,
    )
    with pytest.raises(RuntimeError, match="IdP"):
        mint_token(prod, role=Role.office, subject="office@example.org")


def test_development_needs_no_configuration() -> None:
    settings = Settings()
    assert settings.signing_secret == DEV_JWT_SECRET
    assert settings.temporal_address == "127.0.0.1:7233"
