"""Settings as a deployment gives them: staging keeps production's rules for secrets,
services mint their own tokens from a real secret, and an empty variable (what compose
passes for a setting .env leaves out) is an unset one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mip.core.auth import Role, TokenVerifier, mint_token
from mip.core.settings import Environment, Settings
from tests.support.keys import HARDENED_KEYS

SECRET = "s3cret-" * 6


def test_staging_refuses_what_production_refuses() -> None:
    with pytest.raises(ValidationError, match="staging settings refused"):
        Settings(environment=Environment.staging, portal_public_url="https://mip.example.ac.uk")
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(
            environment=Environment.staging,
            portal_public_url="https://mip.example.ac.uk",
            jwt_secret="change-me" * 4,
        )


def test_staging_is_not_production_so_rehearsals_are_allowed() -> None:
    staging = Settings(
        environment=Environment.staging,
        portal_public_url="https://mip.example.ac.uk",
        jwt_secret=SECRET,
        **HARDENED_KEYS,
    )
    assert staging.hardened
    assert not staging.production


def test_with_a_real_secret_services_mint_their_own_service_tokens() -> None:
    """A MIP_SERVICE_TOKEN would die after a day (MIP_JWT_MAX_LIFETIME_S); minted ones do not."""
    prod = Settings(
        environment=Environment.production,
        portal_public_url="https://mip.example.ac.uk",
        jwt_secret=SECRET,
        **HARDENED_KEYS,
    )
    assert prod.service_token is None
    token = mint_token(prod, role=Role.service, subject="service:offers")
    assert TokenVerifier(prod).verify(token).role is Role.service


def test_the_dev_secret_never_signs_in_staging() -> None:
    staging = Settings(
        environment=Environment.staging,
        portal_public_url="https://mip.example.ac.uk",
        jwt_jwks_url="https://idp.example/jwks",
        service_token="t",
        **HARDENED_KEYS,
    )
    assert staging.signing_secret is None


def test_an_empty_variable_is_an_unset_one(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MIP_TEMPORAL_TLS", "MIP_SERVICE_TOKEN", "MIP_JWT_JWKS_URL", "DATABASE_URL"):
        monkeypatch.setenv(name, "")
    settings = Settings()
    assert settings.temporal_tls is None
    assert settings.service_token is None
    assert settings.jwt_jwks_url is None
    assert settings.database_url.get_secret_value() == "postgresql://mip@127.0.0.1:25432/mip"


def test_production_refuses_to_start_without_the_portal_s_public_address() -> None:
    """Every link in e-mail opens the portal: without where people reach it, the links
    would name the address services reach it at."""
    with pytest.raises(ValueError, match="MIP_PORTAL_PUBLIC_URL"):
        Settings(environment=Environment.production, jwt_secret=SECRET)
