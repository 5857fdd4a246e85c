"""Bearer-token authentication: who is calling, and in which role.

Tokens are JWTs with `sub` (a person's e-mail or a service's name), `role`, `iss`, `aud`,
`iat` and `exp`. The portal signs people's tokens with its own asymmetric key and serves
the public half as a JWKS (`MIP_JWT_JWKS_URL`, which `mip dev` sets); development and
scripts also sign with a shared secret (`mip token`); production checks against the JWKS
or a configured public key, and a shared secret only where one is set (see
`mip.core.settings`).

A person's subject (applicant, host, office) is exactly one e-mail address: no list, no
display name, no line break. It is read lower-cased, so every comparison of a subject with
a stored address is case-insensitive as long as the stored address came from a subject or
through `valid_address`. A token may live at most `Settings.jwt_max_lifetime_s`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import jwt
from email_validator import EmailNotValidError, validate_email
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from mip.core.errors import NotAuthenticated, PermissionDenied
from mip.core.jwks import JwksCache
from mip.core.settings import Settings

ASYMMETRIC_ALGORITHMS = ["RS256", "ES256", "EdDSA"]
DEFAULT_TTL_S = 12 * 3600
LEEWAY_S = 30  # clock skew between the IdP and this service, for the lifetime check


class Role(StrEnum):
    applicant = "applicant"
    host = "host"
    office = "office"
    service = "service"


PEOPLE = frozenset({Role.applicant, Role.host, Role.office})
MAX_ADDRESS_LENGTH = 254


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str  # a person's address lower-cased, or a service's name
    role: Role


def valid_address(text: str) -> str:
    """One e-mail address, checked and lower-cased; ValueError says what is wrong with it.

    Refuses lists, display names ("Ada <ada@x.org>"), line breaks and anything else that is
    not a single deliverable-looking address. Non-ASCII addresses are allowed (they need a
    server with SMTPUTF8 to be delivered).
    """
    if not text:
        raise ValueError("the address is empty")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise ValueError(f"the address is longer than {MAX_ADDRESS_LENGTH} characters")
    if any(c in text for c in "\r\n\0"):
        raise ValueError("the address contains a line break or NUL character")
    if any(c in text for c in ",;<>"):
        raise ValueError("give exactly one address, with no display name or list")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc
    return checked.normalized.lower()


def _subject(claims: dict[str, Any], role: Role) -> str:
    raw = claims["sub"]
    if not isinstance(raw, str) or not raw.strip():
        raise NotAuthenticated("The token's subject is empty.")
    if role not in PEOPLE:
        return raw
    try:
        return valid_address(raw)
    except ValueError as exc:
        raise NotAuthenticated(
            f"The token's subject must be one e-mail address for the role {role.value}: {exc}."
        ) from exc


def _instant(claims: dict[str, Any], name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise NotAuthenticated(f"The token's {name!r} claim must be a number of seconds.")
    return float(value)


class TokenVerifier:
    """Checks a token's signature, expiry, issuer and audience and reads its principal.

    The key is picked by the token's header: `HS256` is checked against the shared secret
    where one is configured (development, and `mip token` for scripts); an asymmetric
    algorithm against the key its `kid` names in the JWKS (the portal's, see
    `services/portal/keys.py`) or the configured public key. A service may hold both, so
    portal-signed tokens and `mip token` ones are accepted side by side.
    """

    def __init__(self, settings: Settings, *, jwks: JwksCache | None = None) -> None:
        self._settings = settings
        url = settings.jwt_jwks_url
        self._jwks = jwks or (JwksCache(url) if url else None)

    def _header(self, token: str) -> dict[str, Any]:
        try:
            header: dict[str, Any] = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise NotAuthenticated(f"The token is not valid: {exc}.") from exc
        return header

    def _key(self, header: dict[str, Any]) -> tuple[Any, list[str]]:
        alg = header.get("alg")
        if alg == "HS256":
            secret = self._settings.signing_secret
            if secret is None:
                raise NotAuthenticated("This service does not take shared-secret (HS256) tokens.")
            return secret, ["HS256"]
        if alg not in ASYMMETRIC_ALGORITHMS:
            raise NotAuthenticated(f"The token's algorithm {alg!r} is not accepted.")
        if self._jwks is not None:
            key = self._jwks.cached(header.get("kid"))
            if key is not None:
                return key, [str(alg)]
        if self._settings.jwt_public_key:
            return self._settings.jwt_public_key, [str(alg)]
        raise NotAuthenticated("The token is signed with a key this service does not know.")

    async def authenticate(self, token: str) -> Principal:
        """`verify`, fetching the JWKS first when the token names a key not yet held."""
        header = self._header(token)
        if self._jwks is not None and header.get("alg") in ASYMMETRIC_ALGORITHMS:
            await self._jwks.ensure(header.get("kid"))
        return self.verify(token)

    def verify(self, token: str) -> Principal:
        """The token's principal, with the keys at hand (no fetching); 401 if not valid."""
        key, algorithms = self._key(self._header(token))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": ["exp", "iat", "sub", "role"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise NotAuthenticated("The token has expired; sign in again.") from exc
        except jwt.PyJWTError as exc:
            raise NotAuthenticated(f"The token is not valid: {exc}.") from exc
        try:
            role = Role(claims["role"])
        except (ValueError, TypeError) as exc:
            raise NotAuthenticated(f"The token names an unknown role {claims['role']!r}.") from exc
        self._check_lifetime(claims)
        return Principal(subject=_subject(claims, role), role=role)

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        """No token may live longer than the configured maximum, however it was issued."""
        exp, iat = _instant(claims, "exp"), _instant(claims, "iat")
        longest = self._settings.jwt_max_lifetime_s
        if exp - iat > longest or exp - time.time() > longest + LEEWAY_S:
            raise NotAuthenticated(
                f"The token lives longer than the allowed {longest} seconds; ask for a new one."
            )


def mint_token(settings: Settings, *, role: Role, subject: str, ttl_s: int = DEFAULT_TTL_S) -> str:
    """Sign a token with the shared secret (development, tests and `mip token`).

    ValueError if the lifetime is not positive or beyond the maximum, or a person's subject
    is not one e-mail address; the subject is signed as the services will read it.
    """
    secret = settings.signing_secret
    if secret is None:
        raise RuntimeError("No signing secret is configured; production tokens come from the IdP.")
    if not 0 < ttl_s <= settings.jwt_max_lifetime_s:
        raise ValueError(
            f"a token's lifetime must be between 1 and {settings.jwt_max_lifetime_s} seconds,"
            f" not {ttl_s}"
        )
    if role in PEOPLE:
        subject = valid_address(subject)
    elif not subject.strip():
        raise ValueError("the subject is empty")
    return jwt.encode(
        token_claims(settings, role=role, subject=subject, ttl_s=ttl_s), secret, algorithm="HS256"
    )


def token_claims(settings: Settings, *, role: Role, subject: str, ttl_s: int) -> dict[str, Any]:
    """The claims of a token for `subject` in `role` living `ttl_s` seconds from now, as
    given: the caller has already checked the subject and the lifetime."""
    now = int(time.time())
    return {
        "sub": subject,
        "role": role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_s,
    }


_bearer = HTTPBearer(auto_error=False, description="A MIP token: `mip token --role office`")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("This endpoint needs an 'Authorization: Bearer <token>' header.")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.authenticate(credentials.credentials)


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """For what anyone may read: no token is a visitor; a token, if sent, must be valid."""
    if credentials is None:
        return None
    return await current_principal(request, credentials)


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
