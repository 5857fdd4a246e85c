"""CSRF: every form the portal accepts carries a token only its own pages can know.

Each browser gets a random secret in the HttpOnly cookie `mip_csrf` (set with the first
page); a form's token is an HMAC of that secret under the portal's key, written into the
form by `{{ csrf_field() }}`. `protect` runs before every route (an app dependency): a
POST, PUT, PATCH or DELETE whose `csrf_token` field (or `X-CSRF-Token` header) does not
match is refused with the 403 page errors/csrf.html and changes nothing. Signing in and
out gives the browser a new secret, so a token seen before cannot be replayed after.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from services.portal.runtime import PortalRuntime, portal_runtime

COOKIE = "mip_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# RFC 8058: a mail client's one-click unsubscribe posts with no cookie and no form token.
# The unguessable token in the link is that request's credential, and the most another
# site could do with it is what the link's owner may do in one click anyway.
EXEMPT = frozenset({"/alerts/unsubscribe"})


class CsrfRefused(Exception):
    """A form without the token its page was given."""


def _secret(request: Request) -> str:
    """This browser's secret: its cookie's, or a new one the answer will set."""
    state = request.state
    if getattr(state, "csrf_secret", None) is None:
        found = request.cookies.get(COOKIE)
        if found and 20 <= len(found) <= 100:
            state.csrf_secret, state.csrf_new = found, False
        else:
            state.csrf_secret, state.csrf_new = secrets.token_urlsafe(32), True
    secret: str = state.csrf_secret
    return secret


def token(request: Request) -> str:
    """The token a form on this page must send back."""
    return portal_runtime(request).keys.mac("csrf", _secret(request))


def renew(request: Request) -> None:
    """Give the browser a new secret with this answer (at sign-in and sign-out)."""
    request.state.csrf_secret, request.state.csrf_new = secrets.token_urlsafe(32), True


def attach(request: Request, response: Response) -> None:
    """Set the cookie if this request made a new secret (middleware, after the route)."""
    if getattr(request.state, "csrf_new", False):
        runtime: PortalRuntime = portal_runtime(request)
        response.set_cookie(
            COOKIE,
            request.state.csrf_secret,
            httponly=True,
            secure=runtime.secure_cookies,
            samesite="lax",
            path="/",
        )


async def protect(request: Request) -> None:
    """App dependency: refuse an unsafe request without the right token."""
    if request.method not in UNSAFE or request.url.path in EXEMPT:
        return
    cookie = request.cookies.get(COOKIE)
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    if not cookie or not sent:
        raise CsrfRefused
    expected = portal_runtime(request).keys.mac("csrf", cookie)
    if not hmac.compare_digest(sent, expected):
        raise CsrfRefused
