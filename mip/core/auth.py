"""Bearer-token authentication: who is calling, and in which role.

Tokens are JWTs with `sub` (a person's e-mail or a service's name), `role`, `iss`, `aud`
and `exp`. Development signs and checks them with a shared secret; production checks
them against a configured public key or JWKS endpoint (see `mip.core.settings`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mip.core.errors import NotAuthenticated, PermissionDenied
from mip.core.settings import Settings

ASYMMETRIC_ALGORITHMS = ["RS256", "ES256", "EdDSA"]
DEFAULT_TTL_S = 12 * 3600


class Role(StrEnum):
    applicant = "applicant"
    host = "host"
    office = "office"
    service = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role


class TokenVerifier:
    """Checks a token's signature, expiry, issuer and audience and reads its principal."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

    def _key_and_algorithms(self, token: str) -> tuple[Any, list[str]]:
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key, ASYMMETRIC_ALGORITHMS
        if self._settings.jwt_public_key:
            return self._settings.jwt_public_key, ASYMMETRIC_ALGORITHMS
        secret = self._settings.signing_secret
        if secret is None:
            raise NotAuthenticated("This service has no way to verify tokens.")
        return secret, ["HS256"]

    def verify(self, token: str) -> Principal:
        try:
            key, algorithms = self._key_and_algorithms(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": ["exp", "sub", "role"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise NotAuthenticated("The token has expired; sign in again.") from exc
        except jwt.PyJWTError as exc:
            raise NotAuthenticated(f"The token is not valid: {exc}.") from exc
        try:
            role = Role(claims["role"])
        except ValueError as exc:
            raise NotAuthenticated(f"The token names an unknown role {claims['role']!r}.") from exc
        return Principal(subject=str(claims["sub"]), role=role)


def mint_token(settings: Settings, *, role: Role, subject: str, ttl_s: int = DEFAULT_TTL_S) -> str:
    """Sign a token with the shared secret (development, tests and `mip token`)."""
    secret = settings.signing_secret
    if secret is None:
        raise RuntimeError("No signing secret is configured; production tokens come from the IdP.")
    now = int(time.time())
    claims = {
        "sub": subject,
        "role": role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_s,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


_bearer = HTTPBearer(auto_error=False, description="A MIP token: `mip token --role office`")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("This endpoint needs an 'Authorization: Bearer <token>' header.")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


def require_role(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that lets through only the given roles."""
    allowed = ", ".join(r.value for r in roles)

    async def dependency(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        if principal.role not in roles:
            raise PermissionDenied(
                f"This needs the role {allowed}; your token has the role {principal.role.value}.",
                required_roles=[r.value for r in roles],
            )
        return principal

    return dependency
