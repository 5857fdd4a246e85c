"""The signed-in person's session: a random id in a signed, HttpOnly cookie, kept
server-side only as its hash, so sign-out ends it for good (a copied cookie stops
working) and a leaked table signs nobody in.

Cookie `mip_session` = `<id>.<hmac>`: SameSite=Lax always; Secure in production; it lives
`MIP_PORTAL_SESSION_TTL_S` (8 hours), as does the row.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from starlette.responses import Response

from mip.core.auth import Role
from services.portal.runtime import PortalRuntime

COOKIE = "mip_session"


@dataclass(frozen=True, slots=True)
class Person:
    """Who is signed in: their address (lower-cased) and the role the data gave them."""

    email: str
    role: Role


def _hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def _cookie_value(runtime: PortalRuntime, session_id: str) -> str:
    return f"{session_id}.{runtime.keys.mac('session', session_id)}"


def _session_id(runtime: PortalRuntime, cookie: str | None) -> str | None:
    """The id in a cookie whose signature holds; None for anything else."""
    if not cookie or cookie.count(".") != 1:
        return None
    session_id, signature = cookie.split(".")
    expected = runtime.keys.mac("session", session_id)
    return session_id if hmac.compare_digest(signature, expected) else None


async def start(runtime: PortalRuntime, person: Person) -> str:
    """A new session for `person`; the cookie value to set."""
    session_id = secrets.token_urlsafe(32)
    now = runtime.clock()
    await runtime.pool.execute(
        "INSERT INTO sessions (id_hash, email, role, created_at, expires_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        _hash(session_id),
        person.email,
        person.role.value,
        now,
        now + timedelta(seconds=runtime.config.session_ttl_s),
    )
    return _cookie_value(runtime, session_id)


async def person_of(runtime: PortalRuntime, cookie: str | None) -> Person | None:
    """The person a cookie signs in, if its session is live (not ended, not expired)."""
    session_id = _session_id(runtime, cookie)
    if session_id is None:
        return None
    row = await runtime.pool.fetchrow(
        "SELECT email, role FROM sessions WHERE id_hash = $1"
        " AND ended_at IS NULL AND expires_at > $2",
        _hash(session_id),
        runtime.clock(),
    )
    if row is None:
        return None
    person = Person(email=row["email"], role=Role(row["role"]))
    if person.role is Role.office and person.email not in runtime.config.office_emails:
        return None  # taken off MIP_OFFICE_EMAILS since signing in: the session ends now
    return person


async def end(runtime: PortalRuntime, cookie: str | None) -> None:
    session_id = _session_id(runtime, cookie)
    if session_id is not None:
        await runtime.pool.execute(
            "UPDATE sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL",
            _hash(session_id),
            runtime.clock(),
        )


def set_cookie(runtime: PortalRuntime, response: Response, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=runtime.config.session_ttl_s,
        httponly=True,
        secure=runtime.secure_cookies,
        samesite="lax",
        path="/",
    )


def clear_cookie(runtime: PortalRuntime, response: Response) -> None:
    response.delete_cookie(
        COOKIE, httponly=True, secure=runtime.secure_cookies, samesite="lax", path="/"
    )
